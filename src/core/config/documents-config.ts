// The `environments.<env>.documents` section of the config: its shape and its validation.
import { z } from 'zod';

/**
 * An index of a collection. `fields` are JSON keys of the document (`email`, `address.city` for a
 * nested one), indexed as text in order; `expression` is any SQL expression over `data`; `gin` indexes
 * the whole document for `@>` and jsonpath queries.
 */
export type DocumentIndexConfig =
  | { fields: string[]; unique?: boolean; name?: string }
  | { expression: string; unique?: boolean; name?: string }
  | {
      /** `true` is the `jsonb_ops` operator class (every operator); `jsonb_path_ops` is smaller, `@>` only. */
      gin: true | 'jsonb_path_ops';
      name?: string;
    };

export interface DocumentCollectionConfig {
  /** The indexes the app's queries need; `documents.indexes` fails when one is missing or differs. */
  indexes?: DocumentIndexConfig[];
}

/** A query the app runs on Firestore, for `documents.indexes-declared`. */
export interface FirestoreQueryConfig {
  /** The collection (group) id: `orders`. */
  collection: string;
  /** Fields compared for equality (`==`, `in`, `array-contains`), in order. */
  where?: string[];
  /** A field compared by range (`<`, `>=`, `!=`, `not-in`). */
  range?: string;
  /** The order, each `field` or `field desc`. */
  orderBy?: string[];
}

export interface FirestoreConfig {
  /** The rules file. Default: `firestore.rules` of `firebase.json`, else `firestore.rules`. */
  rules?: string;
  /** The indexes file. Default: `firestore.indexes` of `firebase.json`, else `firestore.indexes.json`. */
  indexes?: string;
  /** The Cloud Storage rules file. Default: `storage.rules` of `firebase.json`, else `storage.rules` when present. */
  storageRules?: string;
  /** Collections whose documents belong to one user, keyed by the user's uid. Default `['users']`. */
  userCollections?: string[];
  /** The queries the app runs, checked for composite indexes. */
  queries?: FirestoreQueryConfig[];
}

/**
 * Documents (docs/DOCUMENTS.md): JSONB collections in this environment's Postgres (which it must
 * declare), and/or a Firestore project checked statically from its own files.
 */
export interface DocumentsStoreConfig {
  /** The Postgres schema holding the collections. Default `documents`. */
  schema?: string;
  /**
   * The collections by path: `users`, `users/{uid}/orders` (a subcollection; its table is
   * `users__orders`). @example { users: { indexes: [{ fields: ['email'], unique: true }] } }
   */
  collections?: Record<string, DocumentCollectionConfig>;
  /** A Firestore project's rules and indexes, read from the project folder. */
  firestore?: FirestoreConfig;
}

const sqlName = z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, {
  message: 'expected lowercase letters, digits and _, starting with a letter or _',
});
/** `users`, `users/{uid}/orders`: collection names alternating with `{wildcards}`. */
const collectionPath = z
  .string()
  .regex(/^[a-z_][a-z0-9_]*(?:\/\{[A-Za-z_][A-Za-z0-9_]*\}\/[a-z_][a-z0-9_]*)*$/, {
    message:
      'expected a collection path: `users` or `users/{uid}/orders` (lowercase names, {wildcards} between)',
  })
  .refine((path) => Buffer.byteLength(path.replace(/\/\{[^}]*\}\//g, '__')) <= 63, {
    message: 'expected a collection path whose table name (names joined by __) is at most 63 bytes',
  });
const jsonKey = z.string().regex(/^[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*$/, {
  message: 'expected a JSON key, or keys joined by dots: `email`, `address.city`',
});
const indexName = sqlName.optional();

const documentIndex = z.union([
  z.strictObject({ fields: z.array(jsonKey).min(1), unique: z.boolean().optional(), name: indexName }),
  z.strictObject({ expression: z.string().min(1), unique: z.boolean().optional(), name: indexName }),
  z.strictObject({
    gin: z.custom<true | 'jsonb_path_ops'>((value) => value === true || value === 'jsonb_path_ops', {
      message: "expected true (jsonb_ops) or 'jsonb_path_ops'",
    }),
    name: indexName,
  }),
]);

const relativeFile = z
  .string()
  .regex(/^(?!\/)[^\0]+$/, { message: 'expected a path relative to the project' });
const orderField = z.string().regex(/^[\w.-]+(?: (?:asc|desc))?$/i, {
  message: 'expected `field` or `field desc`',
});

export const documentsStoreSchema = z.strictObject({
  schema: sqlName.optional(),
  collections: z
    .record(collectionPath, z.strictObject({ indexes: z.array(documentIndex).optional() }))
    .optional(),
  firestore: z
    .strictObject({
      rules: relativeFile.optional(),
      indexes: relativeFile.optional(),
      storageRules: relativeFile.optional(),
      userCollections: z
        .array(z.string().regex(/^[\w-]+$/, { message: 'expected a collection id' }))
        .optional(),
      queries: z
        .array(
          z.strictObject({
            collection: z.string().regex(/^[\w-]+$/, { message: 'expected a collection id' }),
            where: z.array(z.string().min(1)).optional(),
            range: z.string().min(1).optional(),
            orderBy: z.array(orderField).optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});

/** Collections live in the environment's Postgres: an environment declaring them must declare it. */
export function documentsNeedPostgres(
  environment: { postgres?: unknown; documents?: { collections?: Record<string, unknown> } },
  ctx: z.RefinementCtx,
): void {
  const collections = environment.documents?.collections;
  if (!collections || Object.keys(collections).length === 0 || environment.postgres !== undefined) return;
  ctx.addIssue({
    code: 'custom',
    path: ['documents', 'collections'],
    message:
      'collections live in the environment’s Postgres, which it does not declare: add `postgres: {}` beside `documents`',
  });
}
