// objects.metadata-consistency: the database's key column and the stored objects agree. A row naming
// a key with no object is a broken link (fail); an object no row names is a storage leak (warn). Both
// sides are merged in byte order, streamed; past a bound only the first keys are compared, and the
// result says how many and through which key.
import type { Check, CheckOutcome } from '../../../core/checks/check.js';
import type { ObjectsMetadataConfig } from '../../../core/config/objects-config.js';
import type { PostgresDatabase } from '../../postgres/database.js';
import { diffSortedKeys, type KeyDiff, KeyOrderError } from '../key-diff.js';
import { metadataKeys, resolveMetadataColumn } from '../metadata-keys.js';
import type { ObjectStore } from '../object-store.js';
import type { ObjectsCheckContext } from './context.js';

/** Distinct keys (rows and objects together) compared at most; past it, the first ones in byte order. */
export const METADATA_KEY_BOUND = 250_000;
/** Orphans of each kind named in the details. */
const EXAMPLES = 20;

export interface MetadataComparison {
  /** The table and column as Postgres names them, and the prefix put before each value. */
  table: string;
  column: string;
  prefix: string;
  diff: KeyDiff;
}

/** Compares the column's keys with the objects under the prefix; a missing table or column is the string why. */
export async function compareMetadata(
  db: PostgresDatabase,
  store: ObjectStore,
  metadata: ObjectsMetadataConfig,
  options: { bound?: number } = {},
): Promise<MetadataComparison | string> {
  const resolved = await resolveMetadataColumn(db, metadata);
  if (!resolved.found) return resolved.problem;
  const prefix = metadata.prefix ?? '';
  const diff = await diffSortedKeys(metadataKeys(db, resolved, prefix), objectKeys(store, prefix), {
    bound: options.bound ?? METADATA_KEY_BOUND,
    examples: EXAMPLES,
  });
  return { table: resolved.table, column: resolved.column, prefix, diff };
}

export const metadataConsistency: Check<ObjectsCheckContext> = {
  id: 'objects.metadata-consistency',
  area: 'objects',
  title: 'Every key in the database has its object, and every object its row',
  severity: 'fail',
  // 100,000 keys each side take a few seconds: more than the runner's default allows on a slow bucket.
  timeoutMs: 60_000,
  async run(ctx) {
    const key = `environments.${ctx.env.name}.objects.metadata`;
    const metadata = ctx.env.config.objects?.metadata;
    if (!metadata) {
      return {
        status: 'skip',
        summary: `no table names ${ctx.env.name}'s objects (${key} is not set)`,
        fix: `set ${key}: { table: 'uploads', column: 'key' } to compare the rows with the objects`,
      };
    }
    if (!ctx.postgres) {
      return {
        status: 'skip',
        summary: `${ctx.env.name} declares no postgres store to read ${metadata.table}.${metadata.column} from`,
        fix: `add \`postgres: {}\` under environments.${ctx.env.name}, or remove ${key}`,
      };
    }
    const db = await ctx.postgres.db();
    const store = await ctx.objects.objects();
    let compared: MetadataComparison | string;
    try {
      compared = await compareMetadata(db, store, metadata);
    } catch (error) {
      if (!(error instanceof KeyOrderError)) throw error;
      // Only S3-compatible servers that list out of byte order get here (s3rver lists `a/b` before `a-b`).
      const where = error.side === 'left' ? `${metadata.table}.${metadata.column}` : store.location;
      return {
        status: 'error',
        summary: `${where} does not list in byte order ("${error.key}" after "${error.previous}"): a merge would report false orphans`,
        fix: 'run this check against an endpoint that lists keys in byte order, as S3 does',
      };
    }
    if (typeof compared === 'string') {
      return { status: 'error', summary: compared, fix: `fix ${key}.table and ${key}.column` };
    }
    return verdict(compared, store.location);
  },
};

export function verdict(compared: MetadataComparison, location: string): CheckOutcome {
  const { diff } = compared;
  const source = `${compared.table}.${compared.column}`;
  const scope = diff.through === undefined ? 'all' : 'the first';
  const counted = `${scope} ${diff.compared.left} keys in ${source} and ${diff.compared.right} objects in ${location}${compared.prefix ? ` under ${compared.prefix}` : ''}`;
  const sampled =
    diff.through === undefined
      ? ''
      : ` (sampled: keys in byte order through "${diff.through}"; the rest not read)`;
  const details = {
    table: compared.table,
    column: compared.column,
    prefix: compared.prefix,
    compared: { rows: diff.compared.left, objects: diff.compared.right },
    sampled: diff.through !== undefined,
    ...(diff.through !== undefined ? { through: diff.through } : {}),
    rowsWithoutObject: diff.leftOnly,
    objectsWithoutRow: diff.rightOnly,
  };
  const missing = diff.leftOnly.count;
  const orphans = diff.rightOnly.count;
  if (missing > 0) {
    return {
      status: 'fail',
      summary: `${missing} key${missing === 1 ? '' : 's'} in ${source} name no object (first: ${diff.leftOnly.first[0]})${orphans > 0 ? `, and ${orphans} object${orphans === 1 ? '' : 's'} no row names` : ''}; compared ${counted}${sampled}`,
      details,
      fix: `restore the missing objects from a backup, or delete or fix the rows that name them`,
    };
  }
  if (orphans > 0) {
    return {
      status: 'warn',
      summary: `${orphans} object${orphans === 1 ? '' : 's'} no row of ${source} names (first: ${diff.rightOnly.first[0]}); compared ${counted}${sampled}`,
      details,
      fix: 'delete the orphaned objects once nothing else uses them: they are stored and paid for',
    };
  }
  return { status: 'pass', summary: `every key matches: compared ${counted}${sampled}`, details };
}

async function* objectKeys(store: ObjectStore, prefix: string): AsyncIterable<string> {
  for await (const object of store.list(prefix)) yield object.key;
}
