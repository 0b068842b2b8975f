// Compares two catalog snapshots and says each difference as one plain sentence.
import { display, phraseOf, tooLongToQuote } from './diff-phrases.js';
import type { CatalogSnapshot, DefaultPrivilegeEntry, GrantEntry, SnapshotFamily } from './snapshot-types.js';

export type DriftChange = 'extra' | 'missing' | 'changed';

export interface DriftItem {
  /** What kind of object: `table`, `column`, `index`, `foreign key`, `policy`, `grant`, … */
  kind: string;
  /** The object as people name it: `users.nickname`, `orders_created_at_idx`, `own_rows on orders`. */
  object: string;
  /** `extra`: only in the actual database; `missing`: only in the expected one; `changed`: in both, different. */
  change: DriftChange;
  /** The field that differs, for `changed`. */
  field?: string;
  sentence: string;
  expected?: unknown;
  actual?: unknown;
}

export interface DiffOptions {
  /** What the actual snapshot is, in sentences. Default `production`. */
  actual?: string;
  /** What the expected snapshot is. Default `the migrations` ("… but in no migration"). */
  expected?: string;
  /** Fields not compared, as `family.field`: `views.definition` across major versions. */
  ignore?: string[];
}

interface Family {
  family: SnapshotFamily;
  kind(entry: Record<string, unknown>): string;
  name(key: string, entry: Record<string, unknown>): string;
  /** Fields that name the object rather than describe it. */
  identity?: string[];
}

/** Named `name on table`, for objects that belong to a table. */
const onTable = (key: string, entry: Record<string, unknown>) =>
  `${key.slice(String(entry.table).length + 1)} on ${display(String(entry.table))}`;
const plain = (key: string) => display(key);

/** In report order: containers before what they contain. */
const FAMILIES: Family[] = [
  { family: 'extensions', kind: () => 'extension', name: plain },
  { family: 'schemas', kind: () => 'schema', name: plain },
  { family: 'collations', kind: () => 'collation', name: plain },
  { family: 'enums', kind: () => 'enum', name: plain },
  { family: 'domains', kind: () => 'domain', name: plain },
  { family: 'types', kind: (e) => String(e.kind), name: plain },
  { family: 'sequences', kind: () => 'sequence', name: plain },
  { family: 'tables', kind: (e) => String(e.kind), name: plain },
  { family: 'columns', kind: () => 'column', name: plain, identity: ['table', 'position'] },
  { family: 'constraints', kind: (e) => String(e.type), name: onTable, identity: ['table'] },
  { family: 'indexes', kind: () => 'index', name: plain, identity: ['table'] },
  { family: 'statistics', kind: () => 'statistics object', name: plain, identity: ['table'] },
  { family: 'views', kind: (e) => (e.materialized ? 'materialized view' : 'view'), name: plain },
  { family: 'functions', kind: (e) => String(e.kind), name: plain },
  { family: 'triggers', kind: () => 'trigger', name: onTable, identity: ['table'] },
  { family: 'rules', kind: () => 'rule', name: onTable, identity: ['table'] },
  { family: 'policies', kind: () => 'policy', name: onTable, identity: ['table'] },
];

/**
 * Every difference between `expected` (what the migrations make) and `actual` (the live database),
 * containers first. What belongs to a table that is itself extra or missing is not listed again.
 */
