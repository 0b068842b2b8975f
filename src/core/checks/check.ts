// The check contract (DESIGN.md): a plain object with an id, an area, a title, a severity and `run`.

export const AREAS = [
  'provisioning',
  'schema',
  'seed',
  'connections',
  'backups',
  'access',
  'smoke',
  'objects',
  'cache',
  'documents',
] as const;
export type Area = (typeof AREAS)[number];

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'skip' | 'error';

export interface CheckOutcome {
  status: CheckStatus;
  /** One line: what was found. */
  summary: string;
  /** Structured evidence, shown with --json and in the console. */
  details?: unknown;
  /** What to do about a warn or fail. */
  fix?: string;
}

export interface Check<Context> {
  /** Stable, dotted, kebab-cased: `area.what-it-asks`. */
  id: string;
  area: Area;
  title: string;
  /** What a problem found by this check counts as at most. */
  severity: 'fail' | 'warn';
  /** Its own time limit in ms, for checks that must do real work (a shadow replay); else the runner's. */
  timeoutMs?: number;
  run(context: Context): Promise<CheckOutcome>;
}

export interface CheckResult extends CheckOutcome {
  id: string;
  area: Area;
  title: string;
  durationMs: number;
}

/**
 * Thrown by a check context when the store the check needs cannot be reached: the runner reports
 * the check as skipped, since the reachability check already fails for it.
 */
export class StoreUnavailable extends Error {
  constructor(
    readonly store: string,
    /** The check that reports why, named in the skipped checks' summaries. */
    readonly reachableCheck = 'provisioning.reachable',
  ) {
    super(`${store} is unreachable`);
  }
}
