// Provisions an environment on a Postgres server: its database, owner/app/read-only roles and grants.
import type { PostgresRoleSettings } from '../../../core/config/types.js';
import { isLaunchdbError, UnreachableError } from '../../../core/errors.js';
import { redactText } from '../../../core/redact.js';
import { ensureCapture } from '../audit/ddl-capture.js';
import { parseConnectionUrl, withCredentials } from '../connection-url.js';
import type { PostgresDatabase } from '../database.js';
import { ensureMarker, refuseForeignMarker } from '../marker.js';
import { openServer } from '../server.js';
import { quoteIdent } from '../sql-quote.js';
import { checkAdmin, readDatabaseOwner, refuseForeignOwner } from './admin.js';
import { reconcileDatabase, reconcileLaunchdbSchema, reconcilePublicSchema } from './grants.js';
import { Ledger } from './ledger.js';
import { one } from './one.js';
import { type Credential, choosePasswords, refuseStalePasswords } from './passwords.js';
import { settingsOf } from './role-settings.js';
import { type RoleKind, readRoles, reconcileRoles, roleNamesOf } from './roles.js';

export { DEFAULT_ROLE_SETTINGS } from './role-settings.js';

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

    if (self.superuser) {
      progress.step = 'installing the capture of DDL made outside launchdb';
      await installCapture(inDatabase!, ledger);
    }

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

/** The event triggers that put DDL made outside launchdb in the audit trail; a failure is only reported. */
async function installCapture(db: PostgresDatabase, ledger: Ledger): Promise<void> {
  const what = 'event triggers capturing DDL made outside launchdb into the audit trail';
  try {
    const capture = await ensureCapture(db);
    if (capture.installed) (capture.changed ? ledger.created : ledger.unchanged).push(what);
  } catch (error) {
    ledger.differences.push(`${what} not installed: ${(error as Error).message.split('\n')[0]}`);
  }
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