export function diffSnapshots(
  expected: CatalogSnapshot,
  actual: CatalogSnapshot,
  options: DiffOptions = {},
): DriftItem[] {
  const A = options.actual ?? 'production';
  const E = options.expected ?? 'the migrations';
  const notInExpected = options.expected === undefined ? 'in no migration' : `not in ${E}`;
  const ignore = new Set(options.ignore ?? []);
  // Relations on one side only: their columns, indexes, triggers and grants go without saying.
  const absentTables = new Set([
    ...onlyIn(expected.tables, actual.tables),
    ...onlyIn(actual.tables, expected.tables),
    ...onlyIn(expected.views, actual.views),
    ...onlyIn(actual.views, expected.views),
  ]);
  const items: DriftItem[] = [];

  for (const { family, kind, name, identity = [] } of FAMILIES) {
    const before = expected[family] as unknown as Record<string, Record<string, unknown>>;
    const after = actual[family] as unknown as Record<string, Record<string, unknown>>;
    for (const key of differingKeys(before, after)) {
      const e = before[key];
      const a = after[key];
      const entry = (a ?? e)!;
      if (belongsToAbsentTable(family, entry, absentTables)) continue;
      const subject = `${kind(entry)} ${name(key, entry)}`;
      const object = name(key, entry);
      if (!e) {
        items.push({
          kind: kind(entry),
          object,
          change: 'extra',
          sentence: `${subject} exists in ${A} but ${notInExpected}`,
          actual: a,
        });
        continue;
      }
      if (!a) {
        items.push({
          kind: kind(entry),
          object,
          change: 'missing',
          sentence: `${subject} is missing from ${A}`,
          expected: e,
        });
        continue;
      }
      for (const field of unionKeys(e, a)) {
        if (identity.includes(field) || ignore.has(`${family}.${field}`)) continue;
        if (same(e[field], a[field])) continue;
        const phrase = phraseOf(family, field);
        const sentence =
          tooLongToQuote(e[field]) || tooLongToQuote(a[field])
            ? `${subject} has a different ${field} in ${A} than in ${E}`
            : `${subject} ${phrase.verb} ${phrase.say(a[field])} in ${A} but ${phrase.say(e[field])} in ${E}`;
        items.push({
          kind: kind(a),
          object,
          change: 'changed',
          field,
          sentence,
          // A field recorded only when set (a column's storage) is null when not.
          expected: e[field] ?? null,
          actual: a[field] ?? null,
        });
      }
    }
    if (family === 'columns') items.push(...columnOrder(expected, actual, A, E));
  }
  items.push(...grantItems(expected.grants, actual.grants, A, E, notInExpected, absentTables));
  items.push(
    ...defaultPrivilegeItems(expected.defaultPrivileges, actual.defaultPrivileges, A, notInExpected),
  );
  return items;
}

function onlyIn(some: Record<string, unknown>, other: Record<string, unknown>): string[] {
  return Object.keys(some).filter((key) => !(key in other));
}

function unionKeys(a: object, b: object): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
}

/**
 * The keys of entries that are on one side only or differ, sorted. Most entries are alike: each is
 * compared once, and only the others are sorted (2,000 tables have some 30,000 entries).
 */
function differingKeys(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const keys: string[] = [];
  for (const key of Object.keys(before)) {
    if (!Object.hasOwn(after, key) || !same(before[key], after[key])) keys.push(key);
  }
  for (const key of Object.keys(after)) if (!Object.hasOwn(before, key)) keys.push(key);
  return keys.sort();
}

/** Deep equality of JSON values, as their JSON would be equal: a field set to undefined is absent. */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, i) => same(item, b[i]));
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x).filter((key) => x[key] !== undefined);
  if (keys.length !== Object.keys(y).filter((key) => y[key] !== undefined).length) return false;
  return keys.every((key) => same(x[key], y[key]));
}

function belongsToAbsentTable(
  family: SnapshotFamily,
  entry: Record<string, unknown>,
  absent: Set<string>,
): boolean {
  if (family === 'sequences' && typeof entry.ownedBy === 'string') return absent.has(tableOf(entry.ownedBy));
  return typeof entry.table === 'string' && absent.has(entry.table);
}

/** One item per table whose shared columns come in another order (a column dropped and added back). */
function columnOrder(expected: CatalogSnapshot, actual: CatalogSnapshot, A: string, E: string): DriftItem[] {
  const before = columnsByTable(expected);
  const after = columnsByTable(actual);
  const items: DriftItem[] = [];
  for (const [table, columns] of after) {
    const other = before.get(table);
    if (!other) continue;
    const a = columns.filter((name) => other.includes(name));
    const e = other.filter((name) => columns.includes(name));
    if (same(a, e)) continue;
    items.push({
      kind: 'table',
      object: display(table),
      change: 'changed',
      field: 'column order',
      sentence: `table ${display(table)} has its columns in the order ${a.join(', ')} in ${A} but ${e.join(', ')} in ${E}`,
      expected: e,
      actual: a,
    });
  }
  return items;
}

/** Each table's column names in position order. */
function columnsByTable(snapshot: CatalogSnapshot): Map<string, string[]> {
  const byTable = new Map<string, { name: string; position: number }[]>();
  for (const [key, column] of Object.entries(snapshot.columns)) {
    const list = byTable.get(column.table) ?? [];
    list.push({ name: key.slice(column.table.length + 1), position: column.position });
    byTable.set(column.table, list);
  }
  return new Map(
    [...byTable].map(([table, list]) => [
      table,
      list.sort((x, y) => x.position - y.position).map((c) => c.name),
    ]),
  );
}

/** `public.users.email` → `public.users`: the table of a column key, whose last name may be quoted. */
function tableOf(columnKey: string): string {
  if (!columnKey.endsWith('"')) return columnKey.slice(0, columnKey.lastIndexOf('.'));
  let i = columnKey.length - 2;
  // Back to the opening quote, past doubled ("") quotes inside the name.
  while (i > 0 && !(columnKey[i] === '"' && columnKey[i - 1] !== '"')) i -= columnKey[i] === '"' ? 2 : 1;
  return columnKey.slice(0, i - 1);
}

