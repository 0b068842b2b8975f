// The capacity plan: from the server's connection slots and the app's processes, each kind's pool size and the roles' limits.
import { POOL_ENV } from '../../../pool/options.js';

/** Connections kept off the app's budget, each for whoever needs it besides the app's processes. */
export const HEADROOM = {
  /** `launchdb check` logs in as the app role and runs up to 4 checks at once. */
  checks: 4,
  /** `launchdb migrate` opens 2 as the owner role. */
  migrations: 2,
  /** A backup or a restore drill reading as the owner role. */
  backups: 2,
  /** People with psql or a console, on the read-only role. */
  admins: 3,
} as const;

/** Per-instance pool sizes: conservative caps, background kinds half of web's, never below 2. */
export const POOL_SIZES = { web: 10, background: 5, least: 2 } as const;

/** PgBouncer's own default `default_pool_size`: a few dozen busy connections serve most apps. */
export const PGBOUNCER_SERVER_POOL = 20;

/** Above this many connections, PgBouncer needs a higher open-files limit than the usual 1024 (one each). */
export const PGBOUNCER_FILE_LIMIT = 1000;

export const DEFAULT_PROCESSES: Readonly<Record<string, number>> = { web: 1 };

export type Pooler = 'none' | 'pgbouncer';

export interface CapacityInput {
  maxConnections: number;
  superuserReserved: number;
  /** `reserved_connections` (Postgres 16+), for members of pg_use_reserved_connections; 0 before 16. */
  reserved: number;
  /** The app's process kinds and their instances (`connections.processes`). Default `{ web: 1 }`. */
  processes?: Record<string, number>;
  /** A pooler in front of the database (`connections.pooler`). */
  pooler: Pooler;
}

export interface KindPlan {
  kind: string;
  instances: number;
  /** Every kind but `web` is background work, sized smaller so it cannot starve user traffic. */
  background: boolean;
  /** The `max` of each instance's pool. */
  poolMax: number;
  /** instances × poolMax: what this kind opens, to the server or to PgBouncer. */
  connections: number;
  /** The environment variables `launchdb/pool` reads, to set on each instance of this kind. */
  env: Record<string, string>;
}

export interface PgBouncerSizing {
  /** Server connections PgBouncer keeps for the app (`default_pool_size`, also `max_db_connections`). */
  serverPool: number;
  /** What the app's pools open to PgBouncer at most. */
  clientConnections: number;
  /** `max_client_conn`: twice the clients, so a rolling deploy's old and new instances both get in. */
  maxClientConn: number;
}

export interface RoleLimits {
  /** The app's server connections plus launchdb's checks. */
  app: number;
  /** Migrations and backups. */
  owner: number;
  /** People reading with psql or a console. */
  readonly: number;
}

export interface CapacityPlan {
  pooler: Pooler;
  maxConnections: number;
  superuserReserved: number;
  reserved: number;
  /** What non-superusers may open: max_connections less the reserved slots. */
  usable: number;
  headroom: typeof HEADROOM;
  /** usable less the headroom: the most the app's processes may hold on the server. */
  appBudget: number;
  kinds: KindPlan[];
  /** The server connections the app's processes hold at most: their pools, or PgBouncer's server pool. */
  appConnections: number;
  pgbouncer?: PgBouncerSizing;
  roleLimits: RoleLimits;
  /** Usable connections nobody is planned to use; negative when it does not fit. */
  spare: number;
  fits: boolean;
  /** Why it does not fit, as one sentence. */
  problem?: string;
  /** When the processes cannot fit with direct connections: the same processes behind PgBouncer. */
  recommendation?: CapacityPlan;
}

interface Sizes {
  web: number;
  background: number;
}

/*
 * Direct connections: the largest sizes that fit the app's budget, tried in this order: web at 10
 * with background kinds shrinking from 5 to 2, then web shrinking from 9 to 2. Background work
 * gives way first, and user traffic keeps the larger share.
 */
const DIRECT_SIZES: Sizes[] = [
  ...range(POOL_SIZES.background, POOL_SIZES.least).map((background) => ({
    web: POOL_SIZES.web,
    background,
  })),
  ...range(POOL_SIZES.web - 1, POOL_SIZES.least).map((web) => ({ web, background: POOL_SIZES.least })),
];
const LEAST: Sizes = { web: POOL_SIZES.least, background: POOL_SIZES.least };
/** Behind PgBouncer the app's pools cost client connections, not server ones: the caps apply. */
const CAPPED: Sizes = { web: POOL_SIZES.web, background: POOL_SIZES.background };

