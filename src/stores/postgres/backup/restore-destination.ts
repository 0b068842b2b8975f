// Where a restore goes, judged by the database and not by how it was spelled. A URL that reaches one of
// the project's environments — by the marker in the database, or by the address the environment is
// configured with — is that environment, with its guard. Any other database is named and weighed:
// the server's own databases, and every database launchdb did not create, need their name confirmed.
import { UsageError } from '../../../core/errors.js';
import type { Environment, Project } from '../../../core/project.js';
import { isLoopback, parseConnectionUrl } from '../connection-url.js';
import { type Marker, readMarker } from '../marker.js';
import { openServer } from '../server.js';
import { databaseNameOf, resolveAdminUrl, resolvePostgresTarget } from '../target.js';
import { userContents } from './restore-backup.js';

/** Databases every server has, which a restore must never replace by accident. */
const SERVER_DATABASES = new Set(['postgres', 'template0', 'template1']);

export type RestoreDestination =
  | {
      kind: 'environment';
      env: Environment;
      /**
       * The URL it was named by, when it was. `address`: the URL reaches the database the environment
       * is configured with. `marker`: a database elsewhere marked as the environment's, restored there.
       */
      byUrl?: { url: string; recognisedBy: 'marker' | 'address' };
    }
  | {
      kind: 'database';
      url: string;
      /** The database the URL names, explicitly. */
      database: string;
      /** Why its name must be confirmed, in words: "the server's maintenance database". */
      whose: string;
      /** Relations it holds outside launchdb's schema (up to 50 counted). */
      relations: number;
    };

/** `--to` as an environment name or a postgres:// URL, resolved to what it really is. */
export async function resolveRestoreDestination(
  project: Project,
  to: string,
  options: { connectTimeoutMs?: number } = {},
): Promise<RestoreDestination> {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(to)) return { kind: 'environment', env: project.environment(to) };
  const database = explicitDatabase(to);
  const db = await openServer(to, {
    max: 1,
    applicationName: 'launchdb restore',
    ...(options.connectTimeoutMs ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
  });
  let marker: Marker | undefined;
  let markerUnreadable = false;
  let relations: number;
  try {
    marker = await readMarker(db).catch(() => {
      markerUnreadable = true;
      return undefined;
    });
    relations = (await userContents(db)).length;
  } finally {
    await db.close();
  }

  const byAddress = environmentsAt(project, to);
  const byMarker =
    marker?.project === project.name && project.environmentNames().includes(marker.environment)
      ? project.environment(marker.environment)
      : undefined;
  if (byMarker && byAddress.length > 0 && !byAddress.some((env) => env.name === byMarker.name)) {
    throw new UsageError(
      `--to reaches the database environment ${byAddress[0]!.name} is configured with, but that database is marked as environment ${byMarker.name}'s; nothing was changed`,
      { fix: 'check both environments’ URLs: environments must not share a database' },
    );
  }
  // The environment's own database, at the address it is configured with; or a database elsewhere
  // that is marked as the environment's (a copy, say), restored where the URL points.
  const atAddress = byAddress[0];
  if (atAddress) return { kind: 'environment', env: atAddress, byUrl: { url: to, recognisedBy: 'address' } };
  if (byMarker) return { kind: 'environment', env: byMarker, byUrl: { url: to, recognisedBy: 'marker' } };
  const owner = whose(project.name, database, marker, markerUnreadable);
  return { kind: 'database', url: to, database, whose: owner, relations };
}

/**
 * The database a URL names in its path (or `?dbname=`). libpq and node-postgres fall back to the
 * user's name when there is none, which would make `…:5432/` mean the server's `postgres` database:
 * a restore target must say which database it replaces.
 */
function explicitDatabase(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError('--to is not a valid URL', {
      fix: 'give postgresql://USER@HOST:PORT/DATABASE; a password with @ : / or # must be percent-encoded',
    });
  }
  if (!/^postgres(ql)?:$/.test(parsed.protocol)) {
    throw new UsageError(`--to is a ${parsed.protocol}// URL; a backup restores into Postgres`, {
      fix: 'give a postgresql:// URL, or an environment name',
    });
  }
  const name = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || parsed.searchParams.get('dbname');
  if (!name) {
    throw new UsageError('--to names no database: a restore target URL must name the database it replaces', {
      fix: 'add /DATABASE to the URL, e.g. postgresql://user@host:5432/shop_scratch',
    });
  }
  return name;
}

/** The project's environments configured at the database the URL names (the same server and name). */
function environmentsAt(project: Project, url: string): Environment[] {
  const wanted = parseConnectionUrl(url);
  const found: Environment[] = [];
  for (const name of project.environmentNames()) {
    const env = project.environment(name);
    for (const address of addressesOf(env)) {
      const sameHost = address.host === wanted.host || (isLoopback(address.host) && isLoopback(wanted.host));
      if (sameHost && address.port === wanted.port && address.database === wanted.database) {
        found.push(env);
        break;
      }
    }
  }
  return found;
}

/** Where an environment's database is on a server: its URL, and where provisioning puts it. */
function addressesOf(env: Environment): { host: string; port: number; database: string }[] {
  const addresses: { host: string; port: number; database: string }[] = [];
  try {
    const target = resolvePostgresTarget(env);
    if (target?.backing === 'server') addresses.push(target);
  } catch {
    // A variable this environment needs is unset here: it has no address to compare.
  }
  try {
    const adminUrl = resolveAdminUrl(env);
    if (adminUrl) addresses.push({ ...parseConnectionUrl(adminUrl), database: databaseNameOf(env) });
  } catch {
    // As above.
  }
  return addresses;
}

function whose(project: string, database: string, marker: Marker | undefined, unreadable: boolean): string {
  if (SERVER_DATABASES.has(database)) return `database ${database}, one of the server's own`;
  if (marker?.project === project) {
    return `database ${database}, marked as environment ${marker.environment}, which the config does not declare`;
  }
  if (marker) {
    return `database ${database}, environment ${marker.environment} of another project (${marker.project})`;
  }
  if (unreadable) return `database ${database}, whose owner launchdb cannot read`;
  return `database ${database}, which launchdb did not create`;
}