/** `table public.users` → `table users`; the object's key, to know whether its table is absent. */
function grantObject(object: string): { label: string; key: string } {
  const match =
    /^(materialized view|foreign table|table|view|sequence|column|schema|function|procedure|domain|type) (.*)$/.exec(
      object,
    );
  if (!match) return { label: object, key: object };
  return { label: `${match[1]} ${display(match[2]!)}`, key: match[2]! };
}

function grantItems(
  expected: Record<string, GrantEntry>,
  actual: Record<string, GrantEntry>,
  A: string,
  E: string,
  notInExpected: string,
  absentTables: Set<string>,
): DriftItem[] {
  const items: DriftItem[] = [];
  for (const key of unionKeys(expected, actual)) {
    const e = expected[key];
    const a = actual[key];
    const { object, grantee } = (a ?? e)!;
    const { label, key: objectKey } = grantObject(object);
    if (absentTables.has(object.startsWith('column ') ? tableOf(objectKey) : objectKey)) continue;
    const granted = { a: a?.granted ?? [], e: e?.granted ?? [] };
    const revoked = { a: a?.revoked ?? [], e: e?.revoked ?? [] };
    const extra = minus(granted.a, granted.e);
    const missing = minus(granted.e, granted.a);
    const extraRevoke = minus(revoked.a, revoked.e);
    const missingRevoke = minus(revoked.e, revoked.a);
    const base = { kind: 'grant', object: `${label} to ${grantee}` };
    if (extra.length > 0) {
      const sentence = `grant ${extra.join(', ')} on ${label} to ${grantee} exists in ${A} but ${notInExpected}`;
      items.push({ ...base, change: 'extra', sentence, actual: extra });
    }
    if (missing.length > 0) {
      const sentence = `grant ${missing.join(', ')} on ${label} to ${grantee} is missing from ${A}`;
      items.push({ ...base, change: 'missing', sentence, expected: missing });
    }
    if (extraRevoke.length > 0) {
      const sentence = `${extraRevoke.join(', ')} on ${label} is revoked from ${grantee} in ${A} but ${notInExpected}`;
      items.push({ ...base, kind: 'revoke', change: 'extra', sentence, actual: extraRevoke });
    }
    if (missingRevoke.length > 0) {
      const sentence = `${missingRevoke.join(', ')} on ${label} is revoked from ${grantee} in ${E} but not in ${A}`;
      items.push({ ...base, kind: 'revoke', change: 'missing', sentence, expected: missingRevoke });
    }
  }
  return items;
}

function defaultPrivilegeItems(
  expected: Record<string, DefaultPrivilegeEntry>,
  actual: Record<string, DefaultPrivilegeEntry>,
  A: string,
  notInExpected: string,
): DriftItem[] {
  const items: DriftItem[] = [];
  for (const key of unionKeys(expected, actual)) {
    const e = expected[key];
    const a = actual[key];
    const { role, schema, on, grantee } = (a ?? e)!;
    const owner = `for role ${role}${schema === null ? '' : ` in schema ${schema}`}`;
    const object = `${owner} on ${on} to ${grantee}`;
    const say = (verb: string, privileges: string[], preposition: string) =>
      `default privilege ${owner} ${verb} ${privileges.join(', ')} on new ${on} ${preposition} ${grantee}`;
    const pairs: [string[], string[], 'granting' | 'revoking'][] = [
      [a?.granted ?? [], e?.granted ?? [], 'granting'],
      [a?.revoked ?? [], e?.revoked ?? [], 'revoking'],
    ];
    for (const [inActual, inExpected, verb] of pairs) {
      const preposition = verb === 'granting' ? 'to' : 'from';
      const extra = minus(inActual, inExpected);
      const missing = minus(inExpected, inActual);
      if (extra.length > 0) {
        const sentence = `${say(verb, extra, preposition)} exists in ${A} but ${notInExpected}`;
        items.push({ kind: 'default privilege', object, change: 'extra', sentence, actual: extra });
      }
      if (missing.length > 0) {
        const sentence = `${say(verb, missing, preposition)} is missing from ${A}`;
        items.push({ kind: 'default privilege', object, change: 'missing', sentence, expected: missing });
      }
    }
  }
  return items;
}

function minus(a: string[], b: string[]): string[] {
  const drop = new Set(b);
  return a.filter((value) => !drop.has(value));
}
