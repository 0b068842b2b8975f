// provisioning.isolation: the database is marked as this environment's, and no other environment
// of the project resolves to the same database.
import { resolve } from 'node:path';
import { type Check, type CheckOutcome, StoreUnavailable } from '../../../core/checks/check.js';
import type { Project } from '../../../core/project.js';
import { type Marker, readMarker } from '../marker.js';
import { type PostgresTarget, resolvePostgresTarget } from '../target.js';
import type { PostgresCheckContext } from './context.js';

/** The same loopback server answers to all of these names. */
const LOOPBACK_NAMES = new Set(['localhost', '127.0.0.1', '::1']);

/** One key per physical database: equal keys are the same database. */
export function databaseKey(target: PostgresTarget): string {
  if (target.backing === 'embedded') return `embedded:${resolve(target.dataDir)}`;
  const host = target.host.toLowerCase();
  return `server:${LOOPBACK_NAMES.has(host) ? 'localhost' : host}:${target.port}/${target.database}`;
}

interface Resolution {
  /** Environments that resolve to the same database as this one. */
  sharing: string[];
  /** Other pairs of environments that share a database, for the details. */
  others: string[][];
  /** Environments that could not be resolved (e.g. an unset variable), so were not compared. */
  notCompared: { environment: string; reason: string }[];
}

/** Resolves every declared environment's database and groups the ones that are the same. */
export function findSharedDatabases(project: Project, envName: string, own: PostgresTarget): Resolution {
  const byKey = new Map<string, string[]>([[databaseKey(own), [envName]]]);
  const notCompared: Resolution['notCompared'] = [];
  for (const name of project.environmentNames()) {
    if (name === envName) continue;
    let target: PostgresTarget | undefined;
    try {
      target = resolvePostgresTarget(project.environment(name));
    } catch (error) {
      notCompared.push({ environment: name, reason: error instanceof Error ? error.message : String(error) });
      continue;
    }
    // An environment without a Postgres store has no database to share.
    if (!target) continue;
    const key = databaseKey(target);
    byKey.set(key, [...(byKey.get(key) ?? []), name]);
  }
  const sharing = (byKey.get(databaseKey(own)) ?? []).filter((name) => name !== envName);
  const others = [...byKey.values()].filter((names) => names.length > 1 && !names.includes(envName));
  return { sharing, others, notCompared };
}

export const isolation: Check<PostgresCheckContext> = {
  id: 'provisioning.isolation',
  area: 'provisioning',
  title: 'The database belongs to this environment alone',
  severity: 'fail',
  async run(ctx) {
    const env = ctx.env.name;
    const location = ctx.postgres.location;
    // Comparing targets needs only the config, so a shared database is reported even when the
    // database itself cannot be reached.
    const shared = findSharedDatabases(ctx.project, env, ctx.postgres.target);
    const details: Record<string, unknown> = { location };
    if (shared.others.length > 0) details.otherSharedDatabases = shared.others;
    if (shared.notCompared.length > 0) details.notCompared = shared.notCompared;
    const sharedOutcome: CheckOutcome | undefined =
      shared.sharing.length > 0
        ? {
            status: 'fail',
            summary: `environments ${[env, ...shared.sharing].map((name) => `"${name}"`).join(' and ')} resolve to the same database ${location}`,
            details: { ...details, sharedWith: shared.sharing },
            fix: `give each environment its own database: change the postgres url of ${shared.sharing.length === 1 ? `"${shared.sharing[0]}"` : 'the others'} or of "${env}"`,
          }
        : undefined;

    let marker: Marker | undefined;
    try {
      marker = await readMarker(await ctx.postgres.db());
    } catch (error) {
      if (sharedOutcome && error instanceof StoreUnavailable) return sharedOutcome;
      if ((error as { code?: string }).code === '42501') {
        return {
          status: 'fail',
          summary: `cannot read the isolation marker at ${location}: ${(error as Error).message}`,
          details,
          fix: `re-run \`launchdb attach postgres --env ${env}\`, which grants the app role read access to schema launchdb`,
        };
      }
      throw error;
    }
    if (sharedOutcome) return sharedOutcome;

    if (!marker) {
      return {
        status: 'fail',
        summary: `${location} carries no launchdb marker: it was never attached to "${env}"`,
        details,
        fix: `launchdb attach postgres --env ${env}`,
      };
    }
    details.marker = marker;
    if (marker.project !== ctx.env.project || marker.environment !== env) {
      return {
        status: 'fail',
        summary: `${location} is marked for environment "${marker.environment}" of project "${marker.project}", not "${env}" of "${ctx.env.project}"`,
        details,
        fix: `point "${env}" at its own database and run \`launchdb attach postgres --env ${env}\``,
      };
    }
    const compared = ctx.project.environmentNames().length - 1 - shared.notCompared.length;
    const caveat =
      shared.notCompared.length > 0
        ? ` (not compared: ${shared.notCompared.map((entry) => entry.environment).join(', ')})`
        : '';
    return {
      status: 'pass',
      summary: `marked for "${env}"; shared with none of ${compared} other environment${compared === 1 ? '' : 's'}${caveat}`,
      details,
    };
  },
};
