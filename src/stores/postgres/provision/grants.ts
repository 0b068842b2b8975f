// Reconciles the grants on the database, schema public and schema launchdb with what each role should hold.
import type { Queryable } from '../database.js';
import { quoteIdent } from '../sql-quote.js';
import type { Ledger } from './ledger.js';
import { one } from './one.js';
import { defaultGrants, grantsOn, holds, holdsAny, lackingObjects } from './privileges.js';
import type { RoleKind } from './roles.js';

export async function reconcileDatabase(
  admin: Queryable,
  ledger: Ledger,
  names: Record<RoleKind, string>,
  database: string,
  existingOwner: string | undefined,
) {
  const db = quoteIdent(database);
  const grants = () => grantsOn(admin, 'database', database);
  if (existingOwner !== undefined && existingOwner !== names.owner) {
    ledger.differences.push(`database ${database} is owned by ${existingOwner} (expected ${names.owner})`);
    // Not its owner, the owner role still needs these to run migrations and create schema launchdb.
    await ledger.ensure(
      `grant CONNECT, CREATE, TEMPORARY on database ${database} to ${names.owner}`,
      async () => holds(await grants(), names.owner, ['CONNECT', 'CREATE', 'TEMPORARY']),
      () => admin.query(`grant connect, create, temporary on database ${db} to ${quoteIdent(names.owner)}`),
    );
  }
  await ledger.ensure(
    `revoke ALL on database ${database} from PUBLIC`,
    async () => !holdsAny(await grants(), 'PUBLIC'),
    () => admin.query(`revoke all on database ${db} from public`),
  );
  const access: [string, string[]][] = [
    [names.app, ['CONNECT', 'TEMPORARY']],
    [names.readonly, ['CONNECT']],
  ];
  for (const [role, privileges] of access) {
    await ledger.ensure(
      `grant ${privileges.join(', ')} on database ${database} to ${role}`,
      async () => holds(await grants(), role, privileges),
      () => admin.query(`grant ${privileges.join(', ')} on database ${db} to ${quoteIdent(role)}`),
    );
    await ledger.ensure(
      `revoke CREATE on database ${database} from ${role}`,
      async () => !holdsAny(await grants(), role, ['CREATE']),
      () => admin.query(`revoke create on database ${db} from ${quoteIdent(role)}`),
    );
  }
}

export async function reconcilePublicSchema(db: Queryable, ledger: Ledger, names: Record<RoleKind, string>) {
  const { rows } = await db.query<{ owner: string; default_owner: boolean }>(
    `select pg_get_userbyid(n.nspowner)::text as owner,
            (pg_get_userbyid(n.nspowner) = 'pg_database_owner' or r.rolsuper) as default_owner
       from pg_namespace n join pg_roles r on r.oid = n.nspowner where n.nspname = 'public'`,
  );
  const schema = rows[0];
  if (!schema) {
    ledger.differences.push('schema public does not exist (launchdb grants nothing on it)');
    return;
  }
  const owner = quoteIdent(names.owner);
  if (schema.owner === names.owner || schema.default_owner) {
    // The default owner (pg_database_owner, or the bootstrap superuser before Postgres 15) is nobody's choice.
    await ledger.ensure(
      `schema public owned by ${names.owner}`,
      async () => (await one<{ owner: string }>(db, ownerOfPublic)).owner === names.owner,
      () => db.query(`alter schema public owner to ${owner}`),
    );
  } else {
    ledger.differences.push(`schema public is owned by ${schema.owner} (expected ${names.owner})`);
  }
  const grants = () => grantsOn(db, 'schema', 'public');
  await ledger.ensure(
    'revoke CREATE on schema public from PUBLIC',
    async () => !holdsAny(await grants(), 'PUBLIC', ['CREATE']),
    () => db.query('revoke create on schema public from public'),
  );
  for (const role of [names.app, names.readonly]) {
    await ledger.ensure(
      `revoke CREATE on schema public from ${role}`,
      async () => !holdsAny(await grants(), role, ['CREATE']),
      () => db.query(`revoke create on schema public from ${quoteIdent(role)}`),
    );
    await ledger.ensure(
      `grant USAGE on schema public to ${role}`,
      async () => holds(await grants(), role, ['USAGE']),
      () => db.query(`grant usage on schema public to ${quoteIdent(role)}`),
    );
  }

  // Tables the owner creates later (migrations) and those that exist now.
  const tableDml = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'];
  const access: { role: string; objects: 'tables' | 'sequences'; privileges: string[] }[] = [
    { role: names.app, objects: 'tables', privileges: tableDml },
    { role: names.app, objects: 'sequences', privileges: ['USAGE', 'SELECT'] },
    { role: names.readonly, objects: 'tables', privileges: ['SELECT'] },
  ];
  for (const { role, objects, privileges } of access) {
    const list = privileges.join(', ');
    await ledger.ensure(
      `default privileges: ${list} on new ${objects} of ${names.owner} in schema public to ${role}`,
      async () => {
        const held = await defaultGrants(db, names.owner, 'public', objects === 'tables' ? 'r' : 'S');
        return holds(held, role, privileges);
      },
      () =>
        db.query(
          `alter default privileges for role ${owner} in schema public grant ${list} on ${objects} to ${quoteIdent(role)}`,
        ),
    );
    await ledger.ensure(
      `grant ${list} on existing ${objects} in schema public to ${role}`,
      async () => (await lackingObjects(db, role, objects, privileges)) === 0,
      () => db.query(`grant ${list} on all ${objects} in schema public to ${quoteIdent(role)}`),
    );
  }
}

