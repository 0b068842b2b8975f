// JSON and CSV seed files: rows of one table, upserted by its primary key or a declared key, so a
// second run leaves the same data. Rows are read from the file as they are needed, a part at a time,
// so a large file never sits in memory whole.
import { UsageError } from '../../../core/errors.js';
import type { Queryable } from '../database.js';
import { quoteIdent } from '../sql-quote.js';
import { csvRows } from './csv.js';
import { jsonRows } from './json-rows.js';
import type { SeedFile } from './seed-files.js';

export type SeedRow = Record<string, unknown>;

/** A rows file resolved against its table: what the upsert needs, checked before anything is applied. */
export interface RowsSeed {
  file: SeedFile;
  /** The table as SQL, quoted as needed: `plans`, `billing.plans`. */
  table: string;
  /** The columns the upsert matches on. */
  key: string[];
  columns: Map<string, ColumnInfo>;
}

export interface ColumnInfo {
  /** `GENERATED ALWAYS AS IDENTITY`: inserting a value needs OVERRIDING SYSTEM VALUE; it cannot be updated. */
  identityAlways: boolean;
  /** A generated (computed) column: never written. */
  generated: boolean;
  /** json or jsonb (or a domain over one): a CSV field holds JSON text. */
  json: boolean;
  /** The sequence that fills it (serial or identity), advanced past explicit values. */
  sequence: string | null;
}

export interface RowsOutcome {
  rows: number;
  /** Rows inserted or changed; unchanged rows are not written again. */
  written: number;
}

/** Rows per statement: big files travel in parts, in file order (a row may reference an earlier one). */
const ROWS_PER_STATEMENT = 5_000;

/** The file's rows as objects, read as they are needed: JSON `[{ "col": value }, …]`, or CSV with a header (an empty unquoted field is NULL). */
export function seedRows(file: SeedFile): Iterable<SeedRow> {
  return file.format === 'csv' ? csvRows(file.pieces(), file.file) : jsonRows(file.pieces(), file.file);
}

/** Reads every row once, so a file that does not parse stops the run before anything is applied; the count of rows. */
export function countSeedRows(file: SeedFile): number {
  let rows = 0;
  for (const _row of seedRows(file)) rows++;
  return rows;
}

/**
 * Resolves the file's table, its upsert key (`seeds.keys`, else the primary key) and columns, and
 * checks every row against them: unknown columns, a missing key value, a key repeated in the file.
 */
export async function prepareRowsSeed(
  db: Queryable,
  file: SeedFile,
  keys: Record<string, string[]> = {},
): Promise<RowsSeed> {
  const name = file.table!;
  const { rows: found } = await db.query<{ oid: number; qualified: string; kind: string; schema: string }>(
    `select c.oid, c.oid::regclass::text as qualified, c.relkind as kind, n.nspname as schema
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.oid = to_regclass($1)`,
    [name.split('.').map(quoteIdent).join('.')],
  );
  const table = found[0];
  if (!table) {
    throw new UsageError(`${file.file}: table ${name} does not exist`, {
      fix: 'create it in a migration first (`launchdb migrate up`), or name the file after an existing table',
    });
  }
  if (table.kind !== 'r' && table.kind !== 'p') {
    throw new UsageError(`${file.file}: ${name} is not a table`, { fix: 'seed the table it reads from' });
  }
  const columns = await readColumns(db, table.oid);
  const declaredAs = [name, `${table.schema}.${name.split('.').at(-1)}`].find((entry) => keys[entry]);
  const key = declaredAs
    ? await declaredKey(db, table.oid, name, declaredAs, keys[declaredAs]!, columns)
    : await primaryKey(db, table.oid, file, name);
  await checkRows(db, file, name, columns, key);
  return { file, table: table.qualified, key, columns };
}

async function readColumns(db: Queryable, oid: number): Promise<Map<string, ColumnInfo>> {
  const { rows } = await db.query<{
    name: string;
    identity: string;
    generated: string;
    base: string;
    sequence: string | null;
  }>(
    `select a.attname as name, a.attidentity as identity, a.attgenerated as generated,
            (select t.typname from pg_type t
              where t.oid = coalesce(nullif(ty.typbasetype, 0), a.atttypid)) as base,
            pg_get_serial_sequence(a.attrelid::regclass::text, a.attname) as sequence
       from pg_attribute a join pg_type ty on ty.oid = a.atttypid
      where a.attrelid = $1 and a.attnum > 0 and not a.attisdropped
      order by a.attnum`,
    [oid],
  );
  return new Map(
    rows.map((row) => [
      row.name,
      {
        identityAlways: row.identity === 'a',
        generated: row.generated !== '',
        json: row.base === 'json' || row.base === 'jsonb',
        sequence: row.sequence,
      },
    ]),
  );
}

