// The smoke runner's database side on Postgres: read-only readers for the `sql` steps, the run's
// record in launchdb.smoke_runs (written as the owner), and the evidence, clean-up proof and
// wrong-store search in the run's records places.
import { existsSync } from 'node:fs';
import { UsageError } from '../../../core/errors.js';
import type { Environment, Project } from '../../../core/project.js';
import type { SmokeDatabase, SmokeReader } from '../../../smoke/run-smoke.js';
import type { RecordPlace } from '../../../smoke/spec.js';
import { whoIsActing } from '../audit/actor.js';
import { parseConnectionUrl } from '../connection-url.js';
import type { PostgresDatabase } from '../database.js';
import { openMigrationDatabase } from '../migrate/migration-database.js';
import { readOnly } from '../read-only.js';
import { openServer } from '../server.js';
import { connectTimeoutOf, resolvePostgresTarget } from '../target.js';
import { findRunElsewhere, findRunRows } from './find-run.js';
import { databaseEvidence } from './record-evidence.js';
import { withRunLock } from './run-lock.js';
import { markRunStart, type RunMarker } from './run-start.js';
import { finishSmokeRun, startSmokeRun } from './smoke-runs.js';
import { sweepUnfinishedRuns } from './sweep.js';

export interface SmokeDatabaseOptions {
  project: Project;
  env: Environment;
  places: RecordPlace[];
  specFile: string;
  specChecksum: string;
  connectTimeoutMs?: number;
}

/** Opens the environment as its owner (refusing a database not attached to it); `close` ends every connection. */
export async function openSmokeDatabase(
  options: SmokeDatabaseOptions,
): Promise<
  SmokeDatabase & { holdRun<T>(runId: string, fn: () => Promise<T>): Promise<T>; close(): Promise<void> }
> {
  const { project, env, places } = options;
  const connectTimeoutMs = connectTimeoutOf(env, options.connectTimeoutMs);
  const owner = await openMigrationDatabase(env, { command: 'smoke', connectTimeoutMs, max: 3 });
  const opened: PostgresDatabase[] = [owner.db];
  const readers = new Map<string, Promise<SmokeReader>>();
  let marker: RunMarker | undefined;

  const readerOf = async (environment: Environment): Promise<SmokeReader> => {
    const target = resolvePostgresTarget(environment);
    if (!target)
      throw new UsageError(`a sql step names environment ${environment.name}, which has no Postgres store`, {
        fix: `attach one (launchdb attach postgres --env ${environment.name}) or name another environment in the step`,
      });
    const { name } = environment;
    const underTest = name === env.name;
    if (target.backing === 'embedded') {
      if (!underTest && !existsSync(target.dataDir))
        throw new UsageError(`a sql step names environment ${name}, which is not attached`, {
          fix: `attach it (launchdb attach postgres --env ${name}) or name another environment in the step`,
        });
      if (!underTest)
        throw new UsageError(
          `a sql step names environment ${name}, which is embedded: only the environment under test can be read embedded`,
          { fix: 'smoke-test that environment on its own, or attach it to a server' },
        );
      return { db: readOnly(owner.db), psql: undefined, where: `${name} (${target.location})` };
    }
    const where = `${name} (${target.host}:${target.port}/${target.database})`;
    const url = target.readonlyUrl ?? target.url;
    // The environment under test reached with the owner's own URL (a URL in the config): its connection serves.
    const db =
      underTest && url === target.migrationUrl
        ? owner.db
        : await openServer(url, { connectTimeoutMs, max: 1, applicationName: 'launchdb smoke' });
    if (db !== owner.db) opened.push(db);
    // The read-only role cannot write; any other role is held to read-only transactions.
    return { db: target.readonlyUrl ? db : readOnly(db), psql: psqlLine(url), where };
  };
  const reader = (name: string | undefined): Promise<SmokeReader> => {
    const key = name ?? env.name;
    let found = readers.get(key);
    if (!found) {
      found = (async () => {
        const environment = key === env.name ? env : project.environment(key);
        return readerOf(environment);
      })();
      readers.set(key, found);
    }
    return found;
  };
  const appRole = () => {
    const target = owner.target;
    return target.backing === 'server' ? parseConnectionUrl(target.url).user : undefined;
  };

  return {
    // The run's lock, held on a connection of its own for the whole run: alive, it is never swept.
    // An embedded database has one session (served, its clients share it): no lock can tell runs apart.
    holdRun: (runId, fn) => (owner.db.backing === 'server' ? withRunLock(owner.db, runId, fn) : fn()),
    reader,
    async begin(run) {
      const swept = await sweepUnfinishedRuns(owner.db, run.id);
      await startSmokeRun(owner.db, {
        id: run.id,
        environment: env.name,
        specFile: options.specFile,
        specChecksum: options.specChecksum,
        records: places,
        keepsRows: run.keepsRows,
        startedBy: whoIsActing(env.root, env.vars).id,
      });
      const role = appRole();
      marker = await markRunStart((await reader(undefined)).db, places, role ? { appRole: role } : {});
      return { swept };
    },
    async evidence(runId) {
      if (!marker) throw new Error('evidence asked for before the run began');
      return databaseEvidence((await reader(undefined)).db, marker, places, runId);
    },
    async findRows(runId) {
      return findRunRows((await reader(undefined)).db, places, runId);
    },
    findElsewhere(runId) {
      return findRunElsewhere(project, env.name, places, runId, { connectTimeoutMs });
    },
    async finish(run) {
      await finishSmokeRun(owner.db, run.id, {
        status: run.status,
        steps: run.steps,
        cleaned: run.cleaned,
        ...(run.note ? { note: run.note } : {}),
      });
    },
    async close() {
      await Promise.all(opened.map((db) => db.close().catch(() => {})));
    },
  };
}

/** `psql 'postgresql://user@host:port/db'`: the URL without its password (psql asks, or reads ~/.pgpass). */
function psqlLine(url: string): string {
  const info = parseConnectionUrl(url);
  const user = info.user ? `${encodeURIComponent(info.user)}@` : '';
  return `psql 'postgresql://${user}${info.host}:${info.port}/${info.database}'`;
}
