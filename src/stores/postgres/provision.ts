// Provisions an environment on a Postgres server: its database, owner/app/read-only roles and grants.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import type { PostgresRoleSettings } from '../../core/config/types.js';
import { isLaunchdbError, UnreachableError, UsageError } from '../../core/errors.js';
import { redactText } from '../../core/redact.js';
import { parseConnectionUrl, withCredentials } from './connection-url.js';
import type { PostgresDatabase, Queryable } from './database.js';
import { ensureMarker, refuseForeignMarker } from './marker.js';
import { openServer } from './server.js';
import { quoteIdent, quoteLiteral } from './sql-quote.js';

/*
 * Re-running reconciles. It creates only what is missing, never drops anything, and changes a
 * password only with `rotate`. For what exists but differs:
 * - privileges launchdb hands out or takes away (grants to its three roles, what PUBLIC gets on the
 *   database and on schema public, default privileges, the admin's membership in the owner role, the
 *   owner of a schema public still owned by its default owner) are fixed and listed in `created`:
 *   they are launchdb's to manage, and fixing them only narrows PUBLIC or gives launchdb's own roles
 *   what they were designed to have.
 * - properties of existing roles and of the database (SUPERUSER, CREATEDB, BYPASSRLS…, a setting
 *   with another value, the connection limit, memberships, the database's owner) are only reported
 *   in `differences`: someone set them, on purpose or not, the readiness checks judge them, and
 *   changing them could break whoever relies on them or take a database away from its owner.
 * - a setting missing on a role is added: it is missing, not different.
 * A grant the admin is not allowed to make is reported in `differences` instead of failing the run.
 */

export interface ProvisionOptions {
  /** A URL whose user may create databases and roles (superuser, or CREATEDB and CREATEROLE). */
  adminUrl: string;
  project: string;
  environment: string;
  /** The database to provision, `<project>_<env>`; roles are named after it. */
  database: string;
  /** Settings of the app role; each defaults as documented in `PostgresRoleSettings`. */
  roles?: PostgresRoleSettings;
  /** Set new passwords even for roles that exist. */
  rotate: boolean;
  /** The environment's current secrets (`DATABASE_URL`, …), whose passwords are kept. */
  knownSecrets: Record<string, string>;
  connectTimeoutMs: number;
}

export interface ProvisionResult {
  database: string;
  host: string;
  port: number;
  /** What this run made or fixed, as plain phrases: `role shop_staging_app`, `grant …`. */
  created: string[];
  /** What exists but differs and was not changed. */
  differences: string[];
  /** What was already as it should be. */
  unchanged: string[];
  /** Whether an existing role got a new password. */
  rotated: boolean;
  /** The roles' URLs, with passwords: the caller writes them to the secrets file. */
  urls: { DATABASE_URL: string; DATABASE_MIGRATION_URL: string; DATABASE_READONLY_URL: string };
}

export const DEFAULT_ROLE_SETTINGS: Required<PostgresRoleSettings> = {
  statementTimeout: 15_000,
  idleInTransactionTimeout: 60_000,
  lockTimeout: 5_000,
  connectionLimit: 20,
};

type RoleKind = 'owner' | 'app' | 'readonly';
type SecretKey = keyof ProvisionResult['urls'];
const SECRET_OF: Record<RoleKind, SecretKey> = {
  owner: 'DATABASE_MIGRATION_URL',
  app: 'DATABASE_URL',
  readonly: 'DATABASE_READONLY_URL',
};
const KINDS: RoleKind[] = ['owner', 'app', 'readonly'];
/** Postgres truncates longer names silently, which would make the roles' names lie. */
const MAX_NAME_BYTES = 63;
const INSUFFICIENT_PRIVILEGE = '42501';
const BAD_PASSWORD = '28P01';

interface Credential {
  kind: RoleKind;
  role: string;
  password: string;
  state: 'new' | 'reused' | 'rotated';
}

