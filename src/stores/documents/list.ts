// `env list`'s row for documents: the collections' schema in the environment's Postgres (how many
// collections and documents, the marker), or for a Firestore project alone, its rules file read.
import { existsSync } from 'node:fs';
import type { Environment } from '../../core/project.js';
import { passwordOf } from '../../core/redact.js';
import { openEmbedded } from '../postgres/embedded.js';
import { useWithin } from '../postgres/open-within.js';
import { openServer } from '../postgres/server.js';
import { quoteIdent } from '../postgres/sql-quote.js';
import { connectTimeoutOf, resolvePostgresTarget } from '../postgres/target.js';
import { type ListOptions, notConfigured, problem, type StoreListing, UNKNOWN } from '../store-listing.js';
import { readCollectionTables } from './collection-tables.js';
import { collectionsOf, schemaOf } from './collections.js';
import { loadFirebaseFiles } from './firestore/firebase-files.js';
import { readDocumentsMarker } from './marker.js';

/** Time for the counts once connected. */
const QUERY_GRACE_MS = 5_000;

export async function listDocuments(env: Environment, options: ListOptions): Promise<StoreListing> {
  const config = env.config.documents ?? {};
  const collections = collectionsOf(config, env.name);
  if (collections.length === 0) return listFirestore(env);
  const schema = schemaOf(config);
  let target: ReturnType<typeof resolvePostgresTarget>;
  try {
    target = resolvePostgresTarget(env);
  } catch (error) {
    return notConfigured({ store: 'documents', backing: 'server', database: schema }, error);
  }
  if (!target) {
    return {
      store: 'documents',
      backing: 'embedded',
      database: schema,
      host: null,
      status: 'not configured',
      ...UNKNOWN,
      error: 'collections are declared but the environment has no Postgres',
      fix: `add \`postgres: {}\` under environments.${env.name} in the config`,
    };
  }
  const timeoutMs = connectTimeoutOf(env, options.connectTimeoutMs);
  const base = {
    store: 'documents',
    backing: target.backing,
    database: schema,
    host: target.backing === 'embedded' ? target.location : `${target.host}:${target.port}`,
  } as const;
  if (target.backing === 'embedded' && !existsSync(target.dataDir)) {
    return {
      ...base,
      status: 'not attached',
      ...UNKNOWN,
      fix: `run \`launchdb attach postgres --env ${env.name}\`, then \`launchdb attach documents --env ${env.name}\``,
    };
  }
  if (target.backing === 'server') {
    const password = passwordOf(target.url);
    if (password) options.secrets.add(password);
  }
  const open =
    target.backing === 'embedded'
      ? () => openEmbedded(target.dataDir, { root: env.root, command: 'env list', lockWaitMs: timeoutMs })
      : () => openServer(target.url, { connectTimeoutMs: timeoutMs, max: 1 });
  try {
    const answer = await useWithin(
      open,
      async (db) => {
        const marker = await readDocumentsMarker(db, schema);
        const tables = await readCollectionTables(db, schema);
        const present = collections.filter((collection) => tables.has(collection.table));
        const counts = await Promise.all(
          present.map(async (collection) => {
            const { rows } = await db.query<{ count: string | number }>(
              `select count(*) as count from ${quoteIdent(schema)}.${quoteIdent(collection.table)}`,
            );
            return Number(rows[0]?.count ?? 0);
          }),
        );
        const { rows } = await db.query<{ version: string; bytes: string | number | null }>(
          `select current_setting('server_version') as version,
                  (select sum(pg_total_relation_size(c.oid)) from pg_class c join pg_namespace n on n.oid = c.relnamespace
                    where n.nspname = $1 and c.relkind = 'r') as bytes`,
          [schema],
        );
        return {
          marker,
          present: present.length,
          documents: counts.reduce((sum, count) => sum + count, 0),
          row: rows[0],
        };
      },
      timeoutMs + QUERY_GRACE_MS,
    );
    if (answer === 'timeout') {
      return {
        ...base,
        status: 'timeout',
        ...UNKNOWN,
        error: `no answer within ${Math.round((timeoutMs + QUERY_GRACE_MS) / 1000)} s`,
        fix: 'check the database, or raise --connect-timeout',
      };
    }
    const documents = `${answer.documents.toLocaleString('en-US')} document${answer.documents === 1 ? '' : 's'}`;
    return {
      ...base,
      status: 'reachable',
      reachable: true,
      version: answer.row?.version ?? null,
      size: `${answer.present} of ${collections.length} collection${collections.length === 1 ? '' : 's'}, ${documents}`,
      sizeBytes: answer.row?.bytes == null ? null : Number(answer.row.bytes),
      attached: answer.marker !== undefined,
      marker: answer.marker ?? null,
    };
  } catch (error) {
    const busy = error instanceof Error && / is in use by another launchdb process/.test(error.message);
    return { ...base, status: busy ? 'busy' : 'unreachable', ...UNKNOWN, ...problem(error) };
  }
}

/** A Firestore project alone: nothing to reach; the row says whether its rules file is there and parses. */
function listFirestore(env: Environment): StoreListing {
  const base = {
    store: 'documents',
    backing: 'server',
    database: 'firestore',
    host: null,
    ...UNKNOWN,
  } as const;
  if (!env.config.documents?.firestore) {
    return {
      ...base,
      status: 'not configured',
      error: 'neither collections nor a Firestore project declared',
    };
  }
  try {
    const { rules } = loadFirebaseFiles(env.root, env.config.documents.firestore);
    if ('parsed' in rules) {
      return {
        ...base,
        host: rules.file,
        status: 'reachable',
        reachable: true,
        size: `${rules.file} (checked statically)`,
        // Attaching a Firestore project records nothing: its files parsing is all there is to it.
        attached: true,
      };
    }
    if ('missing' in rules)
      return { ...base, host: rules.file, status: 'not configured', error: `${rules.file} is not there` };
    return { ...base, host: rules.file, status: 'not configured', ...problem(rules.error) };
  } catch (error) {
    return { ...base, status: 'not configured', ...problem(error) };
  }
}
