// The documents marker: a comment on the collections' schema naming the project and environment it
// was attached for, so it travels with the schema (a dump, a restore) and needs no table of its own.
import type { Queryable } from '../postgres/database.js';
import { quoteIdent, quoteLiteral } from '../postgres/sql-quote.js';
import { claimMarker, parseMarker, type StoreMarker } from '../store-marker.js';

export type DocumentsMarker = StoreMarker;

const PREFIX = 'launchdb documents ';

/** The schema's marker; undefined when the schema is not there or launchdb never marked it. */
export async function readDocumentsMarker(
  db: Queryable,
  schema: string,
): Promise<DocumentsMarker | undefined> {
  const { rows } = await db.query<{ comment: string | null }>(
    `select obj_description(oid, 'pg_namespace') as comment from pg_namespace where nspname = $1`,
    [schema],
  );
  const comment = rows[0]?.comment;
  return comment?.startsWith(PREFIX) ? parseMarker(comment.slice(PREFIX.length)) : undefined;
}

/** Marks the schema for this environment; a schema marked for another is refused. True when it marked. */
export async function ensureDocumentsMarker(
  db: Queryable,
  schema: string,
  project: string,
  environment: string,
): Promise<boolean> {
  const { created, marker } = claimMarker(await readDocumentsMarker(db, schema), {
    project,
    environment,
    where: `schema ${schema}`,
    fix: 'check the environment’s Postgres URL, or give this environment another `documents.schema`',
  });
  if (!created) return false;
  const text = `${PREFIX}${JSON.stringify(marker)}`;
  await db.query(`comment on schema ${quoteIdent(schema)} is ${quoteLiteral(text)}`);
  return true;
}