export async function provision(options: ProvisionOptions): Promise<ProvisionResult> {
  const { database, project, environment } = options;
  const names = roleNamesOf(database);
  const settings = settingsOf(options.roles);
  const { host, port } = parseConnectionUrl(options.adminUrl);
  const where = `${host}:${port}`;
  const location = `${where}/${database}`;
  const connect = (url: string) =>
    openServer(url, {
      connectTimeoutMs: options.connectTimeoutMs,
      max: 1,
      applicationName: 'launchdb provision',
      location,
    });
  const urlFor = (credential: Credential) =>
    withCredentials(options.adminUrl, { user: credential.role, password: credential.password, database });

  const admin = await connect(options.adminUrl);
  const passwords: string[] = [];
  const progress: Progress = { step: "checking the admin user's privileges", unsavedPasswords: false };
  let inDatabase: PostgresDatabase | undefined;
  try {
    const self = await checkAdmin(admin, where);

    progress.step = 'reading the existing roles and database';
    const roles = await readRoles(admin, Object.values(names));
    const databaseOwner = await readDatabaseOwner(admin, database);
    if (databaseOwner !== undefined) {
      // Refuse a database of another environment before touching any role.
      inDatabase = await connect(withCredentials(options.adminUrl, { database }));
      await refuseForeignMarker(inDatabase, options.project, options.environment, location);
      if (databaseOwner !== names.owner && !self.superuser) {
        await refuseForeignOwner(admin, self.user, database, databaseOwner, where);
      }
    }

    const credentials = choosePasswords(options, names, roles, where);
    passwords.push(...credentials.map((credential) => credential.password));
    progress.step = 'trying the known passwords';
    await refuseStalePasswords(
      credentials,
      options,
      databaseOwner === undefined ? undefined : database,
      where,
    );

    const ledger = new Ledger();
    progress.step = 'creating the roles';
    progress.unsavedPasswords = credentials.some((credential) => credential.state !== 'reused');
    await reconcileRoles(admin, ledger, credentials, roles, settings);
    if (!self.superuser) {
      // CREATE DATABASE … OWNER and the grants on the owner's objects need the admin to act as the owner.
      await ledger.ensure(
        `membership of admin user ${self.user} in role ${names.owner}`,
        async () =>
          (
            await one<{ ok: boolean }>(admin, `select pg_has_role(current_user, $1, 'USAGE') as ok`, [
              names.owner,
            ])
          ).ok,
        () => admin.query(`grant ${quoteIdent(names.owner)} to ${quoteIdent(self.user)}`),
      );
    }

    progress.step = `creating database ${database}`;
    if (databaseOwner === undefined) {
      await admin.query(`create database ${quoteIdent(database)} owner ${quoteIdent(names.owner)}`);
      ledger.created.push(`database ${database}`);
      inDatabase = await connect(withCredentials(options.adminUrl, { database }));
    } else {
      ledger.unchanged.push(`database ${database}`);
    }
    progress.step = `granting access to database ${database}`;
    await reconcileDatabase(admin, ledger, names, database, databaseOwner);

    progress.step = `granting access to schema public of ${database}`;
    await reconcilePublicSchema(inDatabase!, ledger, names);

    progress.step = `writing launchdb's marker as ${names.owner}`;
    const owner = credentials.find((credential) => credential.kind === 'owner')!;
    const ownerDb = await connect(urlFor(owner));
    try {
      const marker = await ensureMarker(ownerDb, project, environment, location);
      (marker.created ? ledger.created : ledger.unchanged).push(
        `schema launchdb marked as environment ${environment} of project ${project}`,
      );
    } finally {
      await ownerDb.close().catch(() => {});
    }

    progress.step = 'granting access to schema launchdb';
    await reconcileLaunchdbSchema(inDatabase!, ledger, names);

    const url = (kind: RoleKind) => urlFor(credentials.find((credential) => credential.kind === kind)!);
    return {
      database,
      host,
      port,
      created: ledger.created,
      differences: ledger.differences,
      unchanged: ledger.unchanged,
      rotated: credentials.some((credential) => credential.state === 'rotated'),
      urls: {
        DATABASE_URL: url('app'),
        DATABASE_MIGRATION_URL: url('owner'),
        DATABASE_READONLY_URL: url('readonly'),
      },
    };
  } catch (error) {
    throw provisionError(error, progress, location, passwords);
  } finally {
    await inDatabase?.close().catch(() => {});
    await admin.close().catch(() => {});
  }
}

/** Records each item of a run in exactly one of created, differences, unchanged. */
class Ledger {
  readonly created: string[] = [];
  readonly differences: string[] = [];
  readonly unchanged: string[] = [];

