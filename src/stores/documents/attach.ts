// Attaching documents to an environment. Collections: in its Postgres, the schema, a table per
// collection, their declared indexes and row-level security on (no policy: the app's role sees no row
// until the app writes its own), granted to the provisioned app role, the schema marked. A re-run
// creates what is missing and reports what differs, changing nothing that is there. A Firestore
// project: its files are read and must parse; nothing is recorded anywhere.
import { existsSync } from 'node:fs';
import { UsageError } from '../../core/errors.js';
import type { Environment } from '../../core/project.js';
import type { PostgresDatabase } from '../postgres/database.js';
import { openPostgres } from '../postgres/open.js';
import { roleNamesOf } from '../postgres/provision/roles.js';
import { quoteIdent } from '../postgres/sql-quote.js';
import { type PostgresTarget, resolvePostgresTarget } from '../postgres/target.js';
import type { AttachFlags, AttachPlan, AttachResult } from '../store-kind.js';
import { readCollectionTables } from './collection-tables.js';
import { type Collection, collectionsOf, createIndexSql, createTableSql, schemaOf } from './collections.js';
import { type FirebaseFiles, loadFirebaseFiles } from './firestore/firebase-files.js';
import { declaredShapes, existingIndexes } from './index-definitions.js';
import { ensureDocumentsMarker } from './marker.js';

export interface DocumentsAttachPlan extends AttachPlan {
  postgres?: PostgresTarget;
  schema: string;
}

export function planAttachDocuments(env: Environment, flags: AttachFlags): DocumentsAttachPlan {
  const config = env.config.documents;
  if (!config) {
    throw new UsageError(`environment ${env.name} declares no documents store`, {
      fix: `add \`documents: { collections: { … } }\` under environments.${env.name} in the config, then attach`,
    });
  }
  if (flags.url || flags.adminUrl) {
    throw new UsageError('documents take no --url: collections live in the environment’s Postgres', {
      fix: `attach that with \`launchdb attach postgres --env ${env.name} --url …\`, then \`launchdb attach documents --env ${env.name}\``,
    });
  }
  const schema = schemaOf(config);
  const hasCollections = Object.keys(config.collections ?? {}).length > 0;
  const postgres = hasCollections ? resolvePostgresTarget(env) : undefined;
  if (hasCollections && !postgres) {
    throw new UsageError(`environment ${env.name} declares collections but no Postgres to hold them`, {
      fix: `add \`postgres: {}\` under environments.${env.name} in the config`,
    });
  }
  if (postgres?.backing === 'embedded' && !existsSync(postgres.dataDir)) {
    throw new UsageError(`environment ${env.name}'s Postgres is not attached yet: collections live there`, {
      fix: `run \`launchdb attach postgres --env ${env.name}\` first`,
    });
  }
  const where = postgres
    ? `${postgres.backing === 'embedded' ? postgres.location : `${postgres.host}:${postgres.port}/${postgres.database}`} schema ${schema}`
    : undefined;
  const firestore = config.firestore ? 'Firestore files' : undefined;
  return {
    mode:
      [postgres ? 'collections' : undefined, config.firestore ? 'firestore' : undefined]
        .filter(Boolean)
        .join('+') || 'empty',
    location: where ?? 'the Firebase files of the project folder',
    source: postgres ? `environments.${env.name}.postgres` : 'default',
    how:
      [postgres ? 'collections on Postgres' : undefined, firestore].filter(Boolean).join(' and ') ||
      'nothing declared',
    schema,
    ...(postgres ? { postgres } : {}),
  };
}

export async function attachDocuments(
  env: Environment,
  plan: DocumentsAttachPlan,
  flags: AttachFlags,
): Promise<AttachResult> {
  const started = performance.now();
  const created: string[] = [];
  const differences: string[] = [];
  const config = env.config.documents ?? {};
  // Files first: a rules file that does not parse stops attach before anything changes.
  const checked = config.firestore ? checkFirebaseFiles(loadFirebaseFiles(env.root, config.firestore)) : [];
  let marked = plan.postgres === undefined;
  if (plan.postgres) {
    const db = await openPostgres(plan.postgres, {
      as: 'migration',
      root: env.root,
      command: 'attach documents',
      ...(flags.connectTimeoutMs ? { connectTimeoutMs: flags.connectTimeoutMs } : {}),
    });
    try {
      const collections = collectionsOf(config, env.name);
      const appRole =
        plan.postgres.backing === 'server' ? roleNamesOf(plan.postgres.database).app : undefined;
      marked = await reconcileCollections(db, env, plan.schema, collections, appRole, {
        created,
        differences,
      });
    } finally {
      await db.close();
    }
  }
  return {
    environment: env.name,
    store: 'documents',
    // Firestore is Google's server, checked through its files: as `env list` says.
    backing: plan.postgres?.backing ?? 'server',
    mode: plan.mode,
    location: plan.location,
    source: plan.source,
    marked,
    ...(plan.postgres ? { provisioned: { created, differences } } : {}),
    ...(checked.length > 0 ? { checked } : {}),
    durationMs: Math.round(performance.now() - started),
  };
}

