// Gives a person access: their role applied inside an access transaction (applyPersonalRole), its
// expiry counted from the transaction's start by the server's clock, and a new password delivered to
// the person's 0600 file before the commit — removed again if the commit fails, so a file never holds
// a password the server does not know. What `access grant` and `access approve` share.
import { rmSync } from 'node:fs';
import type { Environment } from '../../../../core/project.js';
import { withCredentials } from '../../connection-url.js';
import type { Connection } from '../../database.js';
import { personalRoleName } from '../../provision/roles.js';
import type { AccessLevel } from '../personal-role.js';
import type { AccessAdmin } from './access-admin.js';
import { serverNow } from './access-transaction.js';
import { type AppliedRole, applyPersonalRole } from './personal-grant.js';
import { personalSecretFile, writePersonalSecretFile } from './personal-secret-file.js';

export interface GrantSetting {
  env: Environment;
  admin: AccessAdmin;
  /** The environment's database. */
  database: string;
  /** `access.audit.read`. */
  auditRead: boolean;
  /** Hand the new password back (for --print-secrets) instead of writing the person's file. */
  printSecrets: boolean;
}

export interface GrantAsk {
  person: string;
  level: AccessLevel;
  durationMs: number;
  /** The approved request it comes from. */
  request?: number;
}

export interface PersonalGrant {
  environment: string;
  location: string;
  role: string;
  person: string;
  level: AccessLevel;
  /** When the access ends (ISO): the start by the server's clock plus the duration. */
  expires: string;
  request?: number;
  created: boolean;
  previous?: AppliedRole['previous'];
  audit: AppliedRole['audit'];
  /** The person's file with their DATABASE_URL, when a new password was made and not printed. */
  secretFile?: string;
  /** The person's DATABASE_URL with its password: only with --print-secrets, to print once. */
  url?: string;
}

/** What was written and must go if the transaction does not commit. */
export interface Delivery {
  file?: string;
}

/** Runs `fn` (which commits a grant), removing the file it delivered when it fails. */
export async function withDelivery<T>(fn: (delivery: Delivery) => Promise<T>): Promise<T> {
  const delivery: Delivery = {};
  try {
    return await fn(delivery);
  } catch (error) {
    if (delivery.file) rmSync(delivery.file, { force: true });
    throw error;
  }
}

/** Inside an access transaction, as its last step before the commit. */
export async function grantWithin(
  tx: Connection,
  setting: GrantSetting,
  ask: GrantAsk,
  delivery: Delivery,
): Promise<PersonalGrant> {
  const { env, admin, database } = setting;
  const role = personalRoleName(database, ask.person);
  const expires = new Date((await serverNow(tx)).getTime() + ask.durationMs);
  const applied = await applyPersonalRole(tx, {
    database,
    role,
    person: ask.person,
    level: ask.level,
    expires,
    ...(ask.request === undefined ? {} : { request: ask.request }),
    versionNum: admin.versionNum,
    auditRead: setting.auditRead,
  });
  const grant: PersonalGrant = {
    environment: env.name,
    location: admin.location,
    role,
    person: ask.person,
    level: ask.level,
    expires: expires.toISOString(),
    ...(ask.request === undefined ? {} : { request: ask.request }),
    created: applied.created,
    ...(applied.previous ? { previous: applied.previous } : {}),
    audit: applied.audit,
  };
  if (!applied.password) return grant;
  const url = withCredentials(admin.adminUrl, { user: role, password: applied.password, database });
  if (setting.printSecrets) return { ...grant, url };
  const file = personalSecretFile(env.stateDir, env.name, ask.person);
  writePersonalSecretFile(file, {
    person: ask.person,
    environment: env.name,
    level: ask.level,
    expires,
    url,
  });
  delivery.file = file;
  return { ...grant, secretFile: file };
}
