// The collections an environment declares, as Postgres sees them: a table per collection path and
// the statements that create it and its indexes. `users/{uid}/orders` is the table `users__orders`.
import type { DocumentIndexConfig, DocumentsStoreConfig } from '../../core/config/documents-config.js';
import { quoteIdent, quoteLiteral } from '../postgres/sql-quote.js';

export const DEFAULT_SCHEMA = 'documents';

export interface Collection {
  /** As declared: `users/{uid}/orders`. */
  path: string;
  table: string;
  indexes: CollectionIndex[];
}

export interface CollectionIndex {
  name: string;
  unique: boolean;
  /** What follows `ON table` in `CREATE INDEX`: `USING btree ((data ->> 'email'))`. */
  method: 'btree' | 'gin';
  /** The indexed expressions in parentheses, as written for CREATE INDEX. */
  columns: string;
  /** Where it is declared, for messages. */
  configPath: string;
}

export function schemaOf(config: DocumentsStoreConfig): string {
  return config.schema ?? DEFAULT_SCHEMA;
}

/** The table of a collection path: its collection names joined by `__`, wildcards dropped. */
export function tableOf(path: string): string {
  return path
    .split('/')
    .filter((segment) => !segment.startsWith('{'))
    .join('__');
}

export function collectionsOf(config: DocumentsStoreConfig, envName: string): Collection[] {
  return Object.entries(config.collections ?? {}).map(([path, collection]) => {
    const table = tableOf(path);
    return {
      path,
      table,
      indexes: (collection.indexes ?? []).map((index, i) =>
        indexOf(table, index, `environments.${envName}.documents.collections["${path}"].indexes[${i}]`),
      ),
    };
  });
}

/** `email` → `(data ->> 'email')`; `address.city` → `(data #>> '{address,city}')`. */
function fieldExpression(field: string): string {
  const keys = field.split('.');
  return keys.length === 1
    ? `(data ->> ${quoteLiteral(field)})`
    : `(data #>> ${quoteLiteral(`{${keys.join(',')}}`)})`;
}

function indexOf(table: string, index: DocumentIndexConfig, configPath: string): CollectionIndex {
  if ('gin' in index) {
    const opclass = index.gin === 'jsonb_path_ops' ? ' jsonb_path_ops' : '';
    return {
      name: index.name ?? shortName(`${table}_data_gin`),
      unique: false,
      method: 'gin',
      columns: `(data${opclass})`,
      configPath,
    };
  }
  const expressions = 'fields' in index ? index.fields.map(fieldExpression) : [`(${index.expression})`];
  const suffix =
    'fields' in index ? index.fields.map((field) => field.replaceAll(/[^a-z0-9_]/gi, '_')).join('_') : 'expr';
  return {
    name: index.name ?? shortName(`${table}_${suffix}_${index.unique ? 'key' : 'idx'}`),
    unique: index.unique === true,
    method: 'btree',
    columns: `(${expressions.join(', ')})`,
    configPath,
  };
}

/** Postgres truncates names past 63 bytes: cut them ourselves so the name we look for is the one made. */
function shortName(name: string): string {
  return name.toLowerCase().slice(0, 63);
}

export function createTableSql(schema: string, table: string): string {
  return `create table if not exists ${quoteIdent(schema)}.${quoteIdent(table)} (
  id text primary key,
  data jsonb not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
)`;
}

/** CREATE INDEX for `index` on `relation` (already quoted), under `name`. */
export function createIndexSql(index: CollectionIndex, relation: string, name = index.name): string {
  return `create ${index.unique ? 'unique ' : ''}index ${quoteIdent(name)} on ${relation} using ${index.method} ${index.columns}`;
}
