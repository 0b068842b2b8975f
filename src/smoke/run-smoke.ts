// Runs a smoke spec against the live app: each step in order until one fails, then the `finally`
// steps whatever happened, then the proof in the store — the run's rows gone after the clean-up, and
// when the record never reached this environment, where it went instead.
import { firstLine, UnreachableError } from '../core/errors.js';
import type { Queryable } from '../stores/postgres/database.js';
import { runHttpStep } from './http-step.js';
import type { LoadedSpec } from './load-spec.js';
import { logOffset, runLogStep } from './log-step.js';
import { placedSteps } from './placed-steps.js';
import { newRunId } from './run-id.js';
import { DEFAULT_BUDGET_MS, type RecordPlace, type SmokeStep } from './spec.js';
import { runSqlStep } from './sql-step.js';
import { stepLabel } from './step-label.js';
import type { StepKind, StepOutcome, StepResult } from './step-result.js';
import { renderTemplates, type TemplateContext, templateNames } from './template.js';

/** Read-only access to an environment's database, for `sql` steps. */
export interface SmokeReader {
  db: Queryable;
  /** A psql command line that reaches it (no password), or undefined (embedded). */
  psql: string | undefined;
  /** `production (127.0.0.1:5432/shop_production)`. */
  where: string;
}

/** Where a run id was found: a place and how many rows carry it. */
export interface PlaceRows {
  place: RecordPlace;
  rows: number;
  missing?: string;
}

/** What the runner needs from the environment's database; the Postgres side implements it. */
export interface SmokeDatabase {
  /** The environment of `name` (this one when undefined), read-only. */
  reader(name: string | undefined): Promise<SmokeReader>;
  /** Sweeps killed runs' rows, records this run as running, and marks its start for the evidence. */
  begin(run: { id: string; keepsRows: boolean }): Promise<{ swept: { runs: string[]; rows: number } }>;
  /** launchdb's evidence that the app's database work for this run succeeded. */
  evidence(runId: string): Promise<{ ok: boolean; sentences: string[] }>;
  /** Rows carrying the run id in this environment. */
  findRows(runId: string): Promise<PlaceRows[]>;
  /** Other attached environments holding the run id: the wrong-store diagnosis. */
  findElsewhere(
    runId: string,
  ): Promise<{ found: { environment: string; location: string; rows: number }[]; notes: string[] }>;
  finish(run: {
    id: string;
    status: 'passed' | 'failed';
    steps: StepResult[];
    cleaned: boolean | null;
    note?: string;
  }): Promise<void>;
}

export interface SmokeOptions {
  loaded: LoadedSpec;
  environment: string;
  guarded: boolean;
  /** The project root: log files are relative to it. */
  root: string;
  /** The app's base URL: `--app-url`, else the spec's. */
  appUrl: string | undefined;
  variables: Readonly<Record<string, string | undefined>>;
  database: SmokeDatabase;
  runId?: string;
  /** Called as each step ends, for progress output. */
  onStep?: (result: StepResult) => void;
}

export interface SmokeRun {
  runId: string;
  environment: string;
  status: 'passed' | 'failed';
  steps: StepResult[];
  /** Rows with the run id left after the `finally` steps; null when the spec keeps its rows. */
  cleaned: boolean | null;
  remaining: PlaceRows[];
  /** Where the record went, when it never reached this environment. */
  diagnosis: string[];
  swept: { runs: string[]; rows: number };
  durationMs: number;
  /**
   * What stopped a step from running at all: the app unreachable (the command exits 3), a spec that
   * cannot run (an unset variable: 2), or a fault. The finally steps and the proof ran all the same.
   */
  stopped?: Error;
}

