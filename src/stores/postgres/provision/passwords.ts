// The roles' passwords: new, kept from the secrets file, or rotated; and the known ones checked.
import { randomBytes } from 'node:crypto';
import { UsageError } from '../../../core/errors.js';
import { withCredentials } from '../connection-url.js';
import { openServer } from '../server.js';
import type { ProvisionOptions, ProvisionResult } from './provision.js';
import { KINDS, type RoleKind, type RoleState } from './roles.js';

type SecretKey = keyof ProvisionResult['urls'];
const SECRET_OF: Record<RoleKind, SecretKey> = {
  owner: 'DATABASE_MIGRATION_URL',
  app: 'DATABASE_URL',
  readonly: 'DATABASE_READONLY_URL',
};
const BAD_PASSWORD = '28P01';

export interface Credential {
  kind: RoleKind;
  role: string;
  password: string;
  state: 'new' | 'reused' | 'rotated';
}

/** New roles get new passwords; existing ones keep the known one, or get a new one with `rotate`. */
export function choosePasswords(
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

/** 32 random bytes, base64url: what every launchdb-made role gets. */
export function newPassword(): string {
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
export async function refuseStalePasswords(
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