/** Unique, non-partial, plain-column, immediate indexes: the ones ON CONFLICT can match on. */
async function uniqueKeys(db: Queryable, oid: number): Promise<{ primary: boolean; columns: string[] }[]> {
  const { rows } = await db.query<{ primary: boolean; columns: string[] }>(
    `select i.indisprimary as primary,
            array(select a.attname::text from unnest(i.indkey::int2[]) k
                    join pg_attribute a on a.attrelid = i.indrelid and a.attnum = k) as columns
       from pg_index i
      where i.indrelid = $1 and i.indisunique and i.indimmediate and i.indisvalid
        and i.indpred is null and i.indexprs is null`,
    [oid],
  );
  return rows;
}

async function primaryKey(db: Queryable, oid: number, file: SeedFile, name: string): Promise<string[]> {
  const primary = (await uniqueKeys(db, oid)).find((index) => index.primary);
  if (primary) return primary.columns;
  throw new UsageError(
    `${file.file}: table ${name} has no primary key and seeds.keys declares no key for it, so its rows cannot be upserted`,
    { fix: `declare one with a unique index in the config: seeds: { keys: { '${name}': ['slug'] } }` },
  );
}

async function declaredKey(
  db: Queryable,
  oid: number,
  name: string,
  declaredAs: string,
  key: string[],
  columns: Map<string, ColumnInfo>,
): Promise<string[]> {
  const unknown = key.find((column) => !columns.has(column));
  if (unknown) {
    throw new UsageError(`seeds.keys.${declaredAs} names column ${unknown}, which ${name} does not have`, {
      fix: `list columns of ${name} in seeds.keys.${declaredAs}`,
    });
  }
  const wanted = [...key].sort().join('\0');
  const indexes = await uniqueKeys(db, oid);
  if (!indexes.some((index) => [...index.columns].sort().join('\0') === wanted)) {
    throw new UsageError(
      `seeds.keys.${declaredAs} is (${key.join(', ')}), but ${name} has no unique index on exactly those columns`,
      { fix: `add one in a migration: create unique index on ${name} (${key.join(', ')})` },
    );
  }
  return key;
}

/**
 * Every row against the table, read from the file a row at a time. The keys seen go to a temporary
 * table, a part at a time, so the database finds a key the file repeats: a large file's keys would
 * not fit in memory any better than its rows.
 */
async function checkRows(
  db: Queryable,
  file: SeedFile,
  name: string,
  columns: Map<string, ColumnInfo>,
  key: string[],
): Promise<void> {
  await db.query(`create temporary table if not exists ${SEEN} (key text primary key, row integer not null)`);
  await db.query(`truncate ${SEEN}`);
  try {
    let part: { key: string; row: number }[] = [];
    let index = -1;
    for (const row of seedRows(file)) {
      index++;
      const at = `${file.file}: ${rowLabel(file, index)}`;
      for (const column of Object.keys(row)) {
        const info = columns.get(column);
        if (!info) {
          throw new UsageError(`${at} has column ${column}, which ${name} does not have`, {
            fix: `use the columns of ${name}: ${[...columns.keys()].join(', ')}`,
          });
        }
        if (info.generated) {
          throw new UsageError(`${at} sets ${column}, a generated column Postgres computes`, {
            fix: `leave ${column} out`,
          });
        }
      }
      const missing = key.find((column) => row[column] === undefined || row[column] === null);
      if (missing) {
        throw new UsageError(
          `${at} has no value for key column ${missing}: without its key a row would be added again on every run`,
          { fix: `give every row its ${key.join(', ')}` },
        );
      }
      part.push({ key: JSON.stringify(key.map((column) => row[column])), row: index });
      if (part.length < ROWS_PER_STATEMENT) continue;
      await refuseRepeatedKey(db, file, key, part);
      part = [];
    }
    await refuseRepeatedKey(db, file, key, part);
  } finally {
    await db.query(`drop table if exists ${SEEN}`);
  }
}

/** The session's own table of the keys a file's rows have had so far. */
const SEEN = 'pg_temp.launchdb_seed_keys';

/** Adds a part's keys to those seen; the first row whose key was seen before is refused, naming both rows. */
async function refuseRepeatedKey(
  db: Queryable,
  file: SeedFile,
  key: string[],
  part: { key: string; row: number }[],
): Promise<void> {
  if (part.length === 0) return;
  const keys = JSON.stringify(part);
  const { rows } = await db.query<{ added: number }>(
    `with added as (insert into ${SEEN} select key, row from jsonb_to_recordset($1::jsonb) as x(key text, row integer)
                    on conflict (key) do nothing returning 1)
     select count(*)::int as added from added`,
    [keys],
  );
  if (rows[0]?.added === part.length) return;
  const { rows: repeats } = await db.query<{ row: number; first: number }>(
    `select x.row, seen.row as first from jsonb_to_recordset($1::jsonb) as x(key text, row integer)
       join ${SEEN} seen using (key) where seen.row <> x.row order by x.row limit 1`,
    [keys],
  );
  const repeat = repeats[0]!;
  throw new UsageError(
    `${file.file}: ${rowLabel(file, repeat.row)} repeats the key (${key.join(', ')}) of ${rowLabel(file, repeat.first)}`,
    { fix: 'keep one row per key' },
  );
}

