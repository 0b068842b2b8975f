// What a capacity plan is about: the environment's server, and the roles its URLs log in as.
import { UsageError } from '../../../core/errors.js';
import type { Environment } from '../../../core/project.js';
import { parseConnectionUrl } from '../connection-url.js';
import type { RoleKind } from '../provision/roles.js';
import { requireServerTarget, type ServerTarget } from '../target.js';

export interface TargetRole {
  kind: RoleKind;
  role: string;
}

/**
 * The environment's server. An embedded database is one in-process session with no roles and no
 * connection slots to share, so there is nothing to plan: bad input, naming what would be.
 */
export function serverTargetOf(env: Environment, command: string): ServerTarget {
  return requireServerTarget(
    env,
    () =>
      new UsageError(
        `environment ${env.name} is embedded (PGlite, one in-process session): it has no server connections or roles for \`launchdb ${command}\` to plan`,
        {
          fix: `run it for an environment on a server, or attach one: launchdb attach postgres --env ${env.name} --admin-url URL`,
        },
      ),
  );
}

/**
 * The roles the environment's URLs log in as: the app (DATABASE_URL), the owner
 * (DATABASE_MIGRATION_URL) and the read-only role (DATABASE_READONLY_URL) — the three `attach`
 * provisions, or fewer when the environment was given one URL.
 */
export function targetRoles(target: ServerTarget): TargetRole[] {
  const urls: [RoleKind, string | undefined][] = [
    ['app', target.url],
    ['owner', target.migrationUrl],
    ['readonly', target.readonlyUrl],
  ];
  const roles: TargetRole[] = [];
  for (const [kind, url] of urls) {
    const role = url === undefined ? '' : userOf(url);
    // A URL with no user logs in as the OS user; one role under two URLs is planned once, as the first.
    if (role && !roles.some((known) => known.role === role)) roles.push({ kind, role });
  }
  return roles;
}

function userOf(url: string): string {
  return parseConnectionUrl(url).user;
}
