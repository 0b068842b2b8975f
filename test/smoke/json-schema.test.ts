// The committed JSON Schema of the smoke spec is what the zod schema generates, and editors using it
// accept the documented spec and flag a wrong one.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SMOKE_SCHEMA_FILE, smokeJsonSchema } from '../../src/smoke/json-schema.js';

const committed = JSON.parse(readFileSync(new URL(`../../${SMOKE_SCHEMA_FILE}`, import.meta.url), 'utf8'));

describe(SMOKE_SCHEMA_FILE, () => {
  it('is what the spec schema generates (after a change to src/smoke/spec.ts, run `npm run schemas`)', () => {
    expect(committed, 'schemas/launchdb.smoke.schema.json is stale: run `npm run schemas`').toEqual(
      smokeJsonSchema(),
    );
  });

  it('accepts the docs example and refuses a path without its slash and an unknown key', () => {
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(committed);
    const docs = readFileSync(new URL('../../docs/SMOKE.md', import.meta.url), 'utf8');
    const example = /```yaml\n(# yaml-language-server[\s\S]*?)```/.exec(docs)![1]!;
    expect(validate(parse(example)), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ steps: [{ http: { path: 'orders' } }] })).toBe(false);
    expect(validate({ steps: [{ http: { path: '/orders', methd: 'POST' } }] })).toBe(false);
  });

  it('is shipped in the package', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(pkg.files).toContain('schemas');
    expect(pkg.scripts.schemas).toBe('node scripts/schemas.mjs');
  });
});