  /** Something launchdb manages: applied when not in place, then verified. */
  async ensure(what: string, inPlace: () => Promise<boolean>, apply: () => Promise<unknown>): Promise<void> {
    if (await inPlace()) {
      this.unchanged.push(what);
      return;
    }
    try {
      await apply();
    } catch (error) {
      if ((error as { code?: string }).code !== INSUFFICIENT_PRIVILEGE) throw error;
      this.differences.push(`${what}: not done (${(error as Error).message})`);
      return;
    }
    // GRANT and REVOKE only warn when the admin may not make them, so look again.
    if (await inPlace()) this.created.push(what);
    else this.differences.push(`${what}: not done (the admin user is not allowed to)`);
  }
}

function roleNamesOf(database: string): Record<RoleKind, string> {
  const names = { owner: `${database}_owner`, app: `${database}_app`, readonly: `${database}_readonly` };
  if (Buffer.byteLength(names.readonly) > MAX_NAME_BYTES) {
    throw new UsageError(
      `database name ${database} is too long: role ${names.readonly} would exceed Postgres's ${MAX_NAME_BYTES}-byte limit`,
      { fix: `set a shorter name with \`database\` in the environment's postgres config` },
    );
  }
  return names;
}

interface RoleSetting {
  name: string;
  value: string;
  same(actual: string): boolean;
}

function settingsOf(roles: PostgresRoleSettings = {}) {
  const merged = { ...DEFAULT_ROLE_SETTINGS, ...stripUndefined(roles) };
  for (const [key, value] of Object.entries(merged)) {
    const least = key === 'connectionLimit' ? -1 : 0;
    if (!Number.isInteger(value) || value < least) {
      throw new UsageError(`appRole.${key} must be a whole number ≥ ${least}, got ${value}`, {
        fix: 'fix the value in launchdb.config',
      });
    }
  }
  const duration = (name: string, ms: number): RoleSetting => ({
    name,
    value: `${ms}ms`,
    same: (actual) => millisecondsOf(actual) === ms,
  });
  return {
    connectionLimit: merged.connectionLimit,
    app: [
      duration('statement_timeout', merged.statementTimeout),
      duration('idle_in_transaction_session_timeout', merged.idleInTransactionTimeout),
      duration('lock_timeout', merged.lockTimeout),
    ],
    // A second guard besides the grants: even a mistaken grant cannot make it write.
    readonly: [
      {
        name: 'default_transaction_read_only',
        value: 'on',
        same: (actual: string) => ['on', 'true', 'yes', '1'].includes(actual.toLowerCase()),
      },
    ],
    owner: [] as RoleSetting[],
  } satisfies Record<RoleKind, RoleSetting[]> & { connectionLimit: number };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** A time setting as Postgres stores it (`15000`, `15s`, `1min`) in ms; these settings default to ms. */
function millisecondsOf(value: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(us|ms|s|min|h|d)?\s*$/.exec(value);
  if (!match) return undefined;
  const factor = { us: 0.001, ms: 1, s: 1_000, min: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? 'ms']!;
  return Math.round(Number(match[1]) * factor);
}

async function one<Row>(db: Queryable, sql: string, params: unknown[] = []): Promise<Row> {
  const { rows } = await db.query<Row>(sql, params);
  return rows[0]!;
}

async function checkAdmin(admin: Queryable, where: string) {
  const self = await one<{ user: string; superuser: boolean; createdb: boolean; createrole: boolean }>(
    admin,
    `select rolname::text as user, rolsuper as superuser, rolcreatedb as createdb, rolcreaterole as createrole
       from pg_roles where rolname = current_user`,
  );
  const missing: string[] = [];
  if (!self.superuser && !self.createdb) missing.push('CREATEDB');
  if (!self.superuser && !self.createrole) missing.push('CREATEROLE');
  if (missing.length > 0) {
    const objects = missing.map((privilege) => (privilege === 'CREATEDB' ? 'databases' : 'roles'));
    throw new UnreachableError(
      `the admin user "${self.user}" at ${where} lacks ${missing.join(' and ')}; it cannot provision ${objects.join(' and ')}`,
      {
        fix: `use an admin URL of a superuser, or grant the privilege: ALTER ROLE ${quoteIdent(self.user)} ${missing.join(' ')}`,
      },
    );
  }
  return self;
}

interface RoleState {
  rolsuper: boolean;
  rolcreatedb: boolean;
  rolcreaterole: boolean;
  rolinherit: boolean;
  rolcanlogin: boolean;
  rolreplication: boolean;
  rolbypassrls: boolean;
  rolconnlimit: number;
  rolconfig: string[] | null;
  member_of: string[];
}

async function readRoles(admin: Queryable, names: string[]): Promise<Map<string, RoleState>> {
  const { rows } = await admin.query<RoleState & { rolname: string }>(
    `select r.rolname::text as rolname, r.rolsuper, r.rolcreatedb, r.rolcreaterole, r.rolinherit, r.rolcanlogin,
            r.rolreplication, r.rolbypassrls, r.rolconnlimit, r.rolconfig,
            array(select g.rolname::text from pg_auth_members m join pg_roles g on g.oid = m.roleid
                   where m.member = r.oid order by 1) as member_of
       from pg_roles r where r.rolname = any($1::text[])`,
    [names],
  );
  return new Map(rows.map((row) => [row.rolname, row]));
}

async function readDatabaseOwner(admin: Queryable, database: string): Promise<string | undefined> {
  const { rows } = await admin.query<{ owner: string }>(
    'select pg_get_userbyid(datdba)::text as owner from pg_database where datname = $1',
    [database],
  );
  return rows[0]?.owner;
}

/**
 * A database someone else owns can be provisioned only by an admin acting as its owner: anyone else
 * can neither close it to PUBLIC nor let the owner role create schema launchdb. Found before any role.
 */
async function refuseForeignOwner(
  admin: Queryable,
  user: string,
  database: string,
  owner: string,
  where: string,
) {
  const { ok } = await one<{ ok: boolean }>(admin, `select pg_has_role(current_user, $1, 'USAGE') as ok`, [
    owner,
  ]);
  if (ok) return;
  throw new UnreachableError(
    `database ${database} at ${where} is owned by ${owner}, and the admin user "${user}" is neither a superuser nor a member of ${owner}; it cannot provision it`,
    {
      fix: `use an admin URL of a superuser or of ${owner}, or name another database with \`database\` in the config`,
    },
  );
}

/** New roles get new passwords; existing ones keep the known one, or get a new one with `rotate`. */
function choosePasswords(
  options: ProvisionOptions,
  names: Record<RoleKind, string>,
  roles: Map<string, RoleState>,
  where: string,
): Credential[] {
  const unknown: string[] = [];
  const credentials = KINDS.map((kind): Credential => {
    const role = names[kind];
    if (!roles.has(role)) return { kind, role, password: newPassword(), state: 'new' };
    if (options.rotate) return { kind, role, password: newPassword(), state: 'rotated' };
    const known = knownPassword(options.knownSecrets[SECRET_OF[kind]], role);
    if (known === undefined) unknown.push(role);
    return { kind, role, password: known ?? '', state: 'reused' };
  });
  if (unknown.length > 0) {
    throw new UsageError(
      `${unknown.length === 1 ? 'role' : 'roles'} ${unknown.join(', ')} already ${unknown.length === 1 ? 'exists' : 'exist'} at ${where} but the secrets file .launchdb/secrets/${options.environment}.env has no password for ${unknown.length === 1 ? 'it' : 'them'}`,
      { fix: 'rerun with --rotate to set new passwords (apps using the old ones then need the new URLs)' },
    );
  }
  return credentials;
}

function newPassword(): string {
  return randomBytes(32).toString('base64url');
}

function knownPassword(url: string | undefined, role: string): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    if (decodeURIComponent(parsed.username) !== role || !parsed.password) return undefined;
    return decodeURIComponent(parsed.password);
  } catch {
    return undefined;
  }
}

