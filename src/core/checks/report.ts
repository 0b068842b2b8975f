// A report: every check of one environment and one verdict.
import type { Person } from '../config/people.js';
import type { CheckResult } from './check.js';

export type Verdict = 'ready' | 'not ready';

export interface Report {
  project: string;
  environment: string;
  /** The environment's data owner, when the config names one: shown in the report's header. */
  owner?: Person;
  verdict: Verdict;
  checks: CheckResult[];
  durationMs: number;
}

/** `error` and `fail` are never ready; `warn` is not ready only when strict. */
export function verdictOf(checks: readonly CheckResult[], strict = false): Verdict {
  const blocking = checks.some(
    (check) => check.status === 'fail' || check.status === 'error' || (strict && check.status === 'warn'),
  );
  return blocking ? 'not ready' : 'ready';
}

export function countByStatus(checks: readonly CheckResult[]): Record<CheckResult['status'], number> {
  const counts = { pass: 0, warn: 0, fail: 0, skip: 0, error: 0 };
  for (const check of checks) counts[check.status]++;
  return counts;
}
