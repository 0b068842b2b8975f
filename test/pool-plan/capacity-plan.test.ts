// The capacity plan's arithmetic on several shapes of server and processes: a pure function, no database.
import { describe, expect, it } from 'vitest';
import {
  type CapacityInput,
  HEADROOM,
  POOL_SIZES,
  planCapacity,
} from '../../src/stores/postgres/pool-plan/capacity-plan.js';

const server = (overrides: Partial<CapacityInput> = {}): CapacityInput => ({
  maxConnections: 100,
  superuserReserved: 3,
  reserved: 0,
  pooler: 'none',
  ...overrides,
});

const sizes = (plan: ReturnType<typeof planCapacity>) =>
  Object.fromEntries(plan.kinds.map((kind) => [kind.kind, kind.poolMax]));

describe('the capacity plan', () => {
  it('keeps 11 connections of headroom: checks 4, migrations 2, backups 2, admins 3', () => {
    expect(HEADROOM).toEqual({ checks: 4, migrations: 2, backups: 2, admins: 3 });
  });

  it('gives one web process a pool of 10 on a small server of 100 connections when nothing is declared', () => {
    const plan = planCapacity(server());
    expect(plan).toMatchObject({
      pooler: 'none',
      usable: 97,
      appBudget: 86,
      appConnections: 10,
      roleLimits: { app: 14, owner: 4, readonly: 3 },
      spare: 76,
      fits: true,
    });
    expect(plan.kinds).toEqual([
      {
        kind: 'web',
        instances: 1,
        background: false,
        poolMax: 10,
        connections: 10,
        env: { LAUNCHDB_PROCESS_KIND: 'web', LAUNCHDB_POOL_MAX: '10' },
      },
    ]);
    expect(plan.problem).toBeUndefined();
    expect(plan.recommendation).toBeUndefined();
  });

  it('sizes 3 web, 2 worker and a cron with web first and background kinds at half', () => {
    const plan = planCapacity(server({ processes: { worker: 2, cron: 1, web: 3 } }));
    expect(plan.kinds.map((kind) => [kind.kind, kind.instances, kind.poolMax, kind.connections])).toEqual([
      ['web', 3, 10, 30],
      ['worker', 2, 5, 10],
      ['cron', 1, 5, 5],
    ]);
    expect(plan.kinds.map((kind) => kind.background)).toEqual([false, true, true]);
    expect(plan).toMatchObject({ appConnections: 45, roleLimits: { app: 49 }, spare: 41, fits: true });
    expect(plan.kinds[1]!.env).toEqual({ LAUNCHDB_PROCESS_KIND: 'worker', LAUNCHDB_POOL_MAX: '5' });
  });

  it('shrinks background pools first, down to 2, before it shrinks web', () => {
    const processes = { web: 3, worker: 2, cron: 1 };
    // 47 usable, 36 for the app: web 10 × 3 leaves 6 for three background instances.
    const tight = planCapacity(server({ maxConnections: 50, processes }));
    expect(sizes(tight)).toEqual({ web: 10, worker: 2, cron: 2 });
    expect(tight).toMatchObject({ appConnections: 36, spare: 0, fits: true });
    // 37 usable, 26 for the app: background stays at 2, web gives way to 6.
    const tighter = planCapacity(server({ maxConnections: 40, processes }));
    expect(sizes(tighter)).toEqual({ web: 6, worker: 2, cron: 2 });
    expect(tighter).toMatchObject({ appConnections: 24, spare: 2, fits: true });
  });

  it('says it does not fit when 20 web instances need 2 each beyond what is usable, and recommends PgBouncer', () => {
    const plan = planCapacity(server({ maxConnections: 50, processes: { web: 20 } }));
    expect(plan.fits).toBe(false);
    expect(sizes(plan)).toEqual({ web: POOL_SIZES.least });
    expect(plan.appConnections).toBe(40);
    expect(plan.spare).toBe(-4);
    expect(plan.problem).toBe(
      "the app's 20 process instances need at least 40 connections (2 each), but 36 are left for them: 47 usable of max_connections 50, less 11 kept for launchdb's checks, migrations, backups and admins",
    );
    const advice = plan.recommendation!;
    expect(advice).toMatchObject({
      pooler: 'pgbouncer',
      fits: true,
      appConnections: 20,
      pgbouncer: { clientConnections: 200, serverPool: 20, maxClientConn: 400 },
      roleLimits: { app: 24 },
    });
    expect(advice.kinds[0]!.env).toEqual({
      LAUNCHDB_PROCESS_KIND: 'web',
      LAUNCHDB_POOL_MAX: '10',
      LAUNCHDB_POOLER: 'pgbouncer',
    });
  });

  it('behind PgBouncer, sizes the server pool and the client connections apart', () => {
    const plan = planCapacity(server({ pooler: 'pgbouncer', processes: { web: 3, worker: 2 } }));
    expect(sizes(plan)).toEqual({ web: 10, worker: 5 });
    expect(plan).toMatchObject({
      fits: true,
      pgbouncer: { clientConnections: 40, serverPool: 20, maxClientConn: 80 },
      appConnections: 20,
      roleLimits: { app: 24, owner: 4, readonly: 3 },
      spare: 66,
    });
    // A server pool larger than what the clients can use is never planned.
    const small = planCapacity(server({ pooler: 'pgbouncer' }));
    expect(small.pgbouncer).toEqual({ clientConnections: 10, serverPool: 10, maxClientConn: 20 });
    // Nor one larger than the server's budget for the app.
    const tiny = planCapacity(server({ maxConnections: 25, pooler: 'pgbouncer', processes: { web: 4 } }));
    expect(tiny.pgbouncer).toMatchObject({ clientConnections: 40, serverPool: 11 });
  });

  it('does not fit even PgBouncer on a server with almost no connections', () => {
    const plan = planCapacity(server({ maxConnections: 15, pooler: 'pgbouncer' }));
    expect(plan.fits).toBe(false);
    expect(plan.problem).toContain(
      'PgBouncer needs at least 2 server connections for the app, but 1 is left',
    );
    const direct = planCapacity(server({ maxConnections: 15 }));
    expect(direct.fits).toBe(false);
    expect(direct.recommendation?.fits).toBe(false);
  });

  it("takes Postgres 16's reserved_connections off the usable connections", () => {
    const plan = planCapacity(server({ reserved: 5 }));
    expect(plan).toMatchObject({ usable: 92, appBudget: 81, spare: 71 });
    const tight = planCapacity(server({ maxConnections: 50, reserved: 5, processes: { web: 3, worker: 2 } }));
    // 42 usable, 31 for the app: 30 for web leaves too little for two workers at 2, so web gives way.
    expect(sizes(tight)).toEqual({ web: 9, worker: 2 });
  });

  it('counts a kind with no instances as no connections', () => {
    const plan = planCapacity(server({ processes: { web: 2, worker: 0 } }));
    expect(plan.kinds.map((kind) => [kind.kind, kind.connections])).toEqual([
      ['web', 20],
      ['worker', 0],
    ]);
    expect(plan.appConnections).toBe(20);
  });

  it('keeps its rules on every shape: within the server, within the caps, never below 2, web first', () => {
    for (const maxConnections of [15, 20, 30, 50, 100, 500]) {
      for (const web of [0, 1, 4, 25]) {
        for (const worker of [0, 1, 3, 12]) {
          for (const pooler of ['none', 'pgbouncer'] as const) {
            const plan = planCapacity(server({ maxConnections, pooler, processes: { web, worker } }));
            const [webPool, workerPool] = plan.kinds.map((kind) => kind.poolMax) as [number, number];
            expect(webPool).toBeGreaterThanOrEqual(2);
            expect(webPool).toBeLessThanOrEqual(10);
            expect(workerPool).toBeGreaterThanOrEqual(2);
            expect(workerPool).toBeLessThanOrEqual(Math.min(5, webPool));
            const used = plan.appConnections + Object.values(HEADROOM).reduce((a, b) => a + b, 0);
            expect(plan.spare).toBe(plan.usable - used);
            if (plan.fits) expect(used).toBeLessThanOrEqual(plan.usable);
            if (plan.fits && pooler === 'pgbouncer') expect(plan.appConnections).toBeLessThanOrEqual(20);
          }
        }
      }
    }
  });
});
