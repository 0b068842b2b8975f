// The object keys a database names: the configured table's key column, each value with the
// configured prefix before it, in byte order, streamed through a cursor (one page in memory).
import type { ObjectsMetadataConfig } from '../../core/config/objects-config.js';
import type { PostgresDatabase } from '../postgres/database.js';

/** Rows fetched from the cursor at a time; at most three pages are held (two ahead of the merge). */
export const KEY_PAGE_ROWS = 5_000;

/** The table and column, as Postgres names them (quoted), or what is missing. */
export type ResolvedMetadata =
  | { found: true; table: string; column: string }
  | { found: false; problem: string };

export async function resolveMetadataColumn(
  db: PostgresDatabase,
  metadata: ObjectsMetadataConfig,
): Promise<ResolvedMetadata> {
  // to_regclass reads the name as SQL would (unquoted parts fold to lower case, search_path applies).
  const { rows } = await db.query<{ table: string | null; column: string | null }>(
    `select c.oid::regclass::text as table, quote_ident(a.attname) as column
       from (select to_regclass($1) as oid) c
       left join pg_attribute a on a.attrelid = c.oid and a.attname = $2 and a.attnum > 0 and not a.attisdropped`,
    [metadata.table, metadata.column],
  );
  const row = rows[0];
  if (!row?.table)
    return { found: false, problem: `the table ${metadata.table} does not exist in ${db.location}` };
  if (!row.column)
    return { found: false, problem: `the table ${row.table} has no column ${metadata.column}` };
  return { found: true, table: row.table, column: row.column };
}

/**
 * Every non-null value of the column, prefixed, in byte order (`collate "C"`, as S3 lists). Read in
 * one transaction through a cursor, so the table is sorted once and never held whole.
 */
export async function* metadataKeys(
  db: PostgresDatabase,
  resolved: { table: string; column: string },
  prefix = '',
): AsyncIterable<string> {
  const pages: string[][] = [];
  /** Wakes the consumer waiting for a page; `taken` wakes the transaction waiting for it to be read. */
  let wake: (() => void) | undefined;
  let taken: (() => void) | undefined;
  let done = false;
  let failed: unknown;
  let stop = false;
  // The transaction runs beside the consumer: it fetches pages ahead, and waits while two are unread.
  const reading = db
    .transaction(async (tx) => {
      await tx.query(
        `declare launchdb_metadata_keys no scroll cursor for
           select ${resolved.column}::text as key from ${resolved.table}
            where ${resolved.column} is not null order by ${resolved.column}::text collate "C"`,
      );
      while (!stop) {
        const { rows } = await tx.query<{ key: string }>(
          `fetch ${KEY_PAGE_ROWS} from launchdb_metadata_keys`,
        );
        if (rows.length === 0) break;
        pages.push(rows.map((row) => prefix + row.key));
        wake?.();
        // Up to two pages ahead of the consumer: the next fetch overlaps the merge of this one.
        if (pages.length >= 2) {
          await new Promise<void>((resolve) => {
            taken = resolve;
          });
        }
      }
      await tx.query('close launchdb_metadata_keys');
    })
    .catch((error: unknown) => {
      failed = error;
    })
    .finally(() => {
      done = true;
      wake?.();
    });
  try {
    for (;;) {
      const page = pages.shift();
      if (page) {
        const resume = taken;
        taken = undefined;
        resume?.();
        yield* page;
        continue;
      }
      if (done) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
    if (failed) throw failed;
  } finally {
    stop = true;
    taken?.();
    await reading;
  }
}
