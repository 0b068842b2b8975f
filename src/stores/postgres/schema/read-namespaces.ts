// Snapshot readers for schemas, extensions and collations.
import {
  commentOf,
  keyName,
  notInExtension,
  ownerField,
  qualifiedKey,
  type Scope,
  select,
  userSchema,
} from './snapshot-scope.js';
import type { CollationEntry, ExtensionEntry, SchemaEntry } from './snapshot-types.js';

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

const PROVIDERS: Record<string, CollationEntry['provider']> = { c: 'libc', i: 'icu', b: 'builtin' };

/**
 * User collations. Where the locale sits moved between major versions (`colliculocale` in 15 and 16,
 * `colllocale` from 17; ICU rules from 16): each is read where its server keeps it, recorded alike.
 */
export async function readCollations(scope: Scope): Promise<Record<string, CollationEntry>> {
  const locale =
    scope.version >= 170000 ? 'c.colllocale' : scope.version >= 150000 ? 'c.colliculocale' : 'null::text';
  const icuRules = scope.version >= 160000 ? 'c.collicurules' : 'null::text';
  const rows = await select<{
    key: string;
    provider: string;
    locale: string | null;
    lc_collate: string | null;
    lc_ctype: string | null;
    deterministic: boolean;
    icu_rules: string | null;
    owner: string;
    comment: string | null;
  }>(
    scope,
    `select ${qualifiedKey('n.nspname', 'c.collname')} as key, c.collprovider::text as provider,
            ${locale} as locale, c.collcollate as lc_collate, c.collctype as lc_ctype,
            c.collisdeterministic as deterministic, ${icuRules} as icu_rules,
            pg_get_userbyid(c.collowner)::text as owner, ${commentOf('pg_collation', 'c.oid')} as comment
       from pg_collation c join pg_namespace n on n.oid = c.collnamespace
      where ${userSchema('n')} and ${notInExtension('pg_collation', 'c.oid')}`,
  );
  const collations: Record<string, CollationEntry> = {};
  for (const row of rows) {
    const provider = PROVIDERS[row.provider] ?? 'libc';
    const libc = provider === 'libc';
    collations[row.key] = {
      provider,
      // Before Postgres 15 an ICU collation kept its locale in collcollate.
      locale: libc ? null : (row.locale ?? row.lc_collate),
      lcCollate: libc ? row.lc_collate : null,
      lcCtype: libc ? row.lc_ctype : null,
      deterministic: row.deterministic,
      icuRules: row.icu_rules,
      comment: row.comment,
      ...ownerField(scope, row.owner),
    };
  }
  return collations;
}
