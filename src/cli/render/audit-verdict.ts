// How `audit verify` and `audit checkpoint` print a trail's verdict: the witnesses it was proved
// against, a broken trail's first bad event and its problems, and the notes.
import type { EnvironmentTrailVerdict } from '../../stores/postgres/audit/verify-environment.js';
import type { Io } from '../io.js';

/** Problems listed before `… and N more`. */
const PROBLEMS_SHOWN = 20;

/** `3 witnessed heads (2 in .launchdb/audit-heads, 0 in backups, 1 in the control database)`. */
export function witnessedText(verdict: EnvironmentTrailVerdict): string {
  const { checked } = verdict.witnessed;
  const { local, backups, control } = verdict.sources;
  const inControl = control === undefined ? '' : `, ${control} in the control database`;
  return `${checked} witnessed head${checked === 1 ? '' : 's'} (${local} in .launchdb/audit-heads, ${backups} in backups${inControl})`;
}

/** `broken at event N`, then each problem: for a verdict that is not ok. */
export function renderBrokenTrail(
  verdict: EnvironmentTrailVerdict,
  where: { environment: string; location: string },
  io: Io,
): void {
  io.out(
    `${io.style('red', `broken at event ${verdict.firstBad}`)}: the audit trail of ${where.environment} (${where.location}) is not as it was written\n`,
  );
  for (const problem of verdict.problems.slice(0, PROBLEMS_SHOWN)) io.out(`  ${problem.problem}\n`);
  if (verdict.problems.length > PROBLEMS_SHOWN) {
    io.out(`  … and ${verdict.problems.length - PROBLEMS_SHOWN} more\n`);
  }
}

export function renderTrailNotes(verdict: EnvironmentTrailVerdict, io: Io): void {
  for (const note of verdict.notes) io.out(io.style('dim', `note: ${note}\n`));
}

/** `head 7 (a1b2c3d4e5f6…)`. */
export function headText(head: { seq: number; hash: string }): string {
  return `head ${head.seq} (${head.hash.slice(0, 12)}…)`;
}
