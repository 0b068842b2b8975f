// The canonical JSON events are hashed as: RFC 8785's rules, checked against the RFC's own examples.
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/stores/postgres/audit/canonical-json.js';

describe('canonical JSON (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units at every level, with no whitespace', () => {
    // RFC 8785 section 3.2.3: the sorting example (code units, not code points or locale order).
    const value = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // Read in the text's order (JSON.parse would put the key "1" first again).
    const values = [...canonicalJson(value).matchAll(/:"([^"]*)"/g)].map((match) => match[1]);
    expect(values).toEqual([
      'Carriage Return',
      'One',
      'Control',
      'Latin Small Letter O With Diaeresis',
      'Euro Sign',
      'Emoji: Grinning Face',
      'Hebrew Letter Dalet With Dagesh',
    ]);
    expect(canonicalJson({ b: [2, { d: 1, c: null }], a: true })).toBe('{"a":true,"b":[2,{"c":null,"d":1}]}');
  });

  it('writes numbers as ECMAScript does', () => {
    // RFC 8785 appendix B's examples.
    const numbers: [number, string][] = [
      [0, '0'],
      [-0, '0'],
      [1e21, '1e+21'],
      [1e-7, '1e-7'],
      [333333333.3333333, '333333333.3333333'],
      [9007199254740992, '9007199254740992'],
      [295147905179352830000, '295147905179352830000'],
      [5e-324, '5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
    ];
    for (const [value, text] of numbers) expect(canonicalJson(value)).toBe(text);
  });

  it('escapes strings as JSON.stringify does, and nothing more', () => {
    expect(canonicalJson({ s: '\u20ac$\u000f\nA\'B"\\\\"/' })).toBe(
      '{"s":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('refuses what JSON cannot hold exactly: undefined, NaN, Infinity, bigints, dates', () => {
    expect(() => canonicalJson({ a: undefined })).toThrow('canonical JSON has no undefined (key "a")');
    expect(() => canonicalJson(Number.NaN)).toThrow('canonical JSON has no NaN');
    expect(() => canonicalJson([Number.POSITIVE_INFINITY])).toThrow('canonical JSON has no Infinity');
    expect(() => canonicalJson(1n)).toThrow('canonical JSON cannot hold a bigint');
    expect(() => canonicalJson(new Date(0))).toThrow('canonical JSON cannot hold a object');
  });
});
