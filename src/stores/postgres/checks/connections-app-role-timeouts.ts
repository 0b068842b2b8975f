// connections.app-role-timeouts: the app's sessions get a statement_timeout and an idle_in_transaction_session_timeout.
import type { Check } from '../../../core/checks/check.js';
import type { Queryable } from '../database.js';
import { DEFAULT_ROLE_SETTINGS } from '../provision/role-settings.js';
import { quoteIdent } from '../sql-quote.js';
import { formatDuration } from './connection-activity.js';
import type { PostgresCheckContext } from './context.js';

export const EMBEDDED_TIMEOUTS_SKIP =
  'embedded: PGlite runs one session inside this process and enforces no session timeouts; they apply on a server';

const SETTINGS = ['statement_timeout', 'idle_in_transaction_session_timeout'] as const;
type SettingName = (typeof SETTINGS)[number];

// What the app gets is what this session got: it logs in with the app's URL, so the server applied
// the same stored settings, in the same order of precedence: the role in this database, the role,
// the database, every role (ALTER ROLE ALL), the server's configuration; connection options
// (`options=-c …` in the URL, PGOPTIONS) beat them all. pg_settings says which one won.
const EFFECTIVE_SQL = `
select name, setting::bigint as ms, source from pg_settings where name = any($1::text[])`;

// The stored settings behind it, for the details and to aim the fix at the one that wins.
const STORED_SQL = `
select case when d.setrole <> 0 and d.setdatabase <> 0 then 'database user'
    when d.setrole <> 0 then 'user' when d.setdatabase <> 0 then 'database' else 'global' end as scope,
  split_part(c.entry, '=', 1) as name, substr(c.entry, strpos(c.entry, '=') + 1) as value
from pg_db_role_setting d cross join lateral unnest(d.setconfig) c(entry)
where d.setrole in (0, (select oid from pg_roles where rolname = current_user))
  and d.setdatabase in (0, (select oid from pg_database where datname = current_database()))
  and split_part(c.entry, '=', 1) = any($1::text[])`;

interface Effective {
  name: SettingName;
  ms: string;
  source: string;
}

interface Stored {
  scope: 'database user' | 'user' | 'database' | 'global';
  name: SettingName;
  value: string;
}

/** The words for pg_settings.source values in messages. */
const SOURCE_NAMES: Record<string, string> = {
  default: 'not set anywhere',
  'configuration file': 'the server configuration',
  global: 'ALTER ROLE ALL',
  database: 'the database',
  user: 'the role',
  'database user': 'the role in this database',
  client: "the connection's options",
};

/** A duration as a Postgres setting value: `'15s'`, `'1min'`, `'250ms'`. */
function settingValue(ms: number): string {
  if (ms % 60_000 === 0) return `'${ms / 60_000}min'`;
  if (ms % 1_000 === 0) return `'${ms / 1_000}s'`;
  return `'${ms}ms'`;
}

async function readSettings(db: Queryable) {
  const names = [...SETTINGS];
  const { rows: effective } = await db.query<Effective>(EFFECTIVE_SQL, [names]);
  const { rows: stored } = await db.query<Stored>(STORED_SQL, [names]);
  const { rows: who } = await db.query<{ role: string; database: string }>(
    'select current_user::text as role, current_database()::text as database',
  );
  return { effective, stored, role: who[0]!.role, database: who[0]!.database };
}

export const connectionsAppRoleTimeouts: Check<PostgresCheckContext> = {
  id: 'connections.app-role-timeouts',
  area: 'connections',
  title: 'The app role has a statement timeout and an idle-in-transaction timeout',
  severity: 'fail',
  async run(ctx) {
    const db = await ctx.postgres.db();
    if (!db.capabilities.timeouts) return { status: 'skip', summary: EMBEDDED_TIMEOUTS_SKIP };
    const { effective, stored, role, database } = await readSettings(db);
    const settings = SETTINGS.map((name) => {
      const found = effective.find((row) => row.name === name);
      const ms = Number(found?.ms ?? 0);
      const source = found?.source ?? 'default';
      return {
        name,
        ms,
        value: ms > 0 ? formatDuration(ms) : null,
        source,
        setBy: SOURCE_NAMES[source] ?? source,
        stored: stored.filter((row) => row.name === name).map(({ scope, value }) => ({ scope, value })),
      };
    });
    const details = { role, database, settings };
    const missing = settings.filter((setting) => setting.ms === 0);
    if (missing.length === 0) {
      return {
        status: 'pass',
        summary: `app role "${role}" gets ${settings.map((setting) => `${setting.name} ${setting.value} (from ${setting.setBy})`).join(' and ')}`,
        details,
      };
    }
    const wanted: Record<SettingName, number> = {
      statement_timeout:
        ctx.env.config.postgres?.appRole?.statementTimeout ?? DEFAULT_ROLE_SETTINGS.statementTimeout,
      idle_in_transaction_session_timeout:
        ctx.env.config.postgres?.appRole?.idleInTransactionTimeout ??
        DEFAULT_ROLE_SETTINGS.idleInTransactionTimeout,
    };
    const statements: string[] = [];
    const fromConnection: string[] = [];
    for (const setting of missing) {
      if (setting.source === 'client') {
        fromConnection.push(setting.name);
        continue;
      }
      // A setting of the role in this database outranks one of the role: set it where it wins.
      const scope = setting.stored.some((entry) => entry.scope === 'database user')
        ? ` IN DATABASE ${quoteIdent(database)}`
        : '';
      statements.push(
        `ALTER ROLE ${quoteIdent(role)}${scope} SET ${setting.name} = ${settingValue(wanted[setting.name])};`,
      );
    }
    // `attach --admin-url` adds a timeout the role lacks, which then outranks the database's and the
    // server's; one the role has (set to 0) it reports but leaves alone.
    const attachAdds = missing.some(
      (setting) =>
        setting.source !== 'client' &&
        !setting.stored.some((entry) => entry.scope === 'user' || entry.scope === 'database user'),
    );
    // Statements end in `;` so they can be pasted; the alternatives follow them as sentences.
    const fixes = [
      ...(statements.length > 0 ? [`as an admin: ${statements.join(' ')}`] : []),
      ...(attachAdds
        ? [`or re-run \`launchdb attach postgres --env ${ctx.env.name} --admin-url …\`, which adds them.`]
        : []),
      ...(fromConnection.length > 0
        ? [
            `${statements.length > 0 ? 'And r' : 'R'}emove \`-c ${fromConnection.map((name) => `${name}=0`).join(' -c ')}\` from the connection's options (the URL's options parameter or PGOPTIONS).`,
          ]
        : []),
    ];
    return {
      status: 'fail',
      summary: `app role "${role}" runs without ${missing
        .map((setting) =>
          setting.source === 'default' ? setting.name : `${setting.name} (0, from ${setting.setBy})`,
        )
        .join(' and ')}: a slow query or a forgotten transaction holds its connection forever`,
      details,
      fix: fixes.join(' '),
    };
  },
};
