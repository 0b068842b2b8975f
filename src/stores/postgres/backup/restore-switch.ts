// Restore by switching: the backup goes into a fresh database beside the target, on several
// connections at once, and only when all of it is in does one transaction rename the target away
// and the fresh database into its place. Until that moment the target is untouched, so a failure or
// a killed process leaves it as it was; afterwards the server drops the old one.
//
// It needs the rights to create databases and to rename the target (its owner with CREATEDB, or a
// superuser); without them the caller restores in one transaction instead.
import { UsageError } from '../../../core/errors.js';
import { ensureCapture } from '../audit/ddl-capture.js';
import { parseConnectionUrl, withCredentials } from '../connection-url.js';
import type { PostgresDatabase, Queryable } from '../database.js';
import { readMarker } from '../marker.js';
import { scratchBase, shadowName } from '../schema/shadow.js';
import { openServer, sendAndHangUp } from '../server.js';
import { quoteIdent, quoteLiteral } from '../sql-quote.js';
import type { OpenedBackup } from './open-backup.js';
import { type RestoreOptions, type RestoreResult, refuseNonEmpty, restoreBackup } from './restore-backup.js';

export interface SwitchOptions extends RestoreOptions {
  /**
   * Who loads the data (and so owns what it creates): the environment's owner (its migration URL).
   * Default: the URL's own user.
   */
  loadUrl?: string;
  /** Connections loading tables at once. Default 2. */
  workers?: number;
  connectTimeoutMs?: number;
}

