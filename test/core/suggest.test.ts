import { describe, expect, it } from 'vitest';
import { suggest } from '../../src/core/suggest.js';

describe('suggest', () => {
  it('finds the command a typo meant', () => {
    expect(suggest('chekc', ['check', 'attach', 'init'])).toBe('check');
  });
  it('suggests nothing for an unrelated word', () => {
    expect(suggest('banana', ['check', 'attach', 'init'])).toBeUndefined();
  });
});
