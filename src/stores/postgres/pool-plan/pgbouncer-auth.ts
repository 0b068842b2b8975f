// The app role's line in userlist.txt: the server's own SCRAM verifier when the admin may read it, else the password.
import { UsageError } from '../../../core/errors.js';
import { passwordOf } from '../../../core/redact.js';
import { parseConnectionUrl } from '../connection-url.js';
import type { Queryable } from '../database.js';
import type { UserlistEntry } from './pgbouncer-config.js';

const INSUFFICIENT_PRIVILEGE = '42501';

/*
 * PgBouncer checks the client against userlist.txt, then logs in to the server as the same user.
 * With a SCRAM verifier there, it can log in only by passing on the client's SCRAM proof, which the
 * server accepts only if its verifier is the very same one (same salt and iterations, not merely the
 * same password): a verifier freshly computed from the password is refused by the server. So the
 * verifier is copied from pg_authid, which only a superuser may read; otherwise PgBouncer needs the
 * password itself, in the file, which is why the file is its owner's alone.
 */

export interface AppRoleSecret extends UserlistEntry {
  /** `server-verifier`: no password in the files. `password`: the app's password, in plain text. */
  source: 'server-verifier' | 'password';
}

/** `admin`, when given, is tried for the verifier; `appUrl`'s password is the fallback. */
export async function appRoleSecret(
  appUrl: string,
  admin: Queryable | undefined,
  environment: string,
): Promise<AppRoleSecret> {
  const { user } = parseConnectionUrl(appUrl);
  if (!user) {
    throw new UsageError(`the app's URL for environment ${environment} names no user for userlist.txt`, {
      fix: 'put the user in DATABASE_URL: postgres://user:password@host/db',
    });
  }
  const verifier = admin ? await serverVerifier(admin, user) : undefined;
  if (verifier) return { user, secret: verifier, source: 'server-verifier' };
  const password = passwordOf(appUrl);
  if (password) return { user, secret: password, source: 'password' };
  throw new UsageError(
    `no credentials for ${user} to write into userlist.txt: the app's URL has no password and no admin URL can read the server's SCRAM verifier`,
    {
      fix: `set DATABASE_ADMIN_URL to a superuser's URL, or attach the environment: launchdb attach postgres --env ${environment}`,
    },
  );
}

/** The role's SCRAM verifier, or undefined when the admin may not read pg_authid or the role has none. */
async function serverVerifier(admin: Queryable, role: string): Promise<string | undefined> {
  try {
    const { rows } = await admin.query<{ verifier: string | null }>(
      'select rolpassword as verifier from pg_authid where rolname = $1',
      [role],
    );
    const verifier = rows[0]?.verifier;
    return verifier?.startsWith('SCRAM-SHA-256$') ? verifier : undefined;
  } catch (error) {
    if ((error as { code?: string }).code === INSUFFICIENT_PRIVILEGE) return undefined;
    throw error;
  }
}
