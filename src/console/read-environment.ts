// How the console looks into an environment's database: as its read-only role, or else the app's
// held to read-only transactions, never the owner. Opened for one read and closed after, so an
// embedded database is not kept from the CLI (and the scheduler's jobs) between page views.
import { existsSync } from 'node:fs';
import type { Environment } from '../core/project.js';
import type { Queryable } from '../stores/postgres/database.js';
import { openEmbedded } from '../stores/postgres/embedded.js';
import { readOnly } from '../stores/postgres/read-only.js';
import { openServer } from '../stores/postgres/server.js';
import { connectTimeoutOf, resolvePostgresTarget } from '../stores/postgres/target.js';

/** What a page can read of an environment, or in one line why it cannot. */
export type EnvironmentRead<T> =
  | { ok: true; value: T; where: string; backing: 'embedded' | 'server' }
  | { ok: false; reason: string };

/** An embedded database another process holds is reported, not waited on for long. */
const EMBEDDED_LOCK_WAIT_MS = 1_000;
/** A page does not wait the CLI's 10 s for a server that is down. */
const CONNECT_TIMEOUT_MS = 3_000;

export async function readEnvironment<T>(
  env: Environment,
  read: (db: Queryable, backing: 'embedded' | 'server') => Promise<T>,
): Promise<EnvironmentRead<T>> {
  let target: ReturnType<typeof resolvePostgresTarget>;
  try {
    target = resolvePostgresTarget(env);
  } catch (error) {
    return { ok: false, reason: messageOf(error) };
  }
  if (!target) {
    return {
      ok: false,
      reason: `${env.name} has no Postgres store: launchdb attach postgres --env ${env.name}`,
    };
  }
  if (target.backing === 'embedded' && !existsSync(target.dataDir)) {
    return {
      ok: false,
      reason: `${env.name} is not attached yet: launchdb attach postgres --env ${env.name}`,
    };
  }
  try {
    const db =
      target.backing === 'embedded'
        ? await openEmbedded(target.dataDir, {
            root: env.root,
            command: 'console',
            lockWaitMs: EMBEDDED_LOCK_WAIT_MS,
          })
        : await openServer(target.readonlyUrl ?? target.url, {
            max: 1,
            applicationName: 'launchdb console',
            connectTimeoutMs: Math.min(connectTimeoutOf(env), CONNECT_TIMEOUT_MS),
          });
    try {
      // The read-only role cannot write; any other role is held to read-only transactions.
      const reader = target.backing === 'server' && target.readonlyUrl ? db : readOnly(db);
      return {
        ok: true,
        value: await read(reader, target.backing),
        where: db.location,
        backing: target.backing,
      };
    } finally {
      await db.close();
    }
  } catch (error) {
    return { ok: false, reason: messageOf(error) };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
