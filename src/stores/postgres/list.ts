// `env list`'s row for Postgres: version, size and the marker, embedded or on a server.
import { existsSync } from 'node:fs';
import { lockHolder } from '../../core/file-lock.js';
import type { Environment } from '../../core/project.js';
import { passwordOf } from '../../core/redact.js';
import { type ListOptions, notConfigured, problem, type StoreListing, UNKNOWN } from '../store-listing.js';
import type { PostgresDatabase } from './database.js';
import { openEmbedded } from './embedded.js';
import { type Marker, readMarker } from './marker.js';
import { useWithin } from './open-within.js';
import { openServer } from './server.js';
import { connectTimeoutOf, type PostgresTarget, resolvePostgresTarget } from './target.js';

/** Time for the size and marker queries once connected. */
const QUERY_GRACE_MS = 5_000;

export async function listPostgres(env: Environment, options: ListOptions): Promise<StoreListing> {
  let target: PostgresTarget | undefined;
  try {
    target = resolvePostgresTarget(env);
  } catch (error) {
    const backing = env.config.postgres?.url !== undefined ? 'server' : 'embedded';
    return notConfigured({ store: 'postgres', backing }, error);
  }
  const timeoutMs = connectTimeoutOf(env, options.connectTimeoutMs);
  if (!target) throw new Error(`environment ${env.name} declares postgres but resolves no target`);

  if (target.backing === 'embedded') {
    const base = {
      store: 'postgres',
      backing: 'embedded',
      database: 'postgres',
      host: target.location,
    } as const;
    // Opening would create it: a folder that is not there is an environment never attached.
    if (!existsSync(target.dataDir)) {
      return {
        ...base,
        status: 'not attached',
        ...UNKNOWN,
        fix: `run \`launchdb attach postgres --env ${env.name}\``,
      };
    }
    const servedOn = lockHolder(`${target.dataDir}.lock`)?.port;
    const dataDir = target.dataDir;
    const listing = await probe(
      () => openEmbedded(dataDir, { root: env.root, command: 'env list', lockWaitMs: timeoutMs }),
      timeoutMs,
    );
    return { ...base, ...listing, ...(servedOn !== undefined ? { servedOn } : {}) };
  }

  const password = passwordOf(target.url);
  if (password) options.secrets.add(password);
  const url = target.url;
  const listing = await probe(() => openServer(url, { connectTimeoutMs: timeoutMs, max: 1 }), timeoutMs);
  return {
    store: 'postgres',
    backing: 'server',
    database: target.database,
    host: `${target.host}:${target.port}`,
    ...listing,
  };
}

type Probed = Omit<StoreListing, 'store' | 'backing' | 'database' | 'host'>;

/** Opens, asks version, size and marker, closes; gives up after the connect timeout plus a grace. */
async function probe(open: () => Promise<PostgresDatabase>, timeoutMs: number): Promise<Probed> {
  const facts = async (db: PostgresDatabase) => {
    const { rows } = await db.query<{ version: string; bytes: string | number; size: string }>(
      `select current_setting('server_version') as version,
              pg_database_size(current_database()) as bytes,
              pg_size_pretty(pg_database_size(current_database())) as size`,
    );
    const marker = await readMarker(db);
    return { row: rows[0], marker };
  };
  try {
    const answer = await useWithin(open, facts, timeoutMs + QUERY_GRACE_MS);
    if (answer === 'timeout') {
      return {
        status: 'timeout',
        ...UNKNOWN,
        error: `no answer within ${Math.round((timeoutMs + QUERY_GRACE_MS) / 1000)} s`,
        fix: 'check the database, or raise --connect-timeout',
      };
    }
    return {
      status: 'reachable',
      reachable: true,
      version: answer.row?.version ?? null,
      size: answer.row?.size ?? null,
      sizeBytes: answer.row ? Number(answer.row.bytes) : null,
      attached: answer.marker !== undefined,
      marker: markerOf(answer.marker),
    };
  } catch (error) {
    // Held by another launchdb process past the wait: busy, not down.
    const busy = error instanceof Error && / is in use by another launchdb process/.test(error.message);
    return { status: busy ? 'busy' : 'unreachable', ...UNKNOWN, ...problem(error) };
  }
}

function markerOf(marker: Marker | undefined): StoreListing['marker'] {
  return marker
    ? { project: marker.project, environment: marker.environment, attachedAt: marker.attachedAt }
    : null;
}
