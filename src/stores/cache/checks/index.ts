// The cache checks, in report order: reachable first, as the CLI's exit code depends on it.
import type { Check } from '../../../core/checks/check.js';
import { auth } from './auth.js';
import type { CacheCheckContext } from './context.js';
import { evictionPolicy } from './eviction-policy.js';
import { isolation } from './isolation.js';
import { memory } from './memory.js';
import { notSourceOfTruth } from './not-source-of-truth.js';
import { persistenceAssumption } from './persistence-assumption.js';
import { reachable } from './reachable.js';

export const cacheChecks: readonly Check<CacheCheckContext>[] = [
  reachable,
  auth,
  evictionPolicy,
  notSourceOfTruth,
  persistenceAssumption,
  memory,
  isolation,
];
