// Snapshot readers for schemas and extensions.
import {
  commentOf,
  keyName,
  notInExtension,
  ownerField,
  type Scope,
  select,
  userSchema,
} from './snapshot-scope.js';
import type { ExtensionEntry, SchemaEntry } from './snapshot-types.js';

export async function readSchemas(scope: Scope): Promise<Record<string, SchemaEntry>> {
  const rows = await select<{ key: string; owner: string; comment: string | null }>(
    scope,
    `select ${keyName('n.nspname')} as key, pg_get_userbyid(n.nspowner)::text as owner,
            ${commentOf('pg_namespace', 'n.oid')} as comment
       from pg_namespace n
      where ${userSchema('n')} and ${notInExtension('pg_namespace', 'n.oid')}`,
  );
  const schemas: Record<string, SchemaEntry> = {};
  for (const row of rows) schemas[row.key] = { comment: row.comment, ...ownerField(scope, row.owner) };
  return schemas;
}

/** Every extension, wherever it lives (plpgsql sits in pg_catalog); their member objects are left out elsewhere. */
export async function readExtensions(scope: Scope): Promise<Record<string, ExtensionEntry>> {
  const rows = await select<{ key: string; schema: string; version: string }>(
    scope,
    `select ${keyName('x.extname')} as key, ${keyName('n.nspname')} as schema, x.extversion as version
       from pg_extension x join pg_namespace n on n.oid = x.extnamespace
`,
    [],
  );
  const extensions: Record<string, ExtensionEntry> = {};
  for (const row of rows) {
    extensions[row.key] = { schema: row.schema, version: scope.extensionVersions ? row.version : null };
  }
  return extensions;
}
