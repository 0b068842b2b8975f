// launchdb/pool is imported by apps: it must not pull in the checks or provisioning (DESIGN.md), only
// the small shared modules both use.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const POOL = new URL('../../src/pool/', import.meta.url).pathname;

describe('launchdb/pool', () => {
  it('imports nothing from checks/ or provision/', () => {
    const offending: string[] = [];
    for (const file of readdirSync(POOL).filter((name) => name.endsWith('.ts'))) {
      const text = readFileSync(join(POOL, file), 'utf8');
      for (const [, path] of text.matchAll(/from '([^']+)'/g)) {
        if (/\/(checks|provision)\//.test(path!)) offending.push(`${file}: ${path}`);
      }
    }
    expect(offending).toEqual([]);
  });
});
