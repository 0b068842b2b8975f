// Keeps a statement's plaintext :secret out of the server's log for one transaction, or refuses before it is sent.
import { UsageError } from '../../../core/errors.js';
import type { Queryable } from '../database.js';
import { loadParser } from '../sql/parser.js';

/** The session's current value of each setting the server has (an extension's only when it is loaded). */
type Settings = ReadonlyMap<string, string>;
/** What `log_statement` must be to log a statement: its `GetCommandLogLevel` in Postgres. */
type LogLevel = 'ddl' | 'mod' | 'all';

/** One way a server writes a statement's parameter values to its log. */
interface Leak {
  /** The settings that make it log them, as `name = value`; none when it does not. */
  causes(settings: Settings, level: LogLevel): string[];
  /** The settings that stop it, for this transaction, in order of preference: the first that may be set is used. */
  remedies(settings: Settings, level: LogLevel): Record<string, string>[];
}

const STATEMENT_LOGGERS = {
  log_statement: 'none',
  log_min_duration_statement: '-1',
  log_min_duration_sample: '-1',
  log_transaction_sample_rate: '0',
} as const;
/** The statement levels each `log_statement` value logs. */
const LOGGED_LEVELS: Record<'none' | LogLevel, LogLevel[]> = {
  none: [],
  ddl: ['ddl'],
  mod: ['ddl', 'mod'],
  all: ['ddl', 'mod', 'all'],
};
const DEBUG_PRINTS = ['debug_print_parse', 'debug_print_rewritten', 'debug_print_plan'];

const LEAKS: Leak[] = [
  // Statement logging (log_statement, duration, sampling) writes `DETAIL: parameters: $1 = '…'`
  // unless log_parameter_max_length is 0 (before Postgres 13 it always did).
  {
    causes: (settings, level) => {
      const loggers = statementLoggers(settings, level);
      const length = differing(settings, { log_parameter_max_length: '0' });
      if (loggers.length === 0 || (settings.has('log_parameter_max_length') && length.length === 0))
        return [];
      return [...loggers.map((name) => shown(settings, name)), ...length];
    },
    remedies: (settings, level) => {
      const loggers = statementLoggers(settings, level);
      // A transaction is sampled when it begins: changing the rate inside it changes nothing.
      const quietable = !loggers.includes('log_transaction_sample_rate');
      return [
        { log_parameter_max_length: '0' },
        ...(quietable ? [Object.fromEntries(loggers.map((name) => [name, STATEMENT_LOGGERS[name]]))] : []),
      ];
    },
  },
  // A failing statement is logged with its parameters unless this is 0 (its default).
  {
    causes: (settings) => differing(settings, { log_parameter_max_length_on_error: '0' }),
    remedies: () => [{ log_parameter_max_length_on_error: '0' }],
  },
  // pgaudit writes parameters with pgaudit.log_parameter, for session and object audit logging.
  {
    causes: (settings) => {
      const audits = [
        ...((settings.get('pgaudit.log') ?? 'none').toLowerCase() === 'none' ? [] : ['pgaudit.log']),
        ...(settings.get('pgaudit.role') ? ['pgaudit.role'] : []),
      ];
      return settings.get('pgaudit.log_parameter') === 'on' && audits.length > 0
        ? ['pgaudit.log_parameter', ...audits].map((name) => shown(settings, name))
        : [];
    },
    remedies: (): Record<string, string>[] => [
      { 'pgaudit.log_parameter': 'off' },
      { 'pgaudit.log': 'none', 'pgaudit.role': '' },
    ],
  },
  // auto_explain's plans show parameter values: a custom plan holds them as constants.
  {
    causes: (settings) => differing(settings, { 'auto_explain.log_min_duration': '-1' }),
    remedies: () => [{ 'auto_explain.log_min_duration': '-1' }],
  },
  // The planner's debug output holds the same constants.
  {
    causes: (settings) => differing(settings, Object.fromEntries(DEBUG_PRINTS.map((name) => [name, 'off']))),
    remedies: () => [Object.fromEntries(DEBUG_PRINTS.map((name) => [name, 'off']))],
  },
];

/*
 * Not a leak that refuses, but quieted where the role may: an error message can quote a value
 * (`invalid input syntax for type integer: "…"`), and errors are logged whatever else is set.
 * `log` keeps LOG lines (the statements) and drops errors; quieter levels already drop them.
 */
const QUIET_ERRORS = { log_min_messages: 'log' };
const ERRORS_UNLOGGED = new Set(['log', 'fatal', 'panic']);

const NAMES = [
  ...Object.keys(STATEMENT_LOGGERS),
  'log_statement_sample_rate',
  'log_parameter_max_length',
  'log_parameter_max_length_on_error',
  'pgaudit.log_parameter',
  'pgaudit.log',
  'pgaudit.role',
  'auto_explain.log_min_duration',
  ...DEBUG_PRINTS,
  ...Object.keys(QUIET_ERRORS),
];
const INSUFFICIENT_PRIVILEGE = '42501';

/**
 * Before a statement sends a plaintext secret, makes this transaction log none of its parameter
 * values (`SET LOCAL` of each setting the role may set, preferring those that keep the statement's
 * text in the log), then reads the settings back. If the server would still log them, refuses
 * (exit 2) naming the settings: nothing has been sent then, and the caller's transaction rolls back.
 */
