// The built-in patterns: what each finds, what none may find, config patterns, and redacted samples.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import {
  BUILT_IN_PATTERNS,
  PatternMatcher,
  redactSecret,
  sampleOf,
  scanPatterns,
} from '../../src/stores/postgres/scan/patterns.js';
import { FOUND, NOT_FOUND } from './fixtures.js';

const matcher = new PatternMatcher(BUILT_IN_PATTERNS);
const ids = (value: string) => matcher.match(value).map((pattern) => pattern.id);

describe('built-in patterns', () => {
  it('covers every built-in pattern with planted values', () => {
    expect(Object.keys(FOUND).sort()).toEqual(BUILT_IN_PATTERNS.map((pattern) => pattern.id).sort());
  });

  it.each(Object.entries(FOUND))('%s finds its values', (id, values) => {
    for (const value of values) expect(ids(value), value).toContain(id);
  });

  it.each(NOT_FOUND)('does not flag %j', (value) => {
    expect(ids(value)).toEqual([]);
  });

  it('agrees with each regex run alone: the hints never hide a match', () => {
    for (const value of [...Object.values(FOUND).flat(), ...NOT_FOUND]) {
      const alone = BUILT_IN_PATTERNS.filter((pattern) => pattern.regex.test(value)).map(
        (pattern) => pattern.id,
      );
      expect(ids(value).sort(), value).toEqual(alone.sort());
    }
  });
});

describe('scanPatterns', () => {
  it('adds config patterns, matched case-insensitively, and drops disabled ones', () => {
    const patterns = scanPatterns({
      patterns: [{ id: 'custom.internal-domain', regex: '@internal\\.acme\\.dev$', kind: 'demo-user' }],
      disable: ['placeholder.sample'],
    });
    const custom = new PatternMatcher(patterns);
    expect(custom.match('QA@INTERNAL.ACME.DEV').map((pattern) => pattern.id)).toEqual([
      'custom.internal-domain',
    ]);
    expect(custom.match('Sample')).toEqual([]);
    expect(patterns.find((pattern) => pattern.id === 'custom.internal-domain')?.kind).toBe('demo-user');
  });

  it('lets a config pattern replace a built-in one of the same id', () => {
    const patterns = scanPatterns({ patterns: [{ id: 'placeholder.todo', regex: '^WIP$' }] });
    expect(patterns.filter((pattern) => pattern.id === 'placeholder.todo')).toHaveLength(1);
    expect(new PatternMatcher(patterns).match('TODO')).toEqual([]);
    expect(new PatternMatcher(patterns).match('wip').map((pattern) => pattern.id)).toEqual([
      'placeholder.todo',
    ]);
  });

  it('refuses a disable id that names no built-in pattern, suggesting the likely one', () => {
    expect(() => scanPatterns({ disable: ['placeholder.smaple'] })).toThrow(UsageError);
    expect(() => scanPatterns({ disable: ['placeholder.smaple'] })).toThrow(/not a built-in pattern/);
    try {
      scanPatterns({ disable: ['placeholder.smaple'] });
    } catch (error) {
      expect((error as UsageError).fix).toBe('did you mean placeholder.sample?');
    }
  });
});

describe('samples', () => {
  it('shows a test key as its prefix and last four characters', () => {
    expect(redactSecret('sk_test_4eC39HqLyjWDarjtT1zdp7dc')).toBe('sk_test_…p7dc');
    expect(redactSecret('AKIAIOSFODNN7EXAMPLE')).toBe('AKIA…MPLE');
    expect(redactSecret('changeme')).toBe('ch…');
  });

  it('redacts test secrets and secret-shaped tokens inside a value, whatever pattern it matched', () => {
    const sample = sampleOf(
      'TODO rotate sk_live_51HxYzAbCdEfGhIjKlMn and sk_test_4eC39HqLyjWDarjtT1zdp7dc',
      BUILT_IN_PATTERNS,
    );
    expect(sample).toBe('TODO rotate sk_live_…KlMn and sk_test_…p7dc');
  });

  it('keeps a sample to one line without control characters, cut around the match', () => {
    const sample = sampleOf(
      `${'word '.repeat(40)}\x1b[31mlorem ipsum\n${'tail '.repeat(40)}`,
      BUILT_IN_PATTERNS,
      /lorem/i,
    );
    expect(sample).not.toContain('\n');
    expect(sample).not.toContain('\x1b');
    expect(sample).toContain('lorem ipsum');
    expect(sample.length).toBeLessThanOrEqual(82);
  });
});
