// The schema checks that read the live catalog, in report order.
import type { Check } from '../../../core/checks/check.js';
import type { PostgresCheckContext } from './context.js';
import { fkWithoutIndex } from './fk-without-index.js';
import { invalidIndex } from './invalid-index.js';
import { requiredIndexes } from './required-indexes.js';
import { sequenceNearOverflow } from './sequence-near-overflow.js';
import { tableWithoutPrimaryKey } from './table-without-primary-key.js';

export const schemaCatalogChecks: Check<PostgresCheckContext>[] = [
  requiredIndexes,
  invalidIndex,
  fkWithoutIndex,
  tableWithoutPrimaryKey,
  sequenceNearOverflow,
];
