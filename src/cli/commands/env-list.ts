// `launchdb env list`: every environment × store, probed concurrently; unreachable stores are data, not failure.
import { existsSync } from 'node:fs';
import { dataOwnerOf, type Person } from '../../core/config/people.js';
import type { ExitCode } from '../../core/errors.js';
import { lockHolder } from '../../core/file-lock.js';
import { type Environment, Project } from '../../core/project.js';
import { redactText } from '../../core/redact.js';
import type { Backing, PostgresDatabase } from '../../stores/postgres/database.js';
import { openEmbedded } from '../../stores/postgres/embedded.js';
import { type Marker, readMarker } from '../../stores/postgres/marker.js';
import { useWithin } from '../../stores/postgres/open-within.js';
import { openServer } from '../../stores/postgres/server.js';
import {
  connectTimeoutOf,
  type PostgresTarget,
  resolvePostgresTarget,
} from '../../stores/postgres/target.js';
import { integerFlag, stringFlag } from '../args.js';
import type { Io } from '../io.js';
import { renderTable } from '../render/table.js';
import type { CommandInput } from '../spec.js';

/** How a store answered: reachable, or why not. */
export type StoreStatus =
  | 'reachable'
  | 'unreachable'
  | 'not attached'
  | 'not configured'
  | 'busy'
  | 'timeout';

export interface StoreListing {
  store: 'postgres';
  backing: Backing;
  /** `postgres` for embedded; the database of the URL on a server; null when the URL is unknown. */
  database: string | null;
  /** `host:port` on a server (never a password); the data folder for embedded. */
  host: string | null;
  status: StoreStatus;
  reachable: boolean;
  /** `server_version`, e.g. `15.8` or `18.6` (PGlite). */
  version: string | null;
  /** `pg_size_pretty(pg_database_size(current_database()))`. */
  size: string | null;
  sizeBytes: number | null;
  /** The database carries launchdb's marker. */
  attached: boolean;
  /** What the marker says, which may name another environment. */
  marker: { project: string; environment: string; attachedAt: string } | null;
  /** The port a running `launchdb serve` offers this embedded database on. */
  servedOn?: number;
  error?: string;
  fix?: string;
}

export interface EnvironmentListing {
  environment: string;
  guarded: boolean;
  /** The data owner (`environments.<env>.owner`), null when none is named. */
  owner: Person | null;
  stores: StoreListing[];
}

export interface EnvListDocument {
  project: string;
  environments: EnvironmentListing[];
}

/** Time for the size and marker queries once connected. */
const QUERY_GRACE_MS = 5_000;

/** The store kinds `env list` knows; each lists itself for an environment that declares it. */
const STORES: { name: StoreListing['store']; declared(env: Environment): boolean; list: StoreLister }[] = [
  { name: 'postgres', declared: (env) => env.config.postgres !== undefined, list: listPostgres },
];

type StoreLister = (env: Environment, options: ListOptions) => Promise<StoreListing>;

interface ListOptions {
  connectTimeoutMs: number | undefined;
  /** Passwords met on the way, for the output to mask wherever they appear. */
  secrets: Set<string>;
}

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const project = await Project.load(io.cwd, stringFlag(input, 'config'));
  const document = await listEnvironments(project, {
    connectTimeoutMs: integerFlag(input, 'connect-timeout'),
    secrets: io.secrets,
  });
  if (input.flags.json) io.out(`${JSON.stringify(document, null, 2)}\n`);
  else io.out(renderListing(document, io));
  return 0;
}

/** Probes every declared environment × store at once; a store that cannot answer says why. */
export async function listEnvironments(project: Project, options: ListOptions): Promise<EnvListDocument> {
  const environments = await Promise.all(
    project.environmentNames().map(async (name): Promise<EnvironmentListing> => {
      const env = project.environment(name);
      const stores = STORES.filter((store) => store.declared(env));
      return {
        environment: name,
        guarded: env.guarded,
        owner: dataOwnerOf(project.config, name) ?? null,
        stores: await Promise.all(stores.map((store) => store.list(env, options))),
      };
    }),
  );
  return { project: project.name, environments };
}

const UNKNOWN = {
  reachable: false,
  version: null,
  size: null,
  sizeBytes: null,
  attached: false,
  marker: null,
} as const;

async function listPostgres(env: Environment, options: ListOptions): Promise<StoreListing> {
  let target: PostgresTarget | undefined;
  try {
    target = resolvePostgresTarget(env);
  } catch (error) {
    // Typically an unset env('…') variable: this environment's row says so, the others still list.
    return {
      store: 'postgres',
      backing: env.config.postgres?.url !== undefined ? 'server' : 'embedded',
      database: null,
      host: null,
      status: 'not configured',
      ...UNKNOWN,
      ...problem(error),
    };
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

function problem(error: unknown): { error: string; fix?: string } {
  const message = error instanceof Error ? error.message : String(error);
  const fix = (error as { fix?: unknown }).fix;
  return {
    error: redactText(message.split('\n')[0] ?? message),
    ...(typeof fix === 'string' ? { fix: redactText(fix) } : {}),
  };
}

function passwordOf(url: string): string | undefined {
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}

function renderListing(document: EnvListDocument, io: Io): string {
  const rows: string[][] = [];
  const notes: string[] = [];
  for (const env of document.environments) {
    const name = env.guarded ? `${env.environment} ${io.style('dim', '(guarded)')}` : env.environment;
    const owner = env.owner ? env.owner.id : '-';
    if (env.stores.length === 0) rows.push([name, io.style('dim', '(no stores)')]);
    for (const store of env.stores) {
      rows.push([
        name,
        store.store,
        store.backing,
        store.database ?? '-',
        store.host ?? '-',
        statusCell(store, io),
        store.version?.split(' ')[0] ?? '-',
        store.size ?? '-',
        attachedCell(store, env.environment, document.project),
        owner,
      ]);
      if (store.error) {
        notes.push(`${env.environment} ${store.store}: ${store.error}`);
        if (store.fix) notes.push(`${io.style('dim', '  fix:')} ${store.fix}`);
      }
    }
  }
  const table = renderTable(rows, {
    header: [
      'ENVIRONMENT',
      'STORE',
      'BACKING',
      'DATABASE',
      'HOST',
      'REACHABLE',
      'VERSION',
      'SIZE',
      'ATTACHED',
      'OWNER',
    ].map((title) => io.style('bold', title)),
  });
  const head = `${io.style('bold', 'project')} ${document.project}\n\n`;
  return `${head}${table}\n${notes.length > 0 ? `\n${notes.join('\n')}\n` : ''}`;
}

function statusCell(store: StoreListing, io: Io): string {
  if (store.reachable) {
    const served = store.servedOn !== undefined ? ` (served on :${store.servedOn})` : '';
    return io.style('green', `yes${served}`);
  }
  if (store.status === 'not attached') return io.style('yellow', 'not attached');
  if (store.status === 'unreachable') return io.style('red', 'no');
  return io.style('red', `no (${store.status})`);
}

function attachedCell(store: StoreListing, environment: string, project: string): string {
  if (!store.marker) return store.reachable ? 'no' : '-';
  const { marker } = store;
  const owner = marker.project === project ? marker.environment : `${marker.project}/${marker.environment}`;
  return marker.project === project && marker.environment === environment
    ? `yes (${owner})`
    : `other: ${owner}`;
}
