// Values a smoke run left: a value carrying a run id (`smoke-` and 10 of [0-9a-z]) is the run's own
// test data. It may stay when its run is recorded in launchdb.smoke_runs as finished and its spec keeps
// its rows, outside production-like environments (a guarded environment's spec must clean up). Any
// other is a leftover: its run is unfinished (killed) or unknown, or it claimed its rows gone.
import { RUN_ID_TOKEN } from '../../../smoke/run-id.js';
import type { Queryable } from '../database.js';
import { keptSmokeRunIds, smokeRunsAccess } from '../smoke/smoke-runs.js';

/** The id findings of smoke leftovers carry, beside the patterns' ids. */
export const SMOKE_LEFTOVER_PATTERN = 'smoke.leftover';

/** `smoke-`: the cheap test most values fail before the regex runs. */
const PREFIX = 'smoke-';

export class SmokeValues {
  private constructor(
    private readonly kept: ReadonlySet<string>,
    /** Why runs could not be told apart: for the scan's notes when a leftover is found. */
    readonly note?: string,
  ) {}

  static async load(db: Queryable, productionLike: boolean): Promise<SmokeValues> {
    if (productionLike) return new SmokeValues(new Set());
    if ((await smokeRunsAccess(db)) === 'unreadable') {
      return new SmokeValues(
        new Set(),
        'launchdb.smoke_runs could not be read: every value carrying a smoke run id is reported as a leftover',
      );
    }
    return new SmokeValues(await keptSmokeRunIds(db));
  }

  /** `kept`: a finished run's rows that may stay; `leftover`; undefined: no run id in it. */
  judge(value: string): 'kept' | 'leftover' | undefined {
    if (!value.includes(PREFIX)) return undefined;
    const ids = value.match(RUN_ID_TOKEN);
    if (!ids) return undefined;
    return ids.every((id) => this.kept.has(id)) ? 'kept' : 'leftover';
  }
}