const ownerOfPublic = `select pg_get_userbyid(nspowner)::text as owner from pg_namespace where nspname = 'public'`;

export async function reconcileLaunchdbSchema(
  db: Queryable,
  ledger: Ledger,
  names: Record<RoleKind, string>,
) {
  const grants = () => grantsOn(db, 'schema', 'launchdb');
  for (const role of [names.app, names.readonly]) {
    await ledger.ensure(
      `grant USAGE on schema launchdb to ${role}`,
      async () => holds(await grants(), role, ['USAGE']),
      () => db.query(`grant usage on schema launchdb to ${quoteIdent(role)}`),
    );
  }
  // launchdb's later tables (migration history, seed log, drills) are created by the owner when they
  // are first needed; the app's checks and the read-only role read them all.
  for (const role of [names.app, names.readonly]) {
    await ledger.ensure(
      `default privileges: SELECT on new tables of ${names.owner} in schema launchdb to ${role}`,
      async () => holds(await defaultGrants(db, names.owner, 'launchdb', 'r'), role, ['SELECT']),
      () =>
        db.query(
          `alter default privileges for role ${quoteIdent(names.owner)} in schema launchdb grant select on tables to ${quoteIdent(role)}`,
        ),
    );
  }
  // launchdb's tables already there — a restore brought them in, made by another environment's
  // owner for its own roles — are given as the default privileges above give new ones.
  for (const role of [names.app, names.readonly]) {
    const unreadable = () =>
      db.query<{ name: string }>(
        `select quote_ident(c.relname) as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'launchdb' and c.relkind in ('r', 'p', 'v') and c.relowner = to_regrole($2)
            and not has_table_privilege($1, c.oid, 'SELECT')
          order by c.relname`,
        [role, names.owner],
      );
    await ledger.ensure(
      `SELECT on ${names.owner}'s tables in schema launchdb to ${role}`,
      async () => (await unreadable()).rows.length === 0,
      async () => {
        for (const { name } of (await unreadable()).rows) {
          await db.query(`grant select on launchdb.${name} to ${quoteIdent(role)}`);
        }
      },
    );
  }
  // The app checks the marker and runs the read-write canary; the read-only role may read both.
  const access: [string, string, string[]][] = [
    [names.app, 'environment', ['SELECT']],
    [names.app, 'canary', ['SELECT', 'INSERT', 'DELETE']],
    [names.readonly, 'environment', ['SELECT']],
    [names.readonly, 'canary', ['SELECT']],
  ];
  for (const [role, table, privileges] of access) {
    const all = privileges.map((_, i) => `has_table_privilege($1, $2, $${i + 3})`).join(' and ');
    await ledger.ensure(
      `grant ${privileges.join(', ')} on launchdb.${table} to ${role}`,
      async () =>
        (await one<{ ok: boolean }>(db, `select ${all} as ok`, [role, `launchdb.${table}`, ...privileges]))
          .ok,
      () =>
        db.query(
          `grant ${privileges.join(', ')} on ${quoteIdent('launchdb')}.${quoteIdent(table)} to ${quoteIdent(role)}`,
        ),
    );
  }
}
