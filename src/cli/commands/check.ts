// `launchdb check`: runs an environment's readiness checks and gives the verdict (the CI deploy gate).
import { checkControlOptions, recordWarning, startRecordingCheck } from '../../control/record-check-run.js';
import { sharedControl } from '../../control/shared-control.js';
import { AREAS, type Area, type Check } from '../../core/checks/check.js';
import type { Report } from '../../core/checks/report.js';
import { runChecks } from '../../core/checks/run-checks.js';
import { dataOwnerOf } from '../../core/config/people.js';
import { type ExitCode, UsageError } from '../../core/errors.js';
import type { Project } from '../../core/project.js';
import { suggest } from '../../core/suggest.js';
import { hasScheduledJobs, jobRanChecks } from '../../scheduler/job-ran-checks.js';
import { declaredStores } from '../../stores/stores.js';
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
  const stores = declaredStores(env);
  if (stores.length === 0) {
    throw new UsageError(`environment ${env.name} has no stores to check`, {
      fix: `add \`postgres: {}\` under environments.${env.name} in the config`,
    });
  }
  // Each store's session under its name (`postgres`, `objects`, …): nothing connects until a check asks.
  const sessions = Object.fromEntries(
    stores.map((store) => [store.name, store.openSession(env, { connectTimeoutMs, command: 'check' })]),
  );
  const owner = dataOwnerOf(project.config, env.name);
  // One control database for the recorder and the scheduled jobs' checks, opened when first needed.
  // Those checks wait for it as for any store; recording alone gives up after 2 s.
  const control = sharedControl(
    project,
    hasScheduledJobs(project, env, only)
      ? { command: 'check', ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }) }
      : checkControlOptions,
  );
  const checks: Check<never>[] = [
    ...stores.flatMap((store) => store.checks),
    ...jobRanChecks(project, env, control),
  ];
  // Started beside the checks: a server control database connects while they run.
  const recorder = input.flags['no-record'] === true ? undefined : startRecordingCheck(project, env, control);
  let report: Report;
  try {
    report = await runChecks(
      checks as Check<unknown>[],
      { project, env, ...sessions, control, now: new Date() },
      {
        project: project.name,
        environment: env.name,
        ...(owner ? { owner } : {}),
        ...(project.config.checks?.timeout ? { timeoutMs: project.config.checks.timeout } : {}),
        ...(only ? { only } : {}),
        strict,
      },
    );
  } catch (error) {
    await recorder?.cancel();
    throw error;
  } finally {
    await Promise.all(Object.values(sessions).map((session) => session.close()));
    // With a recorder, it closes the control database once the run is recorded.
    if (!recorder) await control.close();
  }

  const junit = stringFlag(input, 'junit');
  if (junit) writeReportFile(io.cwd, junit, renderJunit(report, { strict }));
  const markdown = stringFlag(input, 'markdown');
  if (markdown) writeReportFile(io.cwd, markdown, renderMarkdown(report));
  if (input.flags.json) io.out(`${JSON.stringify(reportDocument(report), null, 2)}\n`);
  else if (format === 'text') io.out(renderReport(report, io.style));
  else io.out(renderForCi(format, report, project, checks, strict));
  if (recorder) {
    // Recording never changes the verdict or the exit code: at most one line on stderr.
    const warning = recordWarning(await recorder.finish(report));
    if (warning) io.err(`${io.style('yellow', warning)}\n`);
  }

  const reachability = new Set(stores.map((store) => store.reachableCheck));
  if (report.checks.some((check) => reachability.has(check.id) && check.status === 'fail')) return 3;
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
