// The console's actions in the control database: who ran which command on which environment, how
// it ended, and its output lines numbered from 1 (the event ids a resumed stream starts after).
import { randomBytes } from 'node:crypto';
import type { Queryable } from '../../stores/postgres/database.js';

export interface ActionRecord {
  id: string;
  environment: string;
  action: string;
  argv: string[];
  account: string;
  startedAt: string;
  endedAt?: string | undefined;
  exitCode?: number | null | undefined;
  errorLine?: string | undefined;
}

export interface ActionLine {
  seq: number;
  stream: 'stdout' | 'stderr';
  line: string;
}

/** Lines kept per action: a runaway command's output must not fill the control database. */
export const MAX_LINES = 5_000;

interface Row {
  id: string;
  environment: string;
  action: string;
  argv: string[] | string;
  account: string;
  started_at: Date | string;
  ended_at: Date | string | null;
  exit_code: number | null;
  error_line: string | null;
}

const COLUMNS = 'id, environment, action, argv, account, started_at, ended_at, exit_code, error_line';

function recordOf(row: Row): ActionRecord {
  return {
    id: row.id,
    environment: row.environment,
    action: row.action,
    argv: typeof row.argv === 'string' ? JSON.parse(row.argv) : row.argv,
    account: row.account,
    startedAt: new Date(row.started_at).toISOString(),
    ...(row.ended_at
      ? {
          endedAt: new Date(row.ended_at).toISOString(),
          exitCode: row.exit_code,
          errorLine: row.error_line ?? undefined,
        }
      : {}),
  };
}

export async function startAction(
  db: Queryable,
  project: string,
  action: { environment: string; action: string; argv: string[]; account: string },
): Promise<string> {
  const id = randomBytes(12).toString('base64url');
  await db.query(
    `insert into launchdb_control.console_actions (id, project, environment, action, argv, account)
     values ($1, $2, $3, $4, $5::jsonb, $6)`,
    [id, project, action.environment, action.action, JSON.stringify(action.argv), action.account],
  );
  return id;
}

export async function appendLines(db: Queryable, id: string, lines: readonly ActionLine[]): Promise<void> {
  const kept = lines.filter((line) => line.seq <= MAX_LINES);
  if (kept.length === 0) return;
  await db.query(
    `insert into launchdb_control.console_action_lines (action_id, seq, stream, line)
     select $1, * from unnest($2::int[], $3::text[], $4::text[])`,
    [id, kept.map((line) => line.seq), kept.map((line) => line.stream), kept.map((line) => line.line)],
  );
}

export async function finishAction(
  db: Queryable,
  id: string,
  end: { exitCode: number | null; errorLine: string | undefined },
): Promise<void> {
  await db.query(
    `update launchdb_control.console_actions set ended_at = now(), exit_code = $2, error_line = $3
      where id = $1`,
    [id, end.exitCode, end.errorLine ?? null],
  );
}

export async function readAction(
  db: Queryable,
  project: string,
  id: string,
): Promise<ActionRecord | undefined> {
  const { rows } = await db.query<Row>(
    `select ${COLUMNS} from launchdb_control.console_actions where project = $1 and id = $2`,
    [project, id],
  );
  return rows[0] ? recordOf(rows[0]) : undefined;
}

/**
 * Ends the actions left running by a console that stopped (its commands died with it). Only for an
 * embedded control database, which one console holds at a time: on a shared server, another
 * instance's actions may be running.
 */
export async function abandonUnfinishedActions(db: Queryable, project: string): Promise<number> {
  const { rows } = await db.query(
    `update launchdb_control.console_actions
        set ended_at = now(), error_line = 'the console stopped while it ran'
      where project = $1 and ended_at is null
      returning id`,
    [project],
  );
  return rows.length;
}

/** The lines after `after` (0: from the start), in order. */
export async function readLines(db: Queryable, id: string, after: number): Promise<ActionLine[]> {
  const { rows } = await db.query<ActionLine>(
    `select seq, stream, line from launchdb_control.console_action_lines
      where action_id = $1 and seq > $2 order by seq`,
    [id, after],
  );
  return rows;
}

/** The newest actions, of one environment or all. */
export async function recentActions(
  db: Queryable,
  project: string,
  options: { environment?: string; limit: number },
): Promise<ActionRecord[]> {
  const { rows } = await db.query<Row>(
    `select ${COLUMNS} from launchdb_control.console_actions
      where project = $1 and ($2::text is null or environment = $2)
      order by started_at desc limit $3`,
    [project, options.environment ?? null, options.limit],
  );
  return rows.map(recordOf);
}