const HEADROOM_TOTAL = Object.values(HEADROOM).reduce((sum, n) => sum + n, 0);

/** The plan for one server and one set of processes; a pure function of its input. */
export function planCapacity(input: CapacityInput): CapacityPlan {
  const usable = input.maxConnections - input.superuserReserved - input.reserved;
  const appBudget = usable - HEADROOM_TOTAL;
  const processes = declaredProcesses(input.processes);
  const server = {
    maxConnections: input.maxConnections,
    superuserReserved: input.superuserReserved,
    reserved: input.reserved,
    usable,
    headroom: HEADROOM,
    appBudget,
  };
  const describeBudget = `${Math.max(0, appBudget)} ${appBudget === 1 ? 'is' : 'are'} left for them: ${usable} usable of max_connections ${input.maxConnections}, less ${HEADROOM_TOTAL} kept for launchdb's checks, migrations, backups and admins`;

  if (input.pooler === 'pgbouncer') {
    const kinds = sizeKinds(processes, CAPPED, 'pgbouncer');
    const clientConnections = total(kinds);
    const serverPool = Math.max(
      0,
      Math.min(PGBOUNCER_SERVER_POOL, appBudget, Math.max(clientConnections, POOL_SIZES.least)),
    );
    const fits = serverPool >= POOL_SIZES.least;
    return {
      pooler: 'pgbouncer',
      ...server,
      kinds,
      appConnections: serverPool,
      pgbouncer: { serverPool, clientConnections, maxClientConn: Math.max(2 * clientConnections, 10) },
      roleLimits: roleLimits(serverPool),
      spare: appBudget - serverPool,
      fits,
      ...(fits
        ? {}
        : {
            problem: `PgBouncer needs at least ${POOL_SIZES.least} server connections for the app, but ${describeBudget}; raise max_connections`,
          }),
    };
  }

  const sizes = DIRECT_SIZES.find((candidate) => total(sizeKinds(processes, candidate, 'none')) <= appBudget);
  const kinds = sizeKinds(processes, sizes ?? LEAST, 'none');
  const appConnections = total(kinds);
  const plan: CapacityPlan = {
    pooler: 'none',
    ...server,
    kinds,
    appConnections,
    roleLimits: roleLimits(appConnections),
    spare: appBudget - appConnections,
    fits: sizes !== undefined,
  };
  if (sizes) return plan;
  const instances = kinds.reduce((sum, kind) => sum + kind.instances, 0);
  return {
    ...plan,
    problem: `the app's ${instances} process instance${instances === 1 ? '' : 's'} need at least ${appConnections} connections (${POOL_SIZES.least} each), but ${describeBudget}`,
    recommendation: planCapacity({ ...input, pooler: 'pgbouncer' }),
  };
}

/** `connections.processes`, or one web process when none is declared; web first, then as declared. */
function declaredProcesses(processes: Record<string, number> | undefined): [string, number][] {
  const entries = Object.entries(processes ?? {});
  const declared = entries.length > 0 ? entries : Object.entries(DEFAULT_PROCESSES);
  return [...declared.filter(([kind]) => kind === 'web'), ...declared.filter(([kind]) => kind !== 'web')];
}

function sizeKinds(processes: [string, number][], sizes: Sizes, pooler: Pooler): KindPlan[] {
  return processes.map(([kind, instances]) => {
    const background = kind !== 'web';
    const poolMax = background ? sizes.background : sizes.web;
    return {
      kind,
      instances,
      background,
      poolMax,
      connections: instances * poolMax,
      env: {
        [POOL_ENV.kind]: kind,
        [POOL_ENV.max]: String(poolMax),
        ...(pooler === 'pgbouncer' ? { [POOL_ENV.pooler]: 'pgbouncer' } : {}),
      },
    };
  });
}

function roleLimits(appConnections: number): RoleLimits {
  return {
    app: appConnections + HEADROOM.checks,
    owner: HEADROOM.migrations + HEADROOM.backups,
    readonly: HEADROOM.admins,
  };
}

const total = (kinds: KindPlan[]) => kinds.reduce((sum, kind) => sum + kind.connections, 0);

/** from, from − 1, …, to. */
function range(from: number, to: number): number[] {
  return Array.from({ length: from - to + 1 }, (_, i) => from - i);
}
