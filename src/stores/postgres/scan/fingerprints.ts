// The project's own demo data, recognisable: distinctive values of db/seeds/demo/ that no reference seed has.
import type { Project } from '../../../core/project.js';
import { parseCsv } from '../seed/csv.js';
import { readSeedFiles, type SeedFile, type SeedKind } from '../seed/seed-files.js';
import { loadParser } from '../sql/parser.js';

export interface Fingerprints {
  /** The key of a value (see `fingerprintKey`) → the demo seed file it came from. */
  readonly values: ReadonlyMap<string, string>;
  /** Seed files whose values could not be read, with why: reported, never fatal to a scan. */
  readonly notes: string[];
  /** The demo seed file a value came from, when it is one of the fingerprints. */
  lookup(value: string): string | undefined;
}

/** Shorter values are too likely to be real data by coincidence. */
export const MIN_FINGERPRINT_LENGTH = 6;

/** Values compare trimmed (a `char(n)` column pads them) and case-insensitively. */
export function fingerprintKey(value: string): string {
  return value.trim().toLowerCase();
}

/**
 * Numbers, dates, times, booleans, and single plain words (a status, a first name, a category)
 * appear in real data as often as in demo data; what remains names something: an email, a full
 * name, a sentence, a URL, an id.
 */
export function isDistinctive(value: string): boolean {
  const text = value.trim();
  if (text.length < MIN_FINGERPRINT_LENGTH) return false;
  if (/^[-+]?[\d\s.,:/+TZ-]*$/i.test(text)) return false; // 42, 3.50, 2026-01-31 10:00:00+00
  if (/^(?:true|false|null|yes|no)$/i.test(text)) return false;
  if (/^\p{L}+$/u.test(text)) return false; // Premium, Electronics, Margaret
  if (/^[a-z]+(?:_[a-z]+)+$/.test(text)) return false; // pending_review: an enum value
  return true;
}

/**
 * The fingerprints of the project's demo seeds: their distinctive string values (SQL literals,
 * JSON strings, CSV fields), minus every value a reference seed also holds, since reference data
 * belongs in production.
 */
export async function demoSeedFingerprints(project: Project): Promise<Fingerprints> {
  const notes: string[] = [];
  const files = readSeedFiles(project);
  const collect = async (kind: SeedKind) => {
    const values = new Map<string, string>();
    for (const file of files.filter((seed) => seed.kind === kind)) {
      try {
        for (const value of await stringsOf(file)) {
          const key = fingerprintKey(value);
          if (!values.has(key)) values.set(key, file.file);
        }
      } catch (error) {
        notes.push(`${file.file}: its values are not fingerprinted (${(error as Error).message})`);
      }
    }
    return values;
  };
  const demo = await collect('demo');
  const reference = demo.size > 0 ? await collect('reference') : new Map<string, string>();
  const values = new Map<string, string>();
  for (const [key, file] of demo) {
    if (isDistinctive(key) && !reference.has(key)) values.set(key, file);
  }
  // Only values of a fingerprint's length can be one: most are ruled out before any lower-casing.
  const lengths = new Set([...values.keys()].map((key) => key.length));
  return {
    values,
    notes,
    lookup(value) {
      if (values.size === 0) return undefined;
      const trimmed = value.trim();
      return lengths.has(trimmed.length) ? values.get(trimmed.toLowerCase()) : undefined;
    },
  };
}

/** Every string value a seed file holds. */
async function stringsOf(file: SeedFile): Promise<string[]> {
  const out: string[] = [];
  if (file.format === 'json') {
    stringsInJson(JSON.parse(file.content), out);
  } else if (file.format === 'csv') {
    for (const row of parseCsv(file.content, file.file)) {
      for (const field of Object.values(row)) if (field !== null) stringsInText(field, out);
    }
  } else {
    const parsed = (await loadParser()).parse(file.content);
    if ('failure' in parsed) throw new Error(`it does not parse: ${parsed.failure.message}`);
    stringsInSql(parsed.statements, out);
  }
  return out;
}

/** A text, and when it is a JSON document (a `jsonb` value written as text), the strings inside it. */
function stringsInText(text: string, out: string[]): void {
  out.push(text);
  const trimmed = text.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return;
  try {
    stringsInJson(JSON.parse(trimmed), out);
  } catch {
    // Text that only looks like JSON is just text.
  }
}

function stringsInJson(value: unknown, out: string[]): void {
  if (typeof value === 'string') stringsInText(value, out);
  else if (Array.isArray(value)) for (const item of value) stringsInJson(item, out);
  else if (value && typeof value === 'object')
    for (const item of Object.values(value)) stringsInJson(item, out);
}

/** Sequence names in `nextval('orders_id_seq')` and settings in `set_config(…)` are not data. */
const NOT_DATA_FUNCTIONS = new Set(['nextval', 'setval', 'currval', 'set_config', 'to_regclass']);

/** The string constants of parsed statements: every `A_Const` with a `sval`, wherever it sits. */
function stringsInSql(node: unknown, out: string[]): void {
  if (Array.isArray(node)) {
    for (const item of node) stringsInSql(item, out);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  const constant = record.A_Const as { sval?: { sval?: string } } | undefined;
  if (constant?.sval?.sval !== undefined) {
    stringsInText(constant.sval.sval, out);
    return;
  }
  const call = record.FuncCall as { funcname?: { String?: { sval?: string } }[] } | undefined;
  const name = call?.funcname?.at(-1)?.String?.sval;
  if (name && NOT_DATA_FUNCTIONS.has(name.toLowerCase())) return;
  for (const value of Object.values(record)) stringsInSql(value, out);
}