/** A known password the server no longer accepts would be written back as if it worked. */
async function refuseStalePasswords(
  credentials: Credential[],
  options: ProvisionOptions,
  database: string | undefined,
  where: string,
) {
  const reused = credentials.filter((credential) => credential.state === 'reused');
  const stale = await Promise.all(
    reused.map(async (credential) => {
      const url = withCredentials(options.adminUrl, {
        user: credential.role,
        password: credential.password,
        ...(database ? { database } : {}),
      });
      try {
        const db = await openServer(url, { connectTimeoutMs: options.connectTimeoutMs, max: 1 });
        await db.close();
        return undefined;
      } catch (error) {
        // Only a refused password is conclusive; no CONNECT right or a missing database is not.
        const code = (error as { cause?: { code?: string } }).cause?.code;
        return code === BAD_PASSWORD ? credential.role : undefined;
      }
    }),
  );
  const refused = stale.filter((role): role is string => role !== undefined);
  if (refused.length > 0) {
    throw new UsageError(
      `the server at ${where} refuses the password in .launchdb/secrets/${options.environment}.env for ${refused.join(', ')}`,
      { fix: 'rerun with --rotate to set new passwords' },
    );
  }
}

async function reconcileRoles(
  admin: Queryable,
  ledger: Ledger,
  credentials: Credential[],
  roles: Map<string, RoleState>,
  settings: ReturnType<typeof settingsOf>,
) {
  for (const credential of credentials) {
    const role = quoteIdent(credential.role);
    const password = () => quoteLiteral(scramVerifier(credential.password));
    const existing = roles.get(credential.role);
    if (credential.state === 'new') {
      const attributes = {
        owner: 'inherit',
        app: `noinherit connection limit ${settings.connectionLimit}`,
        readonly: 'noinherit',
      }[credential.kind];
      await admin.query(
        `create role ${role} with login nosuperuser nocreatedb nocreaterole noreplication nobypassrls ${attributes} password ${password()}`,
      );
      ledger.created.push(`role ${credential.role}`);
    } else {
      ledger.unchanged.push(`role ${credential.role}`);
      if (credential.state === 'rotated') {
        await admin.query(`alter role ${role} with password ${password()}`);
        ledger.created.push(`new password for role ${credential.role}`);
      }
      if (existing) reportRoleDifferences(ledger, credential, existing, settings.connectionLimit);
    }
    const current = new Map(
      (existing?.rolconfig ?? []).map((entry) => {
        const at = entry.indexOf('=');
        return [entry.slice(0, at), entry.slice(at + 1)] as const;
      }),
    );
    for (const setting of settings[credential.kind]) {
      const what = `setting ${setting.name} = ${setting.value} for role ${credential.role}`;
      const actual = current.get(setting.name);
      if (actual === undefined) {
        await admin.query(`alter role ${role} set ${setting.name} = ${quoteLiteral(setting.value)}`);
        ledger.created.push(what);
      } else if (setting.same(actual)) {
        ledger.unchanged.push(what);
      } else {
        ledger.differences.push(
          `role ${credential.role} has ${setting.name} = ${actual} (expected ${setting.value})`,
        );
      }
    }
  }
}

