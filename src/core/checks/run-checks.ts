// Runs checks concurrently, each under a time limit; a check that throws or hangs is `error`.
import type { Person } from '../config/people.js';
import type { Area, Check, CheckOutcome, CheckResult } from './check.js';
import { StoreUnavailable } from './check.js';
import { type Report, verdictOf } from './report.js';

export interface RunOptions {
  project: string;
  environment: string;
  /** The environment's data owner, for the report's header. */
  owner?: Person;
  /** Time limit of each check in ms. Default 15000. */
  timeoutMs?: number;
  /** How many checks run at once. Default 4. */
  concurrency?: number;
  /** Only checks of these areas. */
  only?: readonly Area[];
  /** Warnings make the verdict `not ready`. */
  strict?: boolean;
  /** Called as each check finishes, for progress. */
  onResult?: (result: CheckResult) => void;
}

export async function runChecks<Context>(
  checks: readonly Check<Context>[],
  context: Context,
  options: RunOptions,
): Promise<Report> {
  const started = performance.now();
  const selected = options.only ? checks.filter((check) => options.only?.includes(check.area)) : checks;
  const results: CheckResult[] = new Array(selected.length);
  const order = startOrder(selected);
  let next = 0;
  const worker = async () => {
    while (next < order.length) {
      const index = order[next++]!;
      const check = selected[index]!;
      const result = await runOne(check, context, check.timeoutMs ?? options.timeoutMs ?? 15_000);
      results[index] = result;
      options.onResult?.(result);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 4, selected.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return {
    project: options.project,
    environment: options.environment,
    ...(options.owner ? { owner: options.owner } : {}),
    verdict: verdictOf(results, options.strict),
    checks: results,
    durationMs: Math.round(performance.now() - started),
  };
}

/**
 * The checks' indexes, those that declare a longer time limit (they do real work: a shadow replay,
 * a scan) first, the rest in their order: the report's wall time is then about the slowest check's,
 * not the slowest's plus the quick ones queued before it. The report keeps the checks' own order.
 */
function startOrder(checks: readonly { timeoutMs?: number }[]): number[] {
  return checks
    .map((check, index) => ({ index, limit: check.timeoutMs ?? 0 }))
    .sort((a, b) => b.limit - a.limit || a.index - b.index)
    .map(({ index }) => index);
}

async function runOne<Context>(
  check: Check<Context>,
  context: Context,
  timeoutMs: number,
): Promise<CheckResult> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CheckOutcome>((resolve) => {
    timer = setTimeout(
      () => resolve({ status: 'error', summary: `did not finish within ${timeoutMs} ms` }),
      timeoutMs,
    );
  });
  let outcome: CheckOutcome;
  try {
    outcome = await Promise.race([check.run(context).catch(outcomeOfError), timeout]);
  } finally {
    clearTimeout(timer);
  }
  return {
    id: check.id,
    area: check.area,
    title: check.title,
    ...outcome,
    durationMs: Math.round(performance.now() - started),
  };
}

function outcomeOfError(error: unknown): CheckOutcome {
  if (error instanceof StoreUnavailable) {
    return { status: 'skip', summary: `not evaluated: ${error.message} (see ${error.reachableCheck})` };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { status: 'error', summary: `could not be evaluated: ${message.split('\n')[0]}` };
}
