// The documents checks, in report order: reachable first, as the CLI's exit code depends on it; then
// the Postgres collections, then the Firestore project's files.
import type { Check } from '../../../core/checks/check.js';
import { collections } from './collections.js';
import type { DocumentsCheckContext } from './context.js';
import { indexes } from './indexes.js';
import { indexesDeclared } from './indexes-declared.js';
import { reachable } from './reachable.js';
import { rls } from './rls.js';
import { rulesOpen } from './rules-open.js';
import { rulesRecursiveWrite } from './rules-recursive-write.js';
import { rulesTestMode } from './rules-test-mode.js';
import { rulesUserBinding } from './rules-user-binding.js';
import { rulesVersion } from './rules-version.js';
import { storageSizeLimit } from './storage-size-limit.js';

export const documentsChecks: readonly Check<DocumentsCheckContext>[] = [
  reachable,
  collections,
  indexes,
  rls,
  rulesVersion,
  rulesOpen,
  rulesTestMode,
  rulesRecursiveWrite,
  rulesUserBinding,
  storageSizeLimit,
  indexesDeclared,
];
