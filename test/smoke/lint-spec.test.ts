// smoke lint's findings: writes to a guarded environment need a clean-up, sql steps must only read
// (by the Postgres parser), captures must exist, http steps should expect something.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lintExitCode, lintSmokeSpec, type SpecFinding } from '../../src/smoke/lint-spec.js';
import { type LoadedSpec, readSmokeSpec } from '../../src/smoke/load-spec.js';
import { type SmokeSpecInput, smokeSpecSchema } from '../../src/smoke/spec.js';

const production = { guarded: true, environment: 'production' };
const development = { guarded: false, environment: 'development' };

function loaded(spec: SmokeSpecInput): LoadedSpec {
  return { spec: smokeSpecSchema.parse(spec), file: 'launchdb.smoke.ts', checksum: '' };
}

function rules(findings: SpecFinding[]): string[] {
  return findings.map((finding) => finding.rule);
}

const create = {
  name: 'create',
  http: { method: 'POST' as const, path: '/orders', expect: { status: 201 } },
};
const remove = { http: { method: 'DELETE' as const, path: '/orders/1', expect: { status: 204 } } };
const records = [{ table: 'orders', column: 'reference' }];

describe('a spec that writes', () => {
  it('is refused against a guarded environment without finally steps or without records', async () => {
    const noFinally = await lintSmokeSpec(loaded({ records, steps: [create] }), production);
    expect(noFinally).toEqual([
      expect.objectContaining({
        severity: 'error',
        rule: 'guarded-write-without-cleanup',
        step: 'create',
        message: expect.stringContaining(
          'writes to guarded environment production, and the spec has no `finally` steps',
        ),
      }),
    ]);
    expect(lintExitCode(noFinally)).toBe(2);

    const noRecords = await lintSmokeSpec(loaded({ steps: [create], finally: [remove] }), production);
    expect(noRecords[0]!.message).toContain(
      'has no `records`: nothing it leaves there can be proven cleaned up',
    );
    const neither = await lintSmokeSpec(
      loaded({ steps: [create, { ...create, name: 'again' }] }),
      production,
    );
    expect(neither[0]!.message).toContain('POST /orders (and 1 more writing step) writes');
    expect(neither[0]!.message).toContain('no `finally` steps and no `records`');
  });

  it('passes with a clean-up and records, and against an environment that is not guarded', async () => {
    expect(await lintSmokeSpec(loaded({ records, steps: [create], finally: [remove] }), production)).toEqual(
      [],
    );
    expect(await lintSmokeSpec(loaded({ steps: [create] }), development)).toEqual([]);
  });

  it('counts a write a poll retries, and not a read', async () => {
    const polled = {
      poll: { step: { http: { method: 'PUT' as const, path: '/o', expect: { status: 200 } } } },
    };
    expect(rules(await lintSmokeSpec(loaded({ steps: [polled] }), production))).toEqual([
      'guarded-write-without-cleanup',
    ]);
    const read = { http: { path: '/orders', expect: { status: 200 } } };
    expect(await lintSmokeSpec(loaded({ steps: [read] }), production)).toEqual([]);
  });
});

describe('sql steps', () => {
  const sql = (query: string) => loaded({ steps: [{ sql: { query } }] });

  it('pass a query that only reads, with templates in it', async () => {
    expect(
      await lintSmokeSpec(
        sql("select * from orders where reference = '{{run.id}}' and id = $1"),
        development,
      ),
    ).toEqual([]);
    expect(await lintSmokeSpec(sql('explain select 1'), development)).toEqual([]);
  });

  it.each([
    ['insert into orders default values', 'INSERT writes'],
    ['update orders set status = $1', 'UPDATE writes'],
    ['delete from orders', 'DELETE writes'],
    ['create table t (a int)', 'CREATE TABLE is not a query'],
    ['truncate orders', 'TRUNCATE is not a query'],
    ['with gone as (delete from orders returning id) select count(*) from gone', 'DELETE inside it writes'],
    ['explain analyze insert into orders default values', 'INSERT inside it writes'],
    ['select * into copy from orders', 'SELECT INTO creates a table'],
    ['select * from orders for update', 'FOR UPDATE / FOR SHARE locks rows'],
    ['select 1; delete from orders', 'DELETE writes'],
  ])('refuse %s', async (query, reason) => {
    const findings = await lintSmokeSpec(sql(query), development);
    expect(findings).toEqual([
      expect.objectContaining({
        severity: 'error',
        rule: 'sql-writes',
        message: expect.stringContaining(
          `the query would be refused: ${reason}, and sql steps run as the read-only role`,
        ),
      }),
    ]);
  });

  it('report a query that does not parse, and a comment or a string that only looks like a write', async () => {
    expect(await lintSmokeSpec(sql('selec 1'), development)).toEqual([
      expect.objectContaining({
        rule: 'sql-syntax',
        message: 'the query does not parse: syntax error at or near "selec"',
      }),
    ]);
    expect(await lintSmokeSpec(sql("select 'delete from orders' -- insert\n"), development)).toEqual([]);
  });

  it('name an environment the project does not have', async () => {
    const other = loaded({ steps: [{ sql: { env: 'stagng', query: 'select 1' } }] });
    const findings = await lintSmokeSpec(other, { ...development, environments: ['development', 'staging'] });
    expect(findings).toEqual([
      expect.objectContaining({ rule: 'unknown-environment', fix: 'did you mean staging?' }),
    ]);
  });
});

describe('warnings', () => {
  it('an http step with no expect, and an unset variable, pass with exit 0', async () => {
    const spec = loaded({
      app: { headers: { authorization: 'Bearer {{env.SMOKE_TOKEN}}' } },
      steps: [{ http: { path: '/' } }],
    });
    const findings = await lintSmokeSpec(spec, { ...development, variables: { OTHER: 'x' } });
    expect(findings.map((finding) => [finding.severity, finding.rule])).toEqual([
      ['warn', 'http-without-expect'],
      ['warn', 'unset-variable'],
    ]);
    expect(findings[0]!.message).toBe(
      'GET / has no `expect`: any 2xx passes and nothing in the body is checked',
    );
    expect(lintExitCode(findings)).toBe(0);
    expect(await lintSmokeSpec(spec, { ...development, variables: { SMOKE_TOKEN: 't' } })).toHaveLength(1);
  });
});

describe('a YAML spec', () => {
  const dir = mkdtempSync(join(tmpdir(), 'launchdb-smoke-lint-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('gets each finding at its line, unknown captures included', async () => {
    writeFileSync(
      join(dir, 'launchdb.smoke.yaml'),
      [
        'steps:',
        '  - name: create',
        '    http:',
        '      method: POST',
        '      path: /orders',
        '      expect: { status: 201 }',
        '  - name: read',
        '    sql:',
        '      query: select 1 from orders where id = $1',
        '      params: ["{{orderId}}"]',
        '',
      ].join('\n'),
    );
    const findings = await lintSmokeSpec(await readSmokeSpec(dir), production);
    expect(findings.map((finding) => [finding.rule, finding.line, finding.step])).toEqual([
      ['unknown-capture', 10, 'read'],
      ['guarded-write-without-cleanup', 4, 'create'],
    ]);
  });
});
