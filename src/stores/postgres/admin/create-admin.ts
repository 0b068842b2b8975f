// Creates the initial admin on purpose: the config's admin.create and its owner's record, in one transaction.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AdminConfig } from '../../../core/config/types.js';
import { UsageError } from '../../../core/errors.js';
import type { PostgresDatabase, Queryable } from '../database.js';
import { type AdminRecord, adminKey, ensureAdminLog, readAdminLog, recordAdmin } from './admin-log.js';
import { keepOutOfServerLog } from './keep-out-of-server-log.js';
import { adminStatementError, prepareAdminList, readAppAdmins } from './list-admins.js';
import { type BoundStatement, bindNamedParameters } from './named-parameters.js';
import { DEFAULT_SECRET_HASH, hashSecret } from './secret-hash.js';

export interface AdminRequest {
  email: string;
  /** Who owns the account: `Name <email>`. */
  owner: string;
  name?: string;
  reason?: string;
}

export interface CreatedAdmin {
  /**
   * `created`: admin.create ran. `documented`: the app already had this admin and launchdb had no
   * owner for it, so only the owner was recorded (admin.create did not run, no secret was made).
   */
  outcome: 'created' | 'documented';
  record: AdminRecord;
  /** The file holding the generated password or token, mode 0600. The secret itself is never returned. */
  secretFile?: string;
}

export interface CreateAdminOptions {
  environment: string;
  /** `.launchdb/` of the project: the secret goes to `secrets/` under it. */
  stateDir: string;
  /** The generated secret is added here, so the caller masks it in everything it writes. */
  mask?: Set<string>;
}

/** Random bytes of a generated secret: 192 bits for a password (32 characters), 256 for a token. */
const SECRET_BYTES = { password: 24, token: 32 } as const;
/** What `:secret` and `:secret_hash` stand for while the statement is only checked, never sent. */
const UNSENT: SecretValues = { secret: 'unsent', secretHash: 'unsent' };
const EMAIL = /^[^\s@<>()[\],;:"]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+$/u;
const OWNER = /^(.*\S)\s*<([^<>]+)>$/;
const NOTHING_DONE = 'nothing was created or recorded';

/** Checks the request and the config's statements before anything is touched; returns the request tidied. */
export async function validateAdminCreation(
  admin: AdminConfig,
  request: AdminRequest,
): Promise<AdminRequest> {
  return (await checkCreation(admin, request)).request;
}

/** The request tidied, and the parameters admin.create uses. */
async function checkCreation(
  admin: AdminConfig,
  request: AdminRequest,
): Promise<{ request: AdminRequest; names: string[] }> {
  const valid = validateRequest(request);
  const { names } = await bindCreate(admin, valid, secretKind(admin) ? UNSENT : undefined);
  await prepareAdminList(admin);
  return { request: valid, names };
}

/**
 * Runs admin.create and records the admin in launchdb.admins in one transaction: a failing create
 * records nothing, a failing record undoes the create. An email the app already lists as an admin is
 * documented when launchdb has no owner for it, and refused (exit 2) when it has one. A generated
 * secret is passed as `:secret_hash` (hashed here) or `:secret` (kept out of the server's log, or
 * refused), and written to a 0600 file once everything else succeeded.
 */
export async function createAdmin(
  db: PostgresDatabase,
  admin: AdminConfig,
  request: AdminRequest,
  options: CreateAdminOptions,
): Promise<CreatedAdmin> {
  const { request: valid, names } = await checkCreation(admin, request);
  const kind = secretKind(admin);
  const secret = kind ? randomBytes(SECRET_BYTES[kind]).toString('base64url') : undefined;
  if (secret) options.mask?.add(secret);
  const secretHash =
    kind && secret && names.includes('secret_hash')
      ? await hashSecret(secret, admin.secretHash ?? DEFAULT_SECRET_HASH[kind])
      : undefined;
  const create = await bindCreate(admin, valid, secret ? { secret, secretHash } : undefined);
  const secretFile = secret ? adminSecretFile(options.stateDir, options.environment, valid.email) : undefined;
  const environment = options.environment;
  let written = false;
  try {
    return await db.transaction(async (tx): Promise<CreatedAdmin> => {
      await logStep(() => ensureAdminLog(tx));
      const existing = await findAppAdmin(tx, admin, valid.email, environment);
      if (existing) return { outcome: 'documented', record: await documentExisting(tx, existing, valid) };
      if (create.names.includes('secret') && db.backing === 'server') {
        await keepOutOfServerLog(tx, create.text, {
          path: 'admin.create',
          parameter: ':secret',
          location: db.location,
          outcome: NOTHING_DONE,
        });
      }
      try {
        await tx.query(create.text, create.values);
      } catch (error) {
        throw adminStatementError('admin.create', error, environment, {
          secrets: secret ? [secret] : [],
          outcome: NOTHING_DONE,
        });
      }
      if (!(await findAppAdmin(tx, admin, valid.email, environment))) {
        throw new UsageError(
          `admin.create ran, but admin.list does not show ${valid.email}; ${NOTHING_DONE}`,
          { fix: 'make admin.create create what admin.list selects (the same table, the same role value)' },
        );
      }
      const record = await logStep(() =>
        recordAdmin(tx, {
          email: valid.email,
          name: valid.name ?? null,
          owner: valid.owner,
          reason: valid.reason ?? null,
        }),
      );
      if (secretFile && secret) {
        writeSecretFile(secretFile, secret);
        written = true;
      }
      return { outcome: 'created', record, ...(secretFile ? { secretFile } : {}) };
    });
  } catch (error) {
    // The commit failed after the file was written: no admin has that secret.
    if (written && secretFile) rmSync(secretFile, { force: true });
    throw error;
  }
}

async function findAppAdmin(tx: Queryable, admin: AdminConfig, email: string, environment: string) {
  const key = adminKey(email);
  return (await readAppAdmins(tx, admin, environment)).find((entry) => adminKey(entry.email) === key);
}

/**
 * An admin the app already has: with no recorded owner, this records one (admin.create does not run);
 * with one, it is refused, so the log never holds two owners for one admin.
 */
async function documentExisting(
  tx: Queryable,
  existing: { email: string; name: string | null },
  request: AdminRequest,
): Promise<AdminRecord> {
  const recorded = (await readAdminLog(tx)).get(adminKey(existing.email));
  if (recorded) {
    throw new UsageError(
      `${existing.email} is already an admin of the app, owned by ${recorded.owner} (recorded ${recorded.createdAt}); nothing was changed`,
      {
        fix: 'to add another admin, use another email (`launchdb admin list` shows the admins and their owners)',
      },
    );
  }
  return logStep(() =>
    recordAdmin(tx, {
      email: existing.email,
      name: request.name ?? existing.name,
      owner: request.owner,
      reason: request.reason ?? null,
    }),
  );
}

/** A step on launchdb.admins; its failure (the schema not writable, say) undoes the whole creation. */
async function logStep<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    const err = error as { message?: string; code?: string };
    throw new UsageError(
      `could not record the admin in launchdb.admins: ${(err.message ?? String(error)).split('\n')[0]}${err.code ? ` [${err.code}]` : ''}; ${NOTHING_DONE}`,
      {
        fix: 'run it with a role that may create and write tables in schema launchdb (the owner role on a provisioned environment)',
      },
    );
  }
}

