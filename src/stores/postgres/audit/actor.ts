// Who is acting: every identity launchdb can know without asking, and which of them is the actor.
import { execFile, execFileSync } from 'node:child_process';
import { userInfo } from 'node:os';
import type { Actor, IdentitySource } from './audit-event.js';

export const ACTOR_VARIABLE = 'LAUNCHDB_ACTOR';

/**
 * `LAUNCHDB_ACTOR` (a CI job names who triggered it) is the actor when set; else the project's git
 * `user.email`; else the operating-system user. All that are known are recorded.
 */
export function whoIsActing(root: string, vars: Readonly<Record<string, string | undefined>>): Actor {
  return actorOf(vars, gitEmail(root));
}

/**
 * The same, without blocking while git answers: for a command that starts it early and needs it only
 * at its end (`check` recording its run), so git runs beside the command's own work.
 */
export async function whoIsActingSoon(
  root: string,
  vars: Readonly<Record<string, string | undefined>>,
): Promise<Actor> {
  return actorOf(vars, await gitEmailSoon(root));
}

function actorOf(vars: Readonly<Record<string, string | undefined>>, git: string | undefined): Actor {
  const identities: Partial<Record<IdentitySource, string>> = {};
  const named = vars[ACTOR_VARIABLE]?.trim();
  if (named) identities.launchdb = named;
  if (git) identities.git = git;
  const os = osUserName();
  if (os) identities.os = os;
  const source = (['launchdb', 'git', 'os'] as const).find((kind) => identities[kind] !== undefined);
  return source
    ? { id: identities[source]!, source, identities }
    : { id: 'unknown', source: 'os', identities };
}

const GIT_EMAIL = ['config', 'user.email'];
const GIT_TIMEOUT_MS = 2000;

function gitEmail(root: string): string | undefined {
  try {
    const email = execFileSync('git', GIT_EMAIL, {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: GIT_TIMEOUT_MS,
    }).trim();
    return email || undefined;
  } catch {
    // No git, no repository or no email set: the other identities remain.
    return undefined;
  }
}

function gitEmailSoon(root: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', GIT_EMAIL, { cwd: root, encoding: 'utf8', timeout: GIT_TIMEOUT_MS }, (error, stdout) =>
      // As gitEmail: no git, no repository or no email set leaves the other identities.
      resolve(error ? undefined : stdout.trim() || undefined),
    );
  });
}

function osUserName(): string | undefined {
  try {
    return userInfo().username || undefined;
  } catch {
    return undefined;
  }
}
