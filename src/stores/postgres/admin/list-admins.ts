// The app's admins, from the config's admin.list, each with its recorded owner or UNDOCUMENTED.
import type { AdminConfig, LaunchdbConfig } from '../../../core/config/types.js';
import { type LaunchdbError, UnreachableError, UsageError } from '../../../core/errors.js';
import { redactText } from '../../../core/redact.js';
import type { Queryable } from '../database.js';
import { type AdminRecord, adminKey, readAdminLog } from './admin-log.js';
import { bindNamedParameters } from './named-parameters.js';

export const UNDOCUMENTED = 'UNDOCUMENTED';

export interface ListedAdmin {
  email: string;
  name: string | null;
  /** `Name <email>`, or UNDOCUMENTED when launchdb has no record of who owns it. */
  owner: string;
  documented: boolean;
  /** What launchdb recorded when it created or documented the admin. */
  record?: AdminRecord;
}

/** The config's `admin` section; without one, bad input showing what to add. */
export function requireAdminConfig(config: LaunchdbConfig, configFile: string): AdminConfig {
  if (config.admin) return config.admin;
  throw new UsageError(
    `${configFile.split('/').pop()} has no \`admin\` section: launchdb does not know how the app stores admins`,
    {
      fix: `add e.g. admin: { create: "insert into users (email, name, role) values (:email, :name, 'admin')", list: "select email, name from users where role = 'admin'" } (docs/ADMIN.md)`,
    },
  );
}

/** Checks admin.list without running it: one statement, no parameters. */
export async function prepareAdminList(admin: AdminConfig) {
  return bindNamedParameters(admin.list, { path: 'admin.list', values: {} });
}

/** Runs admin.list: the app's admins by email, as the app has them. */
export async function readAppAdmins(
  db: Queryable,
  admin: AdminConfig,
  environment: string,
): Promise<{ email: string; name: string | null }[]> {
  const list = await prepareAdminList(admin);
  let rows: Record<string, unknown>[];
  try {
    rows = (await db.query(list.text)).rows;
  } catch (error) {
    throw adminStatementError('admin.list', error, environment);
  }
  const first = rows[0];
  if (first && !('email' in first)) {
    throw new UsageError(
      `admin.list returns no \`email\` column; it returns ${Object.keys(first).join(', ') || 'no columns'}`,
      { fix: 'select the admin email as `email` (and the display name as `name`)' },
    );
  }
  const seen = new Set<string>();
  return rows.flatMap((row) => {
    const email = String(row.email ?? '');
    if (seen.has(adminKey(email))) return [];
    seen.add(adminKey(email));
    return [{ email, name: row.name === undefined || row.name === null ? null : String(row.name) }];
  });
}

/** Each admin the app has, joined with launchdb.admins by email (case-insensitively). */
export async function listAdmins(
  db: Queryable,
  admin: AdminConfig,
  environment: string,
): Promise<ListedAdmin[]> {
  const admins = await readAppAdmins(db, admin, environment);
  const log = await readAdminLog(db);
  return admins.map((entry) => {
    const record = log.get(adminKey(entry.email));
    return {
      email: entry.email,
      name: entry.name ?? record?.name ?? null,
      owner: record?.owner ?? UNDOCUMENTED,
      documented: record !== undefined,
      ...(record ? { record } : {}),
    };
  });
}

const MISSING_RELATION = '42P01';
const MISSING_COLUMN = '42703';
const NO_PRIVILEGE = '42501';

/**
 * A failed admin statement as one line naming it, the server's message with `secrets` masked (a
 * message can quote a parameter's value), and the next step. Lost connections stay exit 3.
 */
export function adminStatementError(
  path: string,
  error: unknown,
  environment: string,
  options: { secrets?: readonly string[]; outcome?: string } = {},
): LaunchdbError {
  const err = error as { message?: string; code?: string; detail?: string };
  const message = redactText(
    `${(err.message ?? String(error)).split('\n')[0]}${err.detail ? ` (${err.detail})` : ''}`,
    options.secrets ?? [],
  );
  const suffix = `${err.code ? ` [${err.code}]` : ''}${options.outcome ? `; ${options.outcome}` : ''}`;
  if (err.code?.startsWith('08') || err.code === '57P01') {
    return new UnreachableError(`${path} could not run: ${message}${suffix}`, {
      fix: 'check that the database is up and reachable, then run it again',
    });
  }
  const fix =
    err.code === MISSING_RELATION || err.code === MISSING_COLUMN
      ? `the app's tables are not there yet: apply the migrations (launchdb migrate up --env ${environment}), or fix ${path} in the config`
      : err.code === NO_PRIVILEGE
        ? `grant the role that runs it the privileges ${path} needs, or fix ${path} in the config`
        : `fix ${path} in the config so it runs on this schema (docs/ADMIN.md)`;
  const failed = err.code === MISSING_RELATION ? 'cannot run yet' : 'failed';
  return new UsageError(`${path} ${failed}: ${message}${suffix}`, { fix });
}