/** The files parse; what was read, in words (nothing is recorded: Firestore is checked, not reached). */
function checkFirebaseFiles(files: FirebaseFiles): string[] {
  const read: string[] = [];
  for (const loaded of [files.rules, files.indexes, files.storageRules]) {
    if (!loaded) continue;
    if ('error' in loaded) throw loaded.error;
    if ('missing' in loaded) {
      if (loaded === files.rules) {
        throw new UsageError(`${loaded.file} is not there`, {
          fix: `write it (\`firebase init firestore\` does), or name the file under documents.firestore.rules`,
        });
      }
      continue;
    }
    read.push(`${loaded.file}: parses (nothing recorded; \`launchdb check\` judges it)`);
  }
  return read;
}

async function reconcileCollections(
  db: PostgresDatabase,
  env: Environment,
  schema: string,
  collections: Collection[],
  appRole: string | undefined,
  report: { created: string[]; differences: string[] },
): Promise<boolean> {
  // A bad expression is bad input, found before anything is made.
  const shapes = await declaredShapes(
    db,
    collections.flatMap((collection) => collection.indexes),
  );
  for (const [index, shape] of shapes) {
    if ('error' in shape)
      throw new UsageError(`${index.configPath}: not a valid index: ${shape.error}`, {
        fix: 'correct the index in the config',
      });
  }
  const { rows } = await db.query<{ exists: boolean }>(
    'select exists (select 1 from pg_namespace where nspname = $1) as exists',
    [schema],
  );
  if (!rows[0]?.exists) {
    await db.query(`create schema ${quoteIdent(schema)}`);
    report.created.push(`schema ${schema}`);
  }
  const marked = await ensureDocumentsMarker(db, schema, env.project, env.name);
  const tables = await readCollectionTables(db, schema);
  const grantTo = appRole && (await roleExists(db, appRole)) ? appRole : undefined;
  if (grantTo) await db.query(`grant usage on schema ${quoteIdent(schema)} to ${quoteIdent(grantTo)}`);
  for (const collection of collections) {
    const relation = `${quoteIdent(schema)}.${quoteIdent(collection.table)}`;
    const name = `${schema}.${collection.table}`;
    const table = tables.get(collection.table);
    if (!table) {
      await db.transaction(async (tx) => {
        await tx.query(createTableSql(schema, collection.table));
        await tx.query(`alter table ${relation} enable row level security`);
        if (grantTo)
          await tx.query(`grant select, insert, update, delete on ${relation} to ${quoteIdent(grantTo)}`);
      });
      report.created.push(`table ${name} (row-level security on) for ${collection.path}`);
    } else {
      if (table.dataType !== 'jsonb')
        report.differences.push(`${name}.data is ${table.dataType ?? 'missing'}, not jsonb`);
      if (!table.rls) report.differences.push(`${name} has row-level security off`);
    }
    const existing = await existingIndexes(db, schema, collection.table);
    for (const index of collection.indexes) {
      const shape = shapes.get(index);
      if (!shape || 'error' in shape) continue;
      if (existing.some((candidate) => candidate.shape === shape.shape)) continue;
      const named = existing.find((candidate) => candidate.name === index.name);
      if (named) {
        report.differences.push(
          `${name}: index ${named.name} is ${named.shape}, the config says ${shape.shape}`,
        );
        continue;
      }
      await db.query(createIndexSql(index, relation));
      report.created.push(`index ${index.name} on ${name}`);
    }
  }
  return marked;
}

async function roleExists(db: PostgresDatabase, role: string): Promise<boolean> {
  const { rows } = await db.query<{ exists: boolean }>(
    'select exists (select 1 from pg_roles where rolname = $1) as exists',
    [role],
  );
  return rows[0]?.exists === true;
}