/** The file's rows for the upsert: CSV fields of json columns are JSON text, parsed so `{"a":1}` is an object, not a string. */
function* rowsToWrite(seed: RowsSeed): Generator<SeedRow> {
  const { file, columns } = seed;
  const jsonColumns = [...columns].filter(([, info]) => info.json).map(([name]) => name);
  if (file.format !== 'csv' || jsonColumns.length === 0) {
    yield* seedRows(file);
    return;
  }
  let index = -1;
  for (const row of seedRows(file)) {
    index++;
    for (const column of jsonColumns) {
      const text = row[column];
      if (typeof text !== 'string') continue;
      try {
        row[column] = JSON.parse(text);
      } catch {
        throw new UsageError(`${file.file}: ${rowLabel(file, index)}, column ${column}: not JSON`, {
          fix: 'write json columns as JSON text, quoted as CSV needs: "{""plan"": ""free""}"',
        });
      }
    }
    yield row;
  }
}

/** Rows as people count them: JSON from 1; CSV from 2, as the header is row 1. */
function rowLabel(file: SeedFile, index: number): string {
  return `row ${file.format === 'csv' ? index + 2 : index + 1}`;
}

/**
 * Upserts the rows: inserts new keys, updates rows whose seeded columns differ, leaves equal rows
 * untouched (no write, no trigger). The table's own types convert the values.
 */
export async function upsertRows(tx: Queryable, seed: RowsSeed): Promise<RowsOutcome> {
  let written = 0;
  let read = 0;
  for (const part of parts(rowsToWrite(seed))) {
    read += part.length;
    const names = [...seed.columns.keys()].filter((column) => column in part[0]!);
    const { rows } = await tx.query(upsertSql(seed, names), [JSON.stringify(part)]);
    written += rows.length;
    for (const column of names) {
      const sequence = seed.columns.get(column)!.sequence;
      if (sequence) await advanceSequence(tx, seed.table, column, sequence);
    }
  }
  return { rows: read, written };
}

/** Consecutive rows with the same columns, so a column a row leaves out takes its default. */
function* parts(rows: Iterable<SeedRow>): Generator<SeedRow[]> {
  let current: SeedRow[] = [];
  let shape = '';
  for (const row of rows) {
    const rowShape = Object.keys(row).sort().join('\0');
    if (current.length > 0 && (rowShape !== shape || current.length >= ROWS_PER_STATEMENT)) {
      yield current;
      current = [];
    }
    current.push(row);
    shape = rowShape;
  }
  if (current.length > 0) yield current;
}

function upsertSql(seed: RowsSeed, names: string[]): string {
  const quoted = names.map(quoteIdent);
  // Identity ALWAYS columns can only be set on insert; the key is what matched, so it is not updated.
  const updated = names
    .filter((column) => !seed.key.includes(column) && !seed.columns.get(column)!.identityAlways)
    .map(quoteIdent);
  const overriding = names.some((column) => seed.columns.get(column)!.identityAlways)
    ? ' overriding system value'
    : '';
  const conflict = `on conflict (${seed.key.map(quoteIdent).join(', ')})`;
  // Compared as text: every type has a text form (json has no equality), and a different spelling of
  // an equal value (1.0, 1.00) converges to the seed's.
  const action =
    updated.length === 0
      ? 'do nothing'
      : `do update set ${updated.map((column) => `${column} = excluded.${column}`).join(', ')}
          where row(${updated.map((column) => `existing.${column}`).join(', ')})::text
                is distinct from row(${updated.map((column) => `excluded.${column}`).join(', ')})::text`;
  return `insert into ${seed.table} as existing (${quoted.join(', ')})${overriding}
    select ${quoted.map((column) => `x.${column}`).join(', ')} from jsonb_populate_recordset(null::${seed.table}, $1::jsonb) as x
    ${conflict} ${action}
    returning 1`;
}

/** Explicit ids leave a serial or identity sequence behind them: moved past, so the app's next insert does not collide. */
async function advanceSequence(
  tx: Queryable,
  table: string,
  column: string,
  sequence: string,
): Promise<void> {
  await tx.query(
    `select setval($1::regclass, top) from (select max(${quoteIdent(column)}) as top from ${table}) as seeded
      where top >= coalesce(pg_sequence_last_value($1::regclass),
                            (select seqstart from pg_sequence where seqrelid = $1::regclass))`,
    [sequence],
  );
}
