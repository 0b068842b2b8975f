// `launchdb smoke --env E`: the article's five steps through the live app, proven in the store.
// Exit 0 when the run passed, 1 when a step failed (or its rows remain), 2 for a spec that is bad or
// refused, 3 when the app or the database cannot be reached.
import { resolve } from 'node:path';
import { type ExitCode, UsageError } from '../../core/errors.js';
import { redactUrl } from '../../core/redact.js';
import { lintSmokeSpec } from '../../smoke/lint-spec.js';
import { loadSmokeSpec } from '../../smoke/load-spec.js';
import { newRunId } from '../../smoke/run-id.js';
import { describeRows, runSmoke, type SmokeRun } from '../../smoke/run-smoke.js';
import type { SmokeSpec } from '../../smoke/spec.js';
import type { StepResult } from '../../smoke/step-result.js';
import { openSmokeDatabase } from '../../stores/postgres/smoke/smoke-database.js';
import { stringFlag } from '../args.js';
import { noteAuditDetails } from '../audit-details.js';
import { commandContext, confirmChange } from '../context.js';
import type { Io } from '../io.js';
import { writeReportFile } from '../render/report-file.js';
import { renderSmokeJunit } from '../render/smoke-junit.js';
import type { CommandInput } from '../spec.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const { project, env, connectTimeoutMs } = await commandContext(input, io);
  const specFlag = stringFlag(input, 'spec');
  const loaded = await loadSmokeSpec(
    project.root,
    specFlag === undefined ? undefined : resolve(io.cwd, specFlag),
  );
  const errors = (
    await lintSmokeSpec(loaded, {
      guarded: env.guarded,
      environment: env.name,
      environments: project.environmentNames(),
    })
  ).filter((finding) => finding.severity === 'error');
  if (errors.length > 0) {
    const first = errors[0]!;
    const more =
      errors.length > 1 ? ` (and ${errors.length - 1} more: launchdb smoke lint --env ${env.name})` : '';
    throw new UsageError(`${loaded.file}: ${first.step ? `${first.step}: ` : ''}${first.message}${more}`, {
      fix: first.fix ?? `see launchdb smoke lint --env ${env.name}`,
    });
  }

  // The run writes to the environment (through the app, its smoke_runs row, the sweep of a killed
  // run's rows): a guarded one is confirmed first, as every change to it is.
  await confirmChange(
    env,
    input,
    io,
    `a smoke run of ${loaded.file} through ${appTarget(input, loaded.spec)}`,
  );
  const database = await openSmokeDatabase({
    project,
    env,
    places: loaded.spec.records ?? [],
    specFile: loaded.file,
    specChecksum: loaded.checksum,
    ...(connectTimeoutMs ? { connectTimeoutMs } : {}),
  });
  const json = input.flags.json === true;
  let result: SmokeRun;
  try {
    if (!json) io.err(`smoke test of ${env.project} ${env.name} (${loaded.file})\n`);
    const runId = newRunId();
    result = await database.holdRun(runId, () =>
      runSmoke({
        runId,
        loaded,
        environment: env.name,
        guarded: env.guarded,
        root: project.root,
        appUrl: stringFlag(input, 'app-url'),
        variables: env.vars,
        database,
        ...(json ? {} : { onStep: (step) => io.err(renderStep(step, io)) }),
      }),
    );
  } finally {
    await database.close();
  }
  noteAuditDetails(input, { run: result.runId, status: result.status, cleaned: result.cleaned });

  const junit = stringFlag(input, 'junit');
  if (junit) writeReportFile(io.cwd, junit, renderSmokeJunit(result, env.project));
  if (json) io.out(`${JSON.stringify(smokeDocument(result, env.project), null, 2)}\n`);
  else io.out(renderEnd(result, io));
  if (result.stopped) throw result.stopped;
  return result.status === 'passed' ? 0 : 1;
}

/** The `--json` document. */
export function smokeDocument(result: SmokeRun, project: string) {
  const { stopped, ...rest } = result;
  return { project, ...rest, ...(stopped ? { stopped: stopped.message } : {}) };
}

const MARKS: Record<StepResult['status'], string> = { pass: '✓', warn: '!', fail: '✗', skip: '-' };
const COLOURS = { pass: 'green', warn: 'yellow', fail: 'red', skip: 'dim' } as const;

function renderStep(step: StepResult, io: Io): string {
  const mark = io.style(COLOURS[step.status], MARKS[step.status]);
  const phase = step.phase === 'finally' ? io.style('dim', 'finally ') : '';
  const time = io.style('dim', `(${step.ms} ms)`);
  // Evidence is several sentences, each worth its own line.
  const lines = step.evidence
    ? [`${mark} ${phase}${step.name} ${time}`, ...step.evidence.map((sentence) => `    ${sentence}`)]
    : [`${mark} ${phase}${step.name}: ${step.message} ${time}`];
  if (step.status === 'fail') {
    if (step.expected) lines.push(`    expected: ${step.expected}`);
    if (step.got) lines.push(`    got:      ${step.got}`);
  }
  if (step.status === 'fail' || step.status === 'warn')
    for (const line of step.reproduce ?? []) lines.push(io.style('dim', `    reproduce: ${line}`));
  return `${lines.join('\n')}\n`;
}

function renderEnd(result: SmokeRun, io: Io): string {
  const lines: string[] = [];
  if (result.swept.runs.length > 0)
    lines.push(
      `swept ${result.swept.rows} row${result.swept.rows === 1 ? '' : 's'} of ${result.swept.runs.length} run${result.swept.runs.length === 1 ? '' : 's'} killed before their clean-up (${result.swept.runs.join(', ')})`,
    );
  for (const line of result.diagnosis) lines.push(io.style('red', line));
  if (result.cleaned === true) lines.push('clean-up proven: no row with the run id remains');
  if (result.cleaned === false)
    lines.push(
      io.style('red', `clean-up failed: rows with the run id remain (${describeRows(result.remaining)})`),
    );
  if (result.cleaned === null) lines.push(io.style('dim', 'the spec keeps its rows (no finally steps)'));
  const seconds = (result.durationMs / 1000).toFixed(1);
  const failedAt = result.steps.find((step) => step.status === 'fail');
  lines.push(
    result.status === 'passed'
      ? io.style('green', `passed: run ${result.runId} in ${seconds} s`)
      : io.style(
          'red',
          `failed${failedAt ? ` at ${failedAt.name}` : ''}: run ${result.runId} in ${seconds} s`,
        ),
  );
  return `${lines.join('\n')}\n`;
}

/** The app a run goes through, as the confirmation names it: `--app-url`, else the spec's `app.url`. */
function appTarget(input: CommandInput, spec: SmokeSpec): string {
  const url = stringFlag(input, 'app-url') ?? spec.app?.url;
  return url ? `the app at ${redactUrl(url)}` : 'the app (no URL given)';
}
