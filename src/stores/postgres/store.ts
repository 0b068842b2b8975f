// Postgres as a store kind: attach (embedded, a URL, or provisioned), its `env list` row, its checks.
import { UsageError } from '../../core/errors.js';
import type { StoreKind } from '../store-kind.js';
import { type AttachPlan, attachPostgres, planAttach } from './attach.js';
import type { PostgresCheckContext } from './checks/context.js';
import { postgresChecks } from './checks/index.js';
import { listPostgres } from './list.js';
import { PostgresSession } from './session.js';
import { connectTimeoutOf, resolvePostgresTarget } from './target.js';

const HOW = { embedded: 'embedded Postgres', url: 'Postgres server', provision: 'provision on server' };

export const postgresStore: StoreKind<PostgresCheckContext, PostgresSession, AttachPlan & { how: string }> = {
  name: 'postgres',
  declared: (env) => env.config.postgres !== undefined,
  planAttach(env, flags) {
    const plan = planAttach(env, flags);
    return { ...plan, how: HOW[plan.mode] };
  },
  attach: attachPostgres,
  list: listPostgres,
  openSession(env, options) {
    const target = resolvePostgresTarget(env);
    if (!target) throw new UsageError(`environment ${env.name} declares no postgres store`);
    return new PostgresSession(env, target, {
      connectTimeoutMs: connectTimeoutOf(env, options.connectTimeoutMs),
      command: options.command,
    });
  },
  checks: postgresChecks,
  reachableCheck: 'provisioning.reachable',
};
