// Every lint rule, in the order findings on one spot are listed.
import type { Rule } from '../rule.js';
import {
  addColumnNotNullWithoutDefault,
  addColumnVolatileDefault,
  alterColumnType,
  setNotNullWithoutCheck,
} from './columns.js';
import {
  checkWithoutNotValid,
  foreignKeyWithoutNotValid,
  uniqueWithoutIndex,
  validateInSameTransaction,
} from './constraints.js';
import {
  dropColumn,
  dropDatabase,
  dropTable,
  renameColumn,
  renameTable,
  truncateCascade,
} from './destructive.js';
import { identifierTooLong } from './identifiers.js';
import { createIndexNotConcurrently, dropIndexNotConcurrently } from './indexes.js';
import { concurrentlyInTransaction, missingLockTimeout, transactionControl } from './transactions.js';
import {
  preferBigintIdentity,
  preferJsonb,
  preferTextOverChar,
  preferTimestamptz,
  varcharLengthChange,
} from './types.js';

export const RULES: readonly Rule[] = [
  createIndexNotConcurrently,
  dropIndexNotConcurrently,
  concurrentlyInTransaction,
  transactionControl,
  missingLockTimeout,
  addColumnNotNullWithoutDefault,
  addColumnVolatileDefault,
  setNotNullWithoutCheck,
  alterColumnType,
  varcharLengthChange,
  foreignKeyWithoutNotValid,
  checkWithoutNotValid,
  uniqueWithoutIndex,
  validateInSameTransaction,
  dropColumn,
  dropTable,
  dropDatabase,
  truncateCascade,
  renameColumn,
  renameTable,
  preferBigintIdentity,
  preferTimestamptz,
  preferTextOverChar,
  preferJsonb,
  identifierTooLong,
];
