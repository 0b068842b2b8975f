// The project's log of console account changes (added, role, password, removed): who did it and
// when, kept in the control database beside the accounts. Never a password or its hash.
import type { Queryable } from '../../stores/postgres/database.js';

export type AccountChange = 'add' | 'role' | 'password' | 'remove';

export interface AccountLogEntry {
  at: string;
  actor: string;
  change: AccountChange;
  account: string;
  detail?: string | undefined;
}

export async function logAccountChange(
  db: Queryable,
  project: string,
  entry: { actor: string; change: AccountChange; account: string; detail?: string },
): Promise<void> {
  await db.query(
    `insert into launchdb_control.console_account_log (project, actor, change, account, detail)
     values ($1, $2, $3, $4, $5)`,
    [project, entry.actor, entry.change, entry.account, entry.detail ?? null],
  );
}

export async function readAccountLog(
  db: Queryable,
  project: string,
  limit: number,
): Promise<AccountLogEntry[]> {
  const { rows } = await db.query<{
    at: Date | string;
    actor: string;
    change: AccountChange;
    account: string;
    detail: string | null;
  }>(
    `select at, actor, change, account, detail from launchdb_control.console_account_log
      where project = $1 order by at desc limit $2`,
    [project, limit],
  );
  return rows.map((row) => ({
    at: new Date(row.at).toISOString(),
    actor: row.actor,
    change: row.change,
    account: row.account,
    ...(row.detail ? { detail: row.detail } : {}),
  }));
}
