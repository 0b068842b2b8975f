// The documents marker: a comment on the collections' schema naming the project and environment it
// was attached for, so it travels with the schema (a dump, a restore) and needs no table of its own.
import { UsageError } from '../../core/errors.js';
import type { Queryable } from '../postgres/database.js';
import { quoteIdent, quoteLiteral } from '../postgres/sql-quote.js';

export interface DocumentsMarker {
  project: string;
  environment: string;
  attachedAt: string;
}

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
  if (!comment?.startsWith(PREFIX)) return undefined;
  try {
    return JSON.parse(comment.slice(PREFIX.length)) as DocumentsMarker;
  } catch {
    return undefined;
  }
}

/** Marks the schema for this environment; a schema marked for another is refused. True when it marked. */
export async function ensureDocumentsMarker(
  db: Queryable,
  schema: string,
  project: string,
  environment: string,
): Promise<boolean> {
  const marker = await readDocumentsMarker(db, schema);
  if (marker && (marker.project !== project || marker.environment !== environment)) {
    throw new UsageError(
      `schema ${schema} holds the documents of ${marker.project}/${marker.environment}, not ${project}/${environment}`,
      { fix: 'check the environment’s Postgres URL, or give this environment another `documents.schema`' },
    );
  }
  if (marker) return false;
  const text = `${PREFIX}${JSON.stringify({ project, environment, attachedAt: new Date().toISOString() })}`;
  await db.query(`comment on schema ${quoteIdent(schema)} is ${quoteLiteral(text)}`);
  return true;
}
