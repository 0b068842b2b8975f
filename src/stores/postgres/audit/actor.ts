// Who is acting: every identity launchdb can know without asking, and which of them is the actor.
import { execFileSync } from 'node:child_process';
import { userInfo } from 'node:os';
import type { Actor, IdentitySource } from './audit-event.js';

export const ACTOR_VARIABLE = 'LAUNCHDB_ACTOR';

/**
 * `LAUNCHDB_ACTOR` (a CI job names who triggered it) is the actor when set; else the project's git
 * `user.email`; else the operating-system user. All that are known are recorded.
 */
export function whoIsActing(root: string, vars: Readonly<Record<string, string | undefined>>): Actor {
  const identities: Partial<Record<IdentitySource, string>> = {};
  const named = vars[ACTOR_VARIABLE]?.trim();
  if (named) identities.launchdb = named;
  const git = gitEmail(root);
  if (git) identities.git = git;
  const os = osUserName();
  if (os) identities.os = os;
  const source = (['launchdb', 'git', 'os'] as const).find((kind) => identities[kind] !== undefined);
  return source
    ? { id: identities[source]!, source, identities }
    : { id: 'unknown', source: 'os', identities };
}

function gitEmail(root: string): string | undefined {
  try {
    const email = execFileSync('git', ['config', 'user.email'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 2000,
    }).trim();
    return email || undefined;
  } catch {
    // No git, no repository or no email set: the other identities remain.
    return undefined;
  }
}

function osUserName(): string | undefined {
  try {
    return userInfo().username || undefined;
  } catch {
    return undefined;
  }
}
