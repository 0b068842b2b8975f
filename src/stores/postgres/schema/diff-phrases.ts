// How a difference reads: names as people write them, and each field's value as part of a sentence.

/** `public.users` → `users`: most schemas are public, and the issue's sentences read that way. */
export function display(key: string): string {
  return key.startsWith('public.') ? key.slice('public.'.length) : key;
}

const TYPE_ALIASES: [RegExp, string][] = [
  [/^character varying/, 'varchar'],
  [/^character\(/, 'char('],
  [/^timestamp\((\d)\) with time zone/, 'timestamptz($1)'],
  [/^timestamp with time zone/, 'timestamptz'],
  [/^timestamp(\(\d\))? without time zone/, 'timestamp$1'],
  [/^time with time zone/, 'timetz'],
  [/^time(\(\d\))? without time zone/, 'time$1'],
  [/^double precision/, 'float8'],
];

/** `character varying(255)` → `varchar(255)`, the way migrations usually spell types. */
export function prettyType(type: string): string {
  let pretty = display(type);
  for (const [pattern, alias] of TYPE_ALIASES) pretty = pretty.replace(pattern, alias);
  return pretty;
}

function list(values: unknown): string {
  const items = (values as string[] | undefined) ?? [];
  return items.length === 0 ? 'none' : items.join(', ');
}

/** `target 500`, or the default when unset (a column's field is then missing, a statistics object's null). */
function statisticsTarget(value: unknown): string {
  return value === null || value === undefined
    ? 'the default statistics target'
    : `statistics target ${value}`;
}

function quoted(value: unknown): string {
  return `"${String(value)}"`;
}

export interface Phrase {
  /** Joins subject and value: `column users.email` *is* `text` / *has* `no default`. */
  verb: string;
  say(value: unknown): string;
}

const PHRASES: Record<string, Phrase> = {
  type: { verb: 'is', say: (v) => prettyType(String(v)) },
  notNull: { verb: 'is', say: (v) => (v ? 'NOT NULL' : 'nullable') },
  default: { verb: 'has', say: (v) => (v === null ? 'no default' : `default ${v}`) },
  identity: {
    verb: 'is',
    say: (v) => (v ? `an identity column (generated ${v})` : 'not an identity column'),
  },
  generated: { verb: 'is', say: (v) => (v ? `generated as ${v}` : 'not generated') },
  collation: { verb: 'has', say: (v) => (v ? `collation ${v}` : 'the default collation') },
  comment: { verb: 'has', say: (v) => (v === null ? 'no comment' : `comment ${quoted(v)}`) },
  definition: { verb: 'is', say: (v) => `defined as ${v}` },
  valid: { verb: 'is', say: (v) => (v ? 'valid' : 'invalid (a failed build)') },
  labels: { verb: 'has', say: (v) => `labels (${list(v)})` },
  rowSecurity: { verb: 'has', say: (v) => `row-level security ${v ? 'enabled' : 'disabled'}` },
  forceRowSecurity: {
    verb: 'has',
    say: (v) => `row-level security ${v ? 'forced on its owner' : 'not forced on its owner'}`,
  },
  unlogged: { verb: 'is', say: (v) => (v ? 'unlogged' : 'logged') },
  enabled: { verb: 'is', say: (v) => (v === 'disabled' ? 'disabled' : `enabled (${v})`) },
  permissive: { verb: 'is', say: (v) => (v ? 'permissive' : 'restrictive') },
  roles: { verb: 'applies to', say: (v) => list(v) },
  command: { verb: 'is', say: (v) => `for ${v}` },
  using: { verb: 'has', say: (v) => (v === null ? 'no USING expression' : `USING ${v}`) },
  check: { verb: 'has', say: (v) => (v === null ? 'no WITH CHECK expression' : `WITH CHECK ${v}`) },
  options: { verb: 'has', say: (v) => `options (${list(v)})` },
  inherits: { verb: 'inherits from', say: (v) => list((v as string[]).map(display)) },
  partitionKey: { verb: 'is', say: (v) => (v ? `partitioned by ${v}` : 'not partitioned') },
  partitionOf: { verb: 'is', say: (v) => (v ? `a partition of ${display(String(v))}` : 'not a partition') },
  partitionBound: { verb: 'has', say: (v) => (v ? `bounds ${v}` : 'no partition bounds') },
  replicaIdentity: { verb: 'has', say: (v) => `replica identity ${v}` },
  kind: { verb: 'is', say: (v) => `a ${v}` },
  materialized: { verb: 'is', say: (v) => (v ? 'materialized' : 'not materialized') },
  columns: { verb: 'returns', say: (v) => `(${list(v)})` },
  populated: { verb: 'is', say: (v) => (v ? 'populated' : 'not populated (WITH NO DATA)') },
  cycle: { verb: 'is', say: (v) => (v ? 'cycling' : 'not cycling') },
  ownedBy: { verb: 'is', say: (v) => (v ? `owned by column ${display(String(v))}` : 'owned by no column') },
  schema: { verb: 'is', say: (v) => `in schema ${v}` },
  version: { verb: 'is', say: (v) => `at version ${v}` },
  owner: { verb: 'is', say: (v) => `owned by ${v}` },
  constraints: { verb: 'has', say: (v) => `constraints (${list(v)})` },
  storage: { verb: 'has', say: (v) => (v ? `storage ${v}` : "its type's default storage") },
  statistics: { verb: 'has', say: statisticsTarget },
  target: { verb: 'has', say: statisticsTarget },
  compression: { verb: 'has', say: (v) => (v ? `compression ${v}` : 'the default compression') },
  columnComments: {
    verb: 'has',
    say: (v) => {
      const entries = Object.entries((v as Record<string, string> | undefined) ?? {});
      if (entries.length === 0) return 'no column comments';
      return `column comments (${entries.map(([column, text]) => `${column} ${quoted(text)}`).join(', ')})`;
    },
  },
  provider: { verb: 'is', say: (v) => `provided by ${v}` },
  locale: { verb: 'has', say: (v) => (v === null ? 'no locale' : `locale ${v}`) },
  lcCollate: { verb: 'has', say: (v) => (v === null ? 'no LC_COLLATE' : `LC_COLLATE ${v}`) },
  lcCtype: { verb: 'has', say: (v) => (v === null ? 'no LC_CTYPE' : `LC_CTYPE ${v}`) },
  deterministic: { verb: 'is', say: (v) => (v ? 'deterministic' : 'nondeterministic') },
  icuRules: { verb: 'has', say: (v) => (v === null ? 'no ICU rules' : `ICU rules ${v}`) },
};

/** Overrides where a field name means something else in a family. */
const FAMILY_PHRASES: Record<string, Phrase> = {
  'constraints.type': { verb: 'is', say: (v) => `a ${v}` },
  'domains.type': { verb: 'is', say: (v) => `over ${prettyType(String(v))}` },
  'sequences.type': { verb: 'is', say: (v) => `of type ${v}` },
};

export function phraseOf(family: string, field: string): Phrase {
  return (
    FAMILY_PHRASES[`${family}.${field}`] ??
    PHRASES[field] ?? { verb: 'has', say: (v) => `${field} ${Array.isArray(v) ? list(v) : String(v)}` }
  );
}

/** A definition too long to read inline (a function body) is named, not quoted; the item holds both. */
export function tooLongToQuote(value: unknown): boolean {
  return typeof value === 'string' && (value.length > 160 || value.includes('\n'));
}
