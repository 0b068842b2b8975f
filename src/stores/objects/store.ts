// Object storage as a store kind: a folder under `.launchdb/<env>/objects`, or an S3-compatible
// bucket (and prefix); its attach, its `env list` row, its session and checks.
import { UsageError } from '../../core/errors.js';
import type { StoreKind } from '../store-kind.js';
import { attachObjects, type ObjectsAttachPlan, planAttachObjects } from './attach.js';
import type { ObjectsCheckContext } from './checks/context.js';
import { objectsChecks } from './checks/index.js';
import { listObjects } from './list.js';
import { ObjectsSession } from './session.js';
import { resolveObjectsTarget } from './target.js';

export const objectsStore: StoreKind<ObjectsCheckContext, ObjectsSession, ObjectsAttachPlan> = {
  name: 'objects',
  declared: (env) => env.config.objects !== undefined,
  planAttach: planAttachObjects,
  attach: attachObjects,
  list: listObjects,
  openSession(env, options) {
    const target = resolveObjectsTarget(env);
    if (!target) throw new UsageError(`environment ${env.name} declares no objects store`);
    return new ObjectsSession(env, target, {
      ...(options.connectTimeoutMs !== undefined ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
    });
  },
  checks: objectsChecks,
  reachableCheck: 'objects.reachable',
};
