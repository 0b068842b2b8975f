// RFC 8785 (JSON Canonicalization Scheme): the one spelling of an audit event that its hash covers.
// Not the snapshot's canonicalJson, which writes undefined as null and NaN as null: an event that
// JSON cannot carry exactly is refused here, so the text hashed is the text any JCS tool rebuilds.

/** What canonical JSON can hold: no undefined, functions, bigints or non-finite numbers. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/**
 * `value` as RFC 8785 text: object keys sorted by UTF-16 code units (JavaScript's default sort),
 * numbers and strings as ECMAScript's JSON.stringify writes them (which is what RFC 8785 specifies),
 * no whitespace. Throws on anything JSON cannot represent exactly.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonical JSON has no ${value}`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const entries = Object.entries(value as Record<string, unknown>);
    for (const [key, item] of entries) {
      if (item === undefined) throw new TypeError(`canonical JSON has no undefined (key "${key}")`);
    }
    // Array.prototype.sort compares strings by UTF-16 code units, as RFC 8785 section 3.2.3 asks.
    const keys = entries.map(([key]) => key).sort();
    const record = value as Record<string, unknown>;
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`).join(',')}}`;
  }
  throw new TypeError(`canonical JSON cannot hold a ${typeof value}`);
}
