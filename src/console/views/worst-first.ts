// Checks in the order a reader wants them: errors and failures first, then warnings, passes, skips.
import type { CheckRunCheck } from '../../control/check-run.js';

const ORDER: Record<string, number> = { error: 0, fail: 1, warn: 2, pass: 3, skip: 4 };

export function worstFirst(checks: readonly CheckRunCheck[]): CheckRunCheck[] {
  return [...checks].sort((a, b) => (ORDER[a.status] ?? 9) - (ORDER[b.status] ?? 9));
}
