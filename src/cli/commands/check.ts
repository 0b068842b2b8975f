// `launchdb check`: runs an environment's readiness checks and gives the verdict (the CI deploy gate).
import { recordWarning } from '../../control/record-check-run.js';
import { AREAS, type Area, type Check } from '../../core/checks/check.js';
import type { Report } from '../../core/checks/report.js';
import { type ExitCode, UsageError } from '../../core/errors.js';
import type { Project } from '../../core/project.js';
import { suggest } from '../../core/suggest.js';
import { checkEnvironment } from '../../readiness/check-environment.js';
import { stringFlag } from '../args.js';
import { commandContext } from '../context.js';
import { formatFlag } from '../format-flag.js';
import type { Io } from '../io.js';
import { renderGithub } from '../render/github.js';
import { renderJunit } from '../render/junit.js';
import { renderMarkdown } from '../render/markdown.js';
import { reportAnnotations } from '../render/report-annotations.js';
import { writeReportFile } from '../render/report-file.js';
import { countsText, renderReport } from '../render/report-terminal.js';
import { renderSarif } from '../render/sarif.js';
import type { CommandInput } from '../spec.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const only = parseAreas(stringFlag(input, 'only'));
  const strict = input.flags.strict === true;
  const format = formatFlag(input, ['text', 'github', 'sarif']);
  const { project, env, connectTimeoutMs } = await commandContext(input, io);
  const { report, checks, unreachable, recorded } = await checkEnvironment(project, env, {
    only,
    strict,
    connectTimeoutMs,
    record: input.flags['no-record'] !== true,
  });

  const junit = stringFlag(input, 'junit');
  if (junit) writeReportFile(io.cwd, junit, renderJunit(report, { strict }));
  const markdown = stringFlag(input, 'markdown');
  if (markdown) writeReportFile(io.cwd, markdown, renderMarkdown(report));
  if (input.flags.json) io.out(`${JSON.stringify(reportDocument(report), null, 2)}\n`);
  else if (format === 'text') io.out(renderReport(report, io.style));
  else io.out(renderForCi(format, report, project, checks, strict));
  // Recording never changes the verdict or the exit code: at most one line on stderr.
  const warning = recorded && recordWarning(await recorded);
  if (warning) io.err(`${io.style('yellow', warning)}\n`);
  if (unreachable) return 3;
  return report.verdict === 'ready' ? 0 : 1;
}

/** The `--json` document: exactly the fields DESIGN.md and the issue name. */
export function reportDocument(report: Report) {
  return {
    project: report.project,
    environment: report.environment,
    ...(report.owner ? { owner: report.owner } : {}),
    verdict: report.verdict,
    checks: report.checks.map(({ id, area, status, summary, details, fix }) => ({
      id,
      area,
      status,
      summary,
      ...(details === undefined ? {} : { details }),
      ...(fix === undefined ? {} : { fix }),
    })),
    durationMs: report.durationMs,
  };
}

/** GitHub workflow commands, then the counts and verdict; or a SARIF log. */
function renderForCi(
  format: 'github' | 'sarif',
  report: Report,
  project: Project,
  checks: readonly Pick<Check<unknown>, 'id' | 'severity'>[],
  strict: boolean,
): string {
  const run = reportAnnotations(report, { project, checks, strict });
  if (format === 'sarif') return renderSarif(run);
  return renderGithub(run, `launchdb check: ${report.verdict}; ${countsText(report)}`);
}

function parseAreas(value: string | undefined): Area[] | undefined {
  if (value === undefined) return undefined;
  return value.split(',').map((raw) => {
    const area = raw.trim();
    if ((AREAS as readonly string[]).includes(area)) return area as Area;
    const guess = suggest(area, AREAS);
    throw new UsageError(`unknown area "${area}" for --only; areas: ${AREAS.join(', ')}`, {
      ...(guess ? { fix: `did you mean --only ${guess}?` } : {}),
    });
  });
}