function reportRoleDifferences(
  ledger: Ledger,
  credential: Credential,
  state: RoleState,
  connectionLimit: number,
) {
  const name = `role ${credential.role}`;
  const found: string[] = [];
  if (!state.rolcanlogin) found.push(`${name} cannot log in (expected LOGIN)`);
  if (state.rolsuper) found.push(`${name} is a superuser (expected not)`);
  if (state.rolcreatedb) found.push(`${name} can create databases (expected not)`);
  if (state.rolcreaterole) found.push(`${name} can create roles (expected not)`);
  if (state.rolreplication) found.push(`${name} can replicate (expected not)`);
  if (state.rolbypassrls) found.push(`${name} bypasses row-level security (expected not)`);
  if (credential.kind === 'app') {
    if (state.rolinherit)
      found.push(`${name} inherits privileges of roles granted to it (expected NOINHERIT)`);
    if (state.rolconnlimit !== connectionLimit) {
      const limit =
        state.rolconnlimit === -1 ? 'no connection limit' : `connection limit ${state.rolconnlimit}`;
      found.push(`${name} has ${limit} (expected ${connectionLimit})`);
    }
  }
  if (credential.kind !== 'owner') {
    for (const group of state.member_of)
      found.push(`${name} is a member of ${group} (expected no memberships)`);
  }
  ledger.differences.push(...found);
  if (found.length === 0) ledger.unchanged.push(`attributes of ${name}`);
}

type Grants = Map<string, Set<string>>;

/** Who holds what on a database or schema, PUBLIC included; undefined when it does not exist. */
async function grantsOn(
  db: Queryable,
  kind: 'database' | 'schema',
  name: string,
): Promise<Grants | undefined> {
  const [catalog, acl, ownerColumn, nameColumn, code] =
    kind === 'database'
      ? ['pg_database', 'datacl', 'datdba', 'datname', 'd']
      : ['pg_namespace', 'nspacl', 'nspowner', 'nspname', 'n'];
  const { rows } = await db.query<{ grantee: string | null; privilege: string | null }>(
    `select coalesce(r.rolname::text, 'PUBLIC') as grantee, a.privilege_type as privilege
       from ${catalog} x
       left join lateral aclexplode(coalesce(x.${acl}, acldefault('${code}', x.${ownerColumn}))) a on true
       left join pg_roles r on r.oid = a.grantee
      where x.${nameColumn} = $1`,
    [name],
  );
  if (rows.length === 0) return undefined;
  const grants: Grants = new Map();
  for (const row of rows) {
    if (!row.privilege || !row.grantee) continue;
    grants.set(row.grantee, (grants.get(row.grantee) ?? new Set()).add(row.privilege));
  }
  return grants;
}