export async function runSmoke(options: SmokeOptions): Promise<SmokeRun> {
  const started = performance.now();
  const { spec } = options.loaded;
  const runId = options.runId ?? newRunId();
  const captures: Record<string, unknown> = {};
  const secrets = new Set<string>();
  const context = (): TemplateContext => ({ runId, captures, env: options.variables });
  const render = <T>(value: T, where: string): T => {
    const rendered = renderTemplates(value, context(), where);
    for (const secret of rendered.secrets) secrets.add(secret);
    return rendered.value;
  };

  const baseUrl = render(options.appUrl ?? spec.app?.url, 'app.url')?.replace(/\/+$/, '');
  const headers = render(spec.app?.headers ?? {}, 'app.headers');
  const places = spec.records ?? [];
  const keepsRows = !spec.finally?.length;
  const offsets = new Map<string, number>();
  for (const { inner } of placedSteps(spec)) {
    const file = inner.log?.file;
    if (file) offsets.set(file, logOffset(options.root, file));
  }
  // Every environment a sql step reads is opened before the run writes anything: one that cannot be
  // read (not declared, not attached to a server) is refused now, not halfway with the run's rows left.
  for (const environment of sqlEnvironments(spec)) await options.database.reader(environment);
  const { swept } = await options.database.begin({ id: runId, keepsRows });

  const steps: StepResult[] = [];
  let stopped: Error | undefined;
  const runStep = async (step: SmokeStep, index: number, phase: StepResult['phase']): Promise<StepResult> => {
    const name = stepLabel(step, index, phase);
    const kind: StepKind = step.http ? 'http' : step.sql ? 'sql' : step.log ? 'log' : 'poll';
    const begun = performance.now();
    let outcome: StepOutcome;
    const missing = templateNames(step).captures.filter((capture) => !(capture in captures));
    if (phase === 'finally' && missing.length > 0) {
      outcome = {
        status: 'skip',
        message: `skipped: never captured ${missing.join(', ')} (an earlier step failed)`,
      };
    } else {
      try {
        outcome = await runOnce(step, name);
      } catch (error) {
        // Whatever stops a step, the run still cleans up and proves it; the command reports it after.
        const reason = error instanceof Error ? error : new Error(String(error));
        stopped ??= reason;
        outcome =
          reason instanceof UnreachableError
            ? { status: 'fail', message: reason.message, expected: 'a response', got: 'no connection' }
            : { status: 'fail', message: `could not run: ${firstLine(reason)}` };
      }
    }
    Object.assign(captures, outcome.captures);
    const { captures: _, ...shown } = outcome;
    const result: StepResult = { name, kind, phase, ms: Math.round(performance.now() - begun), ...shown };
    steps.push(result);
    options.onStep?.(result);
    return result;
  };

  const runOnce = async (step: SmokeStep, name: string): Promise<StepOutcome> => {
    if (step.poll) {
      const { timeoutMs, intervalMs } = step.poll;
      const deadline = performance.now() + timeoutMs;
      let tries = 0;
      for (;;) {
        tries++;
        const outcome = await runOnce(step.poll.step as SmokeStep, name);
        if (outcome.status !== 'fail') return { ...outcome, message: `${outcome.message} (try ${tries})` };
        if (performance.now() + intervalMs > deadline)
          return {
            ...outcome,
            message: `${outcome.message}; still so after ${tries} tries in ${timeoutMs} ms`,
          };
        await new Promise((resolve) => setTimeout(resolve, intervalMs));
      }
    }
    if (step.http) {
      if (!baseUrl)
        return {
          status: 'fail',
          message: 'no app URL',
          expected: '--app-url URL, or app.url in the spec',
          got: 'neither',
        };
      return runHttpStep(render(step.http, name), {
        baseUrl,
        headers,
        budgetMs: spec.app?.budgetMs ?? DEFAULT_BUDGET_MS,
        secrets: [...secrets],
      });
    }
    if (step.sql) {
      const sql = render(step.sql, name);
      return runSqlStep(sql, { ...(await options.database.reader(sql.env)), secrets: [...secrets] });
    }
    const log = render(step.log!, name);
    return runLogStep(log, {
      root: options.root,
      offsets,
      secrets: [...secrets],
      database: places.length > 0 ? () => options.database.evidence(runId) : undefined,
    });
  };

  let failedStep: StepResult | undefined;
  for (const [index, step] of spec.steps.entries()) {
    const result = await runStep(step, index, 'steps');
    if (result.status === 'fail') {
      failedStep = result;
      break;
    }
  }
  // Where the record went, asked before the clean-up removes it: a failed run whose app answered but
  // left nothing here may have written to another environment's database.
  const diagnosis: string[] = [];
  if (failedStep && places.length > 0 && !(stopped instanceof UnreachableError)) {
    const here = await options.database.findRows(runId);
    if (here.every((place) => place.rows === 0)) {
      const elsewhere = await options.database.findElsewhere(runId);
      for (const found of elsewhere.found)
        diagnosis.push(
          `the app wrote to ${found.environment} (${found.location}), not ${options.environment}: ${found.rows} row${found.rows === 1 ? '' : 's'} with this run's id ${found.rows === 1 ? 'is' : 'are'} there`,
        );
      diagnosis.push(...elsewhere.notes);
    }
  }
  for (const [index, step] of (spec.finally ?? []).entries()) await runStep(step, index, 'finally');

  // The proof in the store: the clean-up left no row with the run id.
  const remaining =
    places.length > 0 ? (await options.database.findRows(runId)).filter((p) => p.rows > 0) : [];
  const cleaned = keepsRows ? null : remaining.length === 0;
  const status = failedStep || cleaned === false || stopped ? 'failed' : 'passed';
  const note = cleaned === false ? `rows with the run id remain: ${describeRows(remaining)}` : undefined;
  await options.database.finish({ id: runId, status, steps, cleaned, ...(note ? { note } : {}) });
  return {
    runId,
    environment: options.environment,
    status,
    steps,
    cleaned,
    remaining,
    diagnosis,
    swept,
    durationMs: Math.round(performance.now() - started),
    ...(stopped ? { stopped } : {}),
  };
}

/** The environments the spec's sql steps name (undefined: the one under test), templated ones left out. */
function sqlEnvironments(spec: LoadedSpec['spec']): Set<string | undefined> {
  const environments = new Set<string | undefined>();
  for (const { inner } of placedSteps(spec)) {
    const env = inner.sql?.env;
    if (!env?.includes('{{')) environments.add(env);
  }
  return environments;
}

export function describeRows(places: readonly PlaceRows[]): string {
  return places.map(({ place, rows }) => `${place.table}.${place.column}: ${rows}`).join(', ');
}