/** `.launchdb/secrets/admin-<env>-<email>.txt`, the email made safe for a file name. */
export function adminSecretFile(stateDir: string, environment: string, email: string): string {
  const safe = email
    .toLowerCase()
    .replace('@', '_at_')
    .replace(/[^a-z0-9._-]/g, '-');
  return join(stateDir, 'secrets', `admin-${environment}-${safe}.txt`);
}

function validateRequest(request: AdminRequest): AdminRequest {
  const email = request.email.trim();
  if (!isEmail(email)) {
    throw new UsageError(`"${email}" is not an email address`, { fix: 'e.g. --email ops@shop.dev' });
  }
  const owner = OWNER.exec(request.owner.trim());
  const ownerName = owner?.[1]?.trim();
  const ownerEmail = owner?.[2]?.trim();
  if (!ownerName || !ownerEmail || !isEmail(ownerEmail)) {
    throw new UsageError(`the owner "${request.owner}" is not a person's "Name <email>"`, {
      fix: 'e.g. --owner "Ada Lovelace <ada@shop.dev>": the person who answers for this admin account',
    });
  }
  const name = request.name?.trim();
  const reason = request.reason?.trim();
  return {
    email,
    owner: `${ownerName} <${ownerEmail}>`,
    ...(name ? { name } : {}),
    ...(reason ? { reason } : {}),
  };
}

function isEmail(text: string): boolean {
  return text.length <= 254 && EMAIL.test(text);
}

function secretKind(admin: AdminConfig): 'password' | 'token' | undefined {
  return admin.secret === 'password' || admin.secret === 'token' ? admin.secret : undefined;
}

/** The generated secret and its hash; the hash is made only when admin.create uses it. */
interface SecretValues {
  secret: string;
  secretHash: string | undefined;
}

/**
 * admin.create bound to the request and, when the config asks for one, the generated secret: it
 * must reach the statement, and admin.secretHash must name a hash the statement uses.
 */
async function bindCreate(
  admin: AdminConfig,
  request: AdminRequest,
  secrets: SecretValues | undefined,
): Promise<BoundStatement> {
  const bound = await bindNamedParameters(admin.create, {
    path: 'admin.create',
    values: {
      email: request.email,
      name: request.name,
      secret: secrets?.secret,
      secret_hash: secrets?.secretHash,
    },
    missingFix: (name) =>
      name === 'secret' || name === 'secret_hash'
        ? `set admin.secret to 'password' or 'token' in the config, or take :${name} out of admin.create`
        : `pass --${name} ${name.toUpperCase()}`,
  });
  if (secrets && !bound.names.includes('secret') && !bound.names.includes('secret_hash')) {
    throw new UsageError(
      `admin.secret is ${admin.secret}, but admin.create uses neither :secret_hash nor :secret, so the generated ${admin.secret} would reach no one`,
      {
        fix: `pass :secret_hash in admin.create, into the column that holds the ${admin.secret}'s hash (admin.secretHash picks bcrypt, scrypt or sha256), or set admin.secret to 'none'`,
      },
    );
  }
  if (admin.secretHash && !bound.names.includes('secret_hash')) {
    throw new UsageError(
      `admin.secretHash is ${admin.secretHash}, but admin.create does not use :secret_hash`,
      {
        fix: 'pass :secret_hash in admin.create, into the column that holds the hash, or remove admin.secretHash',
      },
    );
  }
  return bound;
}

/** Readable by its owner only, from the first byte: an older file is removed, not rewritten. */
function writeSecretFile(file: string, secret: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  rmSync(file, { force: true });
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
}
