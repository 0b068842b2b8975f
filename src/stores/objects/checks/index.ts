// The objects checks, in report order: reachable first, as the CLI's exit code depends on it.
import type { Check } from '../../../core/checks/check.js';
import { backups } from './backups.js';
import type { ObjectsCheckContext } from './context.js';
import { cors } from './cors.js';
import { encryption } from './encryption.js';
import { isolation } from './isolation.js';
import { metadataConsistency } from './metadata-consistency.js';
import { publicAccess } from './public-access.js';
import { reachable } from './reachable.js';
import { tlsOnly } from './tls-only.js';
import { versioning } from './versioning.js';

export const objectsChecks: readonly Check<ObjectsCheckContext>[] = [
  reachable,
  publicAccess,
  tlsOnly,
  encryption,
  versioning,
  cors,
  isolation,
  backups,
  metadataConsistency,
];