/** The restore, or undefined when the URL's role may not create databases or rename the target. */
export async function restoreBySwitch(
  backup: OpenedBackup,
  url: string,
  options: SwitchOptions = {},
): Promise<RestoreResult | undefined> {
  const started = performance.now();
  const target = parseConnectionUrl(url).database;
  const open = (database: string, max = 1, as = url) =>
    openServer(withCredentials(as, { database }), {
      max,
      ...(options.connectTimeoutMs ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
      applicationName: 'launchdb restore',
    });

  const current = await open(target);
  let facts: DatabaseFacts;
  try {
    if (!(await maySwitch(current))) return undefined;
    await refuseNonEmpty(current, current.location, options.clean === true);
    facts = await databaseFacts(current);
    facts.marker = options.marker ?? (await readMarker(current));
  } finally {
    await current.close();
  }

  const maintenanceName = await maintenanceDatabase(url, target, open);
  const maintenance = await open(maintenanceName);
  try {
    await dropLeftovers(maintenance, target);
    const fresh = shadowName(target, 'restore');
    await maintenance.query(
      `create database ${quoteIdent(fresh)} owner ${quoteIdent(facts.owner)} ${creationClause(facts)}`,
    );
    let result: RestoreResult;
    let replaced: string;
    try {
      const db = await open(fresh, (options.workers ?? 2) + 1, options.loadUrl ?? url);
      try {
        result = await restoreBackup(backup, db, {
          ...options,
          clean: false,
          ...(facts.marker ? { marker: facts.marker } : {}),
          parallel: options.workers ?? 2,
          splitTables: true,
        });
      } finally {
        await db.close();
      }
      await carryOver(maintenance, fresh, facts);
      await restoreCapture(await open(fresh));
      replaced = await switchIn(maintenance, target, fresh);
    } catch (error) {
      await maintenance.query(`drop database if exists ${quoteIdent(fresh)} with (force)`).catch(() => {});
      throw error;
    }
    // Dropping the replaced database forces a checkpoint, which writes out all the restore loaded:
    // the restored one is in place already, so the server does that after we hang up. Should the
    // drop not finish, the next restore of this target drops what it left.
    const drop = `drop database if exists ${quoteIdent(replaced)} with (force)`;
    await sendAndHangUp(withCredentials(url, { database: maintenanceName }), drop, {
      applicationName: 'launchdb restore',
      ...(options.connectTimeoutMs ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
    }).catch(() => maintenance.query(drop));
    return { ...result, durationMs: Math.round(performance.now() - started) };
  } finally {
    await maintenance.close();
  }
}

/**
 * Event triggers belong to the database, not its contents: the capture of changes made outside
 * launchdb goes into the fresh copy where the admin may install it, as attach does. Without it the
 * restore still stands; access.manual-changes says the capture is missing.
 */
async function restoreCapture(fresh: PostgresDatabase): Promise<void> {
  try {
    await ensureCapture(fresh);
  } catch {
    // Left to the check to report.
  } finally {
    await fresh.close();
  }
}

interface DatabaseFacts {
  owner: string;
  encoding: string;
  collate: string;
  ctype: string;
  icuLocale: string | null;
  acl: { grantee: string; privilege: string; grantable: boolean }[] | null;
  settings: { role: string | null; setting: string }[];
  comment: string | null;
  marker?: RestoreOptions['marker'];
}

/** A superuser, or a role allowed to create databases that acts as the target's owner. */
async function maySwitch(db: Queryable): Promise<boolean> {
  const { rows } = await db.query<{ may: boolean }>(
    `select r.rolsuper or (r.rolcreatedb and pg_has_role(r.oid, d.datdba, 'USAGE')) as may
     from pg_roles r, pg_database d where r.rolname = current_user and d.datname = current_database()`,
  );
  return rows[0]?.may === true;
}

async function databaseFacts(db: Queryable): Promise<DatabaseFacts> {
  const { rows } = await db.query<{
    owner: string;
    encoding: string;
    collate: string;
    ctype: string;
    icu: string | null;
    comment: string | null;
    has_acl: boolean;
  }>(
    `select pg_get_userbyid(d.datdba) as owner, pg_encoding_to_char(d.encoding) as encoding,
       d.datcollate as collate, d.datctype as ctype,
       case when d.datlocprovider = 'i' then d.daticulocale end as icu,
       shobj_description(d.oid, 'pg_database') as comment, d.datacl is not null as has_acl
     from pg_database d where d.datname = current_database()`,
  );
  const row = rows[0]!;
  const acl = row.has_acl
    ? (
        await db.query<{ grantee: string; privilege: string; grantable: boolean }>(
          `select case when a.grantee = 0 then 'PUBLIC' else pg_get_userbyid(a.grantee) end as grantee,
             a.privilege_type as privilege, a.is_grantable as grantable
           from pg_database d, aclexplode(d.datacl) a where d.datname = current_database()`,
        )
      ).rows
    : null;
  const { rows: settings } = await db.query<{ role: string | null; setting: string }>(
    `select case when s.setrole = 0 then null else pg_get_userbyid(s.setrole) end as role, c as setting
     from pg_db_role_setting s, unnest(s.setconfig) c
     where s.setdatabase = (select oid from pg_database where datname = current_database())`,
  );
  return {
    owner: row.owner,
    encoding: row.encoding,
    collate: row.collate,
    ctype: row.ctype,
    icuLocale: row.icu,
    acl,
    settings,
    comment: row.comment,
  };
}

function creationClause(facts: DatabaseFacts): string {
  const locale = facts.icuLocale
    ? ` locale_provider = icu icu_locale = ${quoteLiteral(facts.icuLocale)}`
    : '';
  return `template template0 encoding ${quoteLiteral(facts.encoding)} lc_collate ${quoteLiteral(facts.collate)} lc_ctype ${quoteLiteral(facts.ctype)}${locale}`;
}

/** The target's privileges, settings and comment, given to the fresh database before the switch. */
async function carryOver(db: PostgresDatabase, fresh: string, facts: DatabaseFacts) {
  const name = quoteIdent(fresh);
  if (facts.acl) {
    await db.query(`revoke all on database ${name} from public`);
    for (const entry of facts.acl) {
      const grantee = entry.grantee === 'PUBLIC' ? 'public' : quoteIdent(entry.grantee);
      await db.query(
        `grant ${entry.privilege} on database ${name} to ${grantee}${entry.grantable ? ' with grant option' : ''}`,
      );
    }
  }
  for (const { role, setting } of facts.settings) {
    const at = setting.indexOf('=');
    const assignment = `set ${quoteIdent(setting.slice(0, at))} = ${quoteLiteral(setting.slice(at + 1))}`;
    await db.query(
      role
        ? `alter role ${quoteIdent(role)} in database ${name} ${assignment}`
        : `alter database ${name} ${assignment}`,
    );
  }
  if (facts.comment !== null) await db.query(`comment on database ${name} is ${quoteLiteral(facts.comment)}`);
}

/** Ends the target's sessions and swaps the names in one transaction; returns the old one's new name. */
async function switchIn(maintenance: PostgresDatabase, target: string, fresh: string): Promise<string> {
  const old = shadowName(target, 'replaced');
  for (let attempt = 1; ; attempt++) {
    await maintenance.query(
      'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [target],
    );
    try {
      await maintenance.transaction(async (tx) => {
        await tx.query(`alter database ${quoteIdent(target)} rename to ${quoteIdent(old)}`);
        await tx.query(`alter database ${quoteIdent(fresh)} rename to ${quoteIdent(target)}`);
      });
      break;
    } catch (error) {
      // A session that reconnected between the terminate and the rename: end it and try again.
      if ((error as { code?: string }).code !== '55006' || attempt >= 5) throw error;
    }
  }
  return old;
}

/**
 * What restores of this target left behind, with nobody connected to them: a fresh database a killed
 * restore was loading, or a replaced one whose drop did not finish.
 */
async function dropLeftovers(maintenance: PostgresDatabase, target: string) {
  for (const purpose of ['restore', 'replaced']) {
    const base = scratchBase(target, purpose);
    const suffix = new RegExp(`^_${purpose}_[0-9a-f]{8}$`);
    const { rows } = await maintenance.query<{ name: string }>(
      `select datname as name from pg_database d where starts_with(datname, $1)
         and not exists (select 1 from pg_stat_activity a where a.datid = d.oid)`,
      [base],
    );
    for (const row of rows) {
      if (!suffix.test(row.name.slice(base.length))) continue;
      await maintenance.query(`drop database if exists ${quoteIdent(row.name)} with (force)`);
    }
  }
}

/** A database to run CREATE and ALTER DATABASE from: `postgres`, else `template1`. */
async function maintenanceDatabase(
  url: string,
  target: string,
  open: (database: string) => Promise<PostgresDatabase>,
): Promise<string> {
  for (const candidate of ['postgres', 'template1']) {
    if (candidate === target) continue;
    try {
      await (await open(candidate)).close();
      return candidate;
    } catch {
      // Try the next one.
    }
  }
  throw new UsageError(
    `cannot connect to a maintenance database beside ${parseConnectionUrl(url).database} to switch the restored copy in`,
  );
}