export async function keepOutOfServerLog(
  tx: Queryable,
  statement: string,
  context: { path: string; parameter: string; location: string; outcome: string },
): Promise<void> {
  const level = await logLevelOf(statement);
  const before = await readSettings(tx);
  const assignments = new Map<string, string>();
  for (const leak of LEAKS) {
    const remedy = leak
      .remedies(before.values, level)
      .find((settings) => Object.keys(settings).every((name) => before.settable.has(name)));
    for (const [name, value] of Object.entries(remedy ?? {})) assignments.set(name, value);
  }
  for (const [name, value] of Object.entries(QUIET_ERRORS)) {
    if (before.settable.has(name) && !ERRORS_UNLOGGED.has(before.values.get(name) ?? '')) {
      assignments.set(name, value);
    }
  }
  const refusal = (settings: Settings) =>
    refuse(
      LEAKS.map((leak) => leak.causes(settings, level)),
      LEAKS.map((leak) => leak.remedies(settings, level)[0]!),
      before.role,
      context,
    );
  try {
    await setLocally(tx, assignments);
  } catch (error) {
    if ((error as { code?: string }).code === INSUFFICIENT_PRIVILEGE) throw refusal(before.values);
    throw error;
  }
  const after = await readSettings(tx);
  if (LEAKS.some((leak) => leak.causes(after.values, level).length > 0)) throw refusal(after.values);
}

/** The statement loggers that would log a statement of this level with its parameters. */
function statementLoggers(settings: Settings, level: LogLevel): (keyof typeof STATEMENT_LOGGERS)[] {
  const logStatement = (settings.get('log_statement') ?? 'none') as keyof typeof LOGGED_LEVELS;
  const sampled =
    differing(settings, { log_min_duration_sample: '-1' }).length > 0 &&
    settings.get('log_statement_sample_rate') !== '0';
  return (
    [
      LOGGED_LEVELS[logStatement]?.includes(level) && 'log_statement',
      differing(settings, { log_min_duration_statement: '-1' }).length > 0 && 'log_min_duration_statement',
      sampled && 'log_min_duration_sample',
      differing(settings, { log_transaction_sample_rate: '0' }).length > 0 && 'log_transaction_sample_rate',
    ] as const
  ).filter((name): name is keyof typeof STATEMENT_LOGGERS => name !== false);
}

/** `name = value` of each setting the server has whose value is not the quiet one. */
function differing(settings: Settings, quiet: Record<string, string>): string[] {
  return Object.entries(quiet)
    .filter(([name, value]) => settings.has(name) && settings.get(name) !== value)
    .map(([name]) => shown(settings, name));
}

function shown(settings: Settings, name: string): string {
  return `${name} = ${settings.get(name)}`;
}

function refuse(
  causes: string[][],
  remedies: Record<string, string>[],
  role: string,
  context: { path: string; parameter: string; location: string; outcome: string },
): UsageError {
  const found = causes.flatMap((leakCauses, index) => (leakCauses.length > 0 ? [index] : []));
  const settings = found.flatMap((index) => causes[index]!);
  const grants = found.flatMap((index) => Object.keys(remedies[index]!));
  return new UsageError(
    `the server at ${context.location} would write the plaintext ${context.parameter} of ${context.path} to its log (${settings.join(', ')}), and role ${role} may not change that for its transaction; ${context.outcome}`,
    {
      fix: `use :secret_hash in ${context.path}, so launchdb sends only the hash (admin.secretHash: bcrypt, scrypt or sha256; docs/ADMIN.md), or let ${role} quiet it: GRANT SET ON PARAMETER ${grants.join(', ')} TO ${role} (PostgreSQL 15+)`,
    },
  );
}

interface SessionSettings {
  values: Settings;
  /** The settings this role may change with SET LOCAL. */
  settable: ReadonlySet<string>;
  role: string;
}

async function readSettings(tx: Queryable): Promise<SessionSettings> {
  const { rows: session } = await tx.query<{ grants: boolean; role: string }>(
    `select current_setting('server_version_num')::int >= 150000 as grants, current_user::text as role`,
  );
  const { grants, role } = session[0]!;
  // Superuser-context settings: a superuser, or (Postgres 15+) a role granted SET on the parameter.
  const mayGrant = grants ? `has_parameter_privilege(name, 'SET')` : `current_setting('is_superuser') = 'on'`;
  const { rows } = await tx.query<{ name: string; setting: string; settable: boolean }>(
    `select name, setting, context = 'user' or (context = 'superuser' and ${mayGrant}) as settable
       from pg_settings where name = any($1::text[])`,
    [NAMES],
  );
  return {
    values: new Map(rows.map((row) => [row.name, row.setting])),
    settable: new Set(rows.filter((row) => row.settable).map((row) => row.name)),
    role,
  };
}

async function setLocally(tx: Queryable, assignments: ReadonlyMap<string, string>): Promise<void> {
  if (assignments.size === 0) return;
  const entries = [...assignments];
  await tx.query(
    `select ${entries.map((_, index) => `set_config($${2 * index + 1}, $${2 * index + 2}, true)`).join(', ')}`,
    entries.flat(),
  );
}

/** Which `log_statement` values log the statement, as Postgres classifies it (unknown kinds as DDL). */
async function logLevelOf(statement: string): Promise<LogLevel> {
  const parsed = (await loadParser()).parse(statement);
  return 'statements' in parsed ? levelOfNode(parsed.statements[0]?.stmt) : 'ddl';
}

function levelOfNode(node: unknown): LogLevel {
  const [kind, body] = Object.entries((node ?? {}) as Record<string, Record<string, unknown>>)[0] ?? [];
  switch (kind) {
    case 'InsertStmt':
    case 'UpdateStmt':
    case 'DeleteStmt':
    case 'MergeStmt':
      return 'mod';
    case 'SelectStmt':
      return body?.intoClause ? 'ddl' : 'all';
    case 'CallStmt':
      return 'all';
    case 'ExplainStmt':
      return levelOfNode(body?.query);
    case 'CopyStmt':
      return body?.is_from ? 'mod' : 'all';
    default:
      return 'ddl';
  }
}
