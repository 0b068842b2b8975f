// How many statements the app role has run in this database, by pg_stat_statements, where it is
// installed and loaded. Its counts are updated as each statement ends: no flush to wait for. Other
// roles see the counts of every role's statements, only the texts are hidden from them.
import type { Queryable } from '../database.js';
import { quoteIdent } from '../sql-quote.js';

export type StatementCalls =
  | {
      available: true;
      /** Whose statements: the app role, or every role but launchdb's reader when none was named. */
      roles: string;
      calls: number;
    }
  | { available: false; reason: string };

export async function readStatementCalls(db: Queryable, appRole?: string): Promise<StatementCalls> {
  const { rows } = await db.query<{ schema: string | null; reader: string; app_exists: boolean }>(
    `select (select n.nspname from pg_extension e join pg_namespace n on n.oid = e.extnamespace
              where e.extname = 'pg_stat_statements') as schema,
            current_user as reader,
            $1::text is null or to_regrole($1::text) is not null as app_exists`,
    [appRole ?? null],
  );
  const facts = rows[0]!;
  if (!facts.schema)
    return { available: false, reason: 'pg_stat_statements is not installed in this database' };
  if (appRole !== undefined && !facts.app_exists) {
    return { available: false, reason: `there is no role ${appRole} to count the statements of` };
  }
  if (appRole === facts.reader) {
    // Its own polling would count as the app's statements.
    return {
      available: false,
      reason: `launchdb reads as the app role ${appRole} itself, so its own statements would count`,
    };
  }
  const whose =
    appRole === undefined ? 'userid <> to_regrole(current_user)' : 'userid = to_regrole($1::text)';
  try {
    const { rows: counted } = await db.query<{ calls: string | number }>(
      `select coalesce(sum(calls), 0)::int8 as calls from ${quoteIdent(facts.schema)}.pg_stat_statements
        where dbid = (select oid from pg_database where datname = current_database()) and ${whose}`,
      appRole === undefined ? [] : [appRole],
    );
    return {
      available: true,
      roles: appRole === undefined ? `every role but ${facts.reader}` : appRole,
      calls: Number(counted[0]?.calls ?? 0),
    };
  } catch (error) {
    // Installed but not in shared_preload_libraries, or its view not granted to this role.
    const message = (error as Error).message.split('\n')[0];
    return { available: false, reason: `pg_stat_statements cannot be read: ${message}` };
  }
}
