// provisioning.server-version: the Postgres major version is still supported upstream.
import type { Check, CheckOutcome } from '../../../core/checks/check.js';
import type { PostgresCheckContext } from './context.js';

/**
 * End of life of each major version, from https://www.postgresql.org/support/versioning/.
 * Majors older than the first entry are past it; majors newer than the last are not known yet.
 */
export const END_OF_LIFE: Readonly<Record<number, string>> = {
  13: '2025-11-13',
  14: '2026-11-12',
  15: '2027-11-11',
  16: '2028-11-09',
  17: '2029-11-08',
  18: '2030-11-14',
};

/** How close to end of life a version starts to warn. */
export const WARN_WITHIN_DAYS = 365;

const DAY_MS = 86_400_000;

/** `150004` → 15; before Postgres 10 the major had two parts: `90624` → 9.6. */
export function majorOf(versionNum: number): number {
  const first = Math.floor(versionNum / 10_000);
  return versionNum >= 100_000 ? first : first + (Math.floor(versionNum / 100) % 100) / 10;
}

/** The verdict for a `server_version_num` on a given day. */
export function serverVersionVerdict(versionNum: number, now: Date): CheckOutcome {
  if (!Number.isFinite(versionNum)) throw new Error(`unreadable server_version_num: ${versionNum}`);
  const major = majorOf(versionNum);
  const known = Object.keys(END_OF_LIFE).map(Number);
  const eol = END_OF_LIFE[major];
  const details = { versionNum, major, endOfLife: eol };
  const upgrade = `upgrade to Postgres ${Math.max(...known)} (or the newest your provider offers)`;
  if (major < Math.min(...known)) {
    return { status: 'fail', summary: `Postgres ${major} is past its end of life`, details, fix: upgrade };
  }
  if (!eol) {
    return { status: 'pass', summary: `Postgres ${major}, newer than launchdb's support table`, details };
  }
  const daysLeft = Math.ceil((Date.parse(`${eol}T00:00:00Z`) - now.getTime()) / DAY_MS);
  if (daysLeft <= 0) {
    return {
      status: 'fail',
      summary: `Postgres ${major} reached its end of life on ${eol}: no more security fixes`,
      details: { ...details, daysLeft },
      fix: upgrade,
    };
  }
  if (daysLeft <= WARN_WITHIN_DAYS) {
    return {
      status: 'warn',
      summary: `Postgres ${major} reaches its end of life on ${eol} (in ${daysLeft} days)`,
      details: { ...details, daysLeft },
      fix: `plan the upgrade before ${eol}: ${upgrade}`,
    };
  }
  return {
    status: 'pass',
    summary: `Postgres ${major}, supported until ${eol}`,
    details: { ...details, daysLeft },
  };
}

export const serverVersion: Check<PostgresCheckContext> = {
  id: 'provisioning.server-version',
  area: 'provisioning',
  title: 'A supported Postgres major version',
  severity: 'fail',
  async run(ctx) {
    const db = await ctx.postgres.db();
    const { rows } = await db.query<{ num: string; version: string }>(
      `select current_setting('server_version_num') as num, current_setting('server_version') as version`,
    );
    const outcome = serverVersionVerdict(Number(rows[0]?.num), ctx.now);
    return { ...outcome, details: { ...(outcome.details as object), version: rows[0]?.version } };
  },
};
