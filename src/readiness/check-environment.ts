// One environment's readiness, for every front end (`check`, the scheduler's check job through it, a
// fleet check): which stores it declares, their sessions and checks, the scheduled jobs' checks, the
// report, and the run recorded in the verdict history. It returns data; the caller renders it.
import { checkControlOptions, type RecordOutcome, startRecordingCheck } from '../control/record-check-run.js';
import { sharedControl } from '../control/shared-control.js';
import type { Area, Check, CheckResult } from '../core/checks/check.js';
import type { Report } from '../core/checks/report.js';
import { runChecks } from '../core/checks/run-checks.js';
import { dataOwnerOf } from '../core/config/people.js';
import { UsageError } from '../core/errors.js';
import type { Environment, Project } from '../core/project.js';
import { hasScheduledJobs, jobRanChecks } from '../scheduler/job-ran-checks.js';
import { declaredStores } from '../stores/stores.js';

export interface CheckEnvironmentOptions {
  /** Only checks of these areas. */
  only?: readonly Area[] | undefined;
  /** Warnings make the verdict `not ready`. */
  strict?: boolean;
  /** The `--connect-timeout` flag, when given. */
  connectTimeoutMs?: number | undefined;
  /** Record the run in the verdict history (default true). */
  record?: boolean;
  /** Called as each check finishes, for progress. */
  onResult?: (result: CheckResult) => void;
}

export interface EnvironmentReadiness {
  report: Report;
  /** The checks that ran, for renderers that need their severities (SARIF, annotations). */
  checks: readonly Pick<Check<unknown>, 'id' | 'severity'>[];
  /** A store could not be reached (its reachability check failed): the CLI exits 3. */
  unreachable: boolean;
  /**
   * Where the run was recorded, when it was to be: settled after the report, so a front end shows
   * the verdict first. Recording never changes the verdict and never rejects.
   */
  recorded?: Promise<RecordOutcome>;
}

export async function checkEnvironment(
  project: Project,
  env: Environment,
  options: CheckEnvironmentOptions = {},
): Promise<EnvironmentReadiness> {
  const { only, connectTimeoutMs } = options;
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
  const recorder = options.record === false ? undefined : startRecordingCheck(project, env, control);
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
        strict: options.strict === true,
        ...(options.onResult ? { onResult: options.onResult } : {}),
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
  const reachability = new Set(stores.map((store) => store.reachableCheck));
  const unreachable = report.checks.some((check) => reachability.has(check.id) && check.status === 'fail');
  return {
    report,
    checks,
    unreachable,
    ...(recorder ? { recorded: recorder.finish(report) } : {}),
  };
}
