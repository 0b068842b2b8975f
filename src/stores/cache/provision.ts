// Provisioning an environment's Redis user with an admin URL: an ACL user `<project>_<env>` that may
// touch only keys and channels under the environment's prefix, and no admin or dangerous command
// (CONFIG, FLUSHALL, KEYS, DEBUG…) except INFO, which its checks read. A re-run reconciles: it
// reports what differed, keeps a password it knows (from the secrets file), sets a new one with --rotate.
import { createHash } from 'node:crypto';
import { UsageError } from '../../core/errors.js';
import { newPassword } from '../postgres/provision/passwords.js';
import type { RedisClient } from './redis-client.js';
import { describeAddress, parseRedisUrl, type RedisAddress } from './target.js';

export const APP_COMMANDS = '+@all -@admin -@dangerous +info';

export interface ProvisionOutcome {
  user: string;
  /** The app's URL, its password included. */
  url: string;
  created: string[];
  differences: string[];
  rotated: boolean;
}

export async function provisionAclUser(
  admin: RedisClient,
  options: {
    address: RedisAddress;
    user: string;
    keyPrefix: string;
    /** The app URL an earlier attach recorded, whose password is kept when it is still this user's. */
    recordedUrl: string | undefined;
    rotate: boolean;
  },
): Promise<ProvisionOutcome> {
  const { address, user, keyPrefix } = options;
  const before = await getUser(admin, user);
  const known = knownPassword(options.recordedUrl, user, address);
  const keep =
    before && known && before.passwords.includes(sha256(known)) && !options.rotate ? known : undefined;
  if (before && !keep && !options.rotate) {
    throw new UsageError(
      `ACL user ${user} already exists at ${describeAddress(address)} but the secrets file has no password for it`,
      { fix: 'rerun with --rotate to set a new password (apps using the old one then need the new URL)' },
    );
  }
  const password = keep ?? newPassword();
  const rules = [`>${password}`, `~${keyPrefix}*`, `&${keyPrefix}*`, ...APP_COMMANDS.split(' ')];
  await admin.sendCommand(['ACL', 'SETUSER', user, 'reset', 'on', ...rules]);
  const after = await getUser(admin, user);
  const differences: string[] = [];
  if (before && after) {
    for (const field of ['flags', 'keys', 'channels', 'commands'] as const) {
      if (before[field] !== after[field]) {
        differences.push(`ACL user ${user} ${field} were "${before[field]}", now "${after[field]}"`);
      }
    }
  }
  if (!(await saveAcl(admin))) {
    differences.push(
      `ACL user ${user} is in the server's memory only: it has no aclfile to save it to (a restart loses it)`,
    );
  }
  const scheme = address.tls ? 'rediss' : 'redis';
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return {
    user,
    url: `${scheme}://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${host}:${address.port}/${address.db}`,
    created: before ? [] : [`ACL user ${user} (keys and channels ${keyPrefix}*)`],
    differences,
    rotated: Boolean(before && !keep),
  };
}

interface AclUser {
  flags: string;
  passwords: string[];
  commands: string;
  keys: string;
  channels: string;
}

async function getUser(admin: RedisClient, user: string): Promise<AclUser | undefined> {
  const reply = (await admin.sendCommand(['ACL', 'GETUSER', user])) as unknown[] | null;
  if (!reply) return undefined;
  const fields = new Map<string, unknown>();
  for (let i = 0; i + 1 < reply.length; i += 2) fields.set(String(reply[i]), reply[i + 1]);
  const text = (value: unknown) => (Array.isArray(value) ? value.join(' ') : String(value ?? ''));
  return {
    flags: text(fields.get('flags')),
    passwords: (fields.get('passwords') as string[] | undefined) ?? [],
    commands: text(fields.get('commands')),
    keys: text(fields.get('keys')),
    channels: text(fields.get('channels')),
  };
}

/** Writes the ACL to the server's aclfile; false when it has none. */
async function saveAcl(admin: RedisClient): Promise<boolean> {
  try {
    await admin.sendCommand(['ACL', 'SAVE']);
    return true;
  } catch (error) {
    if (/not configured to use an ACL file/i.test(String((error as Error).message))) return false;
    throw error;
  }
}

function knownPassword(url: string | undefined, user: string, address: RedisAddress): string | undefined {
  if (!url) return undefined;
  try {
    const recorded = parseRedisUrl(url, 'REDIS_URL');
    if (recorded.user !== user || recorded.host !== address.host || recorded.port !== address.port)
      return undefined;
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