function holds(grants: Grants | undefined, grantee: string, privileges: string[]): boolean {
  const held = grants?.get(grantee);
  return privileges.every((privilege) => held?.has(privilege) ?? false);
}

function holdsAny(grants: Grants | undefined, grantee: string, privileges?: string[]): boolean {
  const held = grants?.get(grantee);
  if (!held) return false;
  return privileges ? privileges.some((privilege) => held.has(privilege)) : held.size > 0;
}

async function reconcileDatabase(
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

async function reconcilePublicSchema(db: Queryable, ledger: Ledger, names: Record<RoleKind, string>) {
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

async function defaultGrants(
  db: Queryable,
  creator: string,
  schema: string,
  type: 'r' | 'S',
): Promise<Grants> {
  const { rows } = await db.query<{ grantee: string; privilege: string }>(
    `select coalesce(r.rolname::text, 'PUBLIC') as grantee, a.privilege_type as privilege
       from pg_default_acl d
       cross join lateral aclexplode(d.defaclacl) a
       left join pg_roles r on r.oid = a.grantee
      where d.defaclrole = (select oid from pg_roles where rolname = $1)
        and d.defaclnamespace = (select oid from pg_namespace where nspname = $2)
        and d.defaclobjtype = $3`,
    [creator, schema, type],
  );
  const grants: Grants = new Map();
  for (const row of rows) grants.set(row.grantee, (grants.get(row.grantee) ?? new Set()).add(row.privilege));
  return grants;
}

/** How many tables (or sequences) of schema public the role lacks one of the privileges on. */
async function lackingObjects(
  db: Queryable,
  role: string,
  objects: 'tables' | 'sequences',
  privileges: string[],
): Promise<number> {
  // The same kinds GRANT … ON ALL TABLES covers, minus views, whose writability is their definer's business.
  const [kinds, check] =
    objects === 'tables' ? [['r', 'p'], 'has_table_privilege'] : [['S'], 'has_sequence_privilege'];
  const all = privileges.map((privilege) => `${check}($1, c.oid, '${privilege}')`).join(' and ');
  const row = await one<{ lacking: number }>(
    db,
    `select count(*)::int as lacking from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = any($2::"char"[]) and not (${all})`,
    [role, kinds],
  );
  return row.lacking;
}

async function reconcileLaunchdbSchema(db: Queryable, ledger: Ledger, names: Record<RoleKind, string>) {
  const grants = () => grantsOn(db, 'schema', 'launchdb');
  for (const role of [names.app, names.readonly]) {
    await ledger.ensure(
      `grant USAGE on schema launchdb to ${role}`,
      async () => holds(await grants(), role, ['USAGE']),
      () => db.query(`grant usage on schema launchdb to ${quoteIdent(role)}`),
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

/**
 * The SCRAM-SHA-256 verifier of a password, as Postgres stores it. Sending the verifier instead of
 * the password keeps the password out of server logs (`log_statement = 'ddl'`) and statistics.
 * Only launchdb's own base64url passwords get here, so SASLprep has nothing to normalise.
 */
function scramVerifier(password: string, iterations = 4096): string {
  const salt = randomBytes(16);
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

interface Progress {
  step: string;
  /** Roles got passwords the caller never received: a re-run must rotate them. */
  unsavedPasswords: boolean;
}

/** Any failure past the first connection, as exit 3 naming the step; passwords masked. */
function provisionError(error: unknown, progress: Progress, location: string, passwords: string[]): Error {
  const resume = progress.unsavedPasswords
    ? 'then rerun with --rotate: the passwords this run set were not saved'
    : 'then rerun: provisioning resumes where it stopped';
  if (isLaunchdbError(error)) {
    if (!progress.unsavedPasswords || !(error instanceof UnreachableError)) return error;
    return new UnreachableError(error.message, {
      cause: error.cause,
      fix: `${error.fix ?? 'fix the cause'}, ${resume}`,
    });
  }
  const message = redactText((error as Error)?.message ?? String(error), passwords);
  return new UnreachableError(`provisioning ${location} failed while ${progress.step}: ${message}`, {
    cause: error,
    fix: `check the admin user's rights on the server, ${resume}`,
  });
}
