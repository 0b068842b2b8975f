// Loading the smoke spec: YAML and TypeScript through one schema, every problem at its file:line,
// the docs' examples valid, one spec file at the root.
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { findSmokeSpec, loadSmokeSpec } from '../../src/smoke/load-spec.js';
import { SpecError } from '../../src/smoke/spec-error.js';

let root: string | undefined;
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
});

/** A project root holding `files`. */
function rootWith(files: Record<string, string | Buffer>): string {
  root = mkdtempSync(join(tmpdir(), 'launchdb-smoke-spec-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(root, name), text);
  return root;
}

/** The error `loadSmokeSpec` throws for `files`. */
async function loadError(
  files: Record<string, string | Buffer>,
  file?: string,
): Promise<SpecError | UsageError> {
  const error = await loadSmokeSpec(rootWith(files), file).catch((thrown: unknown) => thrown);
  expect(error).toBeInstanceOf(UsageError);
  return error as UsageError;
}

/** The code blocks of docs/SMOKE.md in `language` that `holds` text. */
function docsExample(language: string, holds: string): string {
  const docs = readFileSync(new URL('../../docs/SMOKE.md', import.meta.url), 'utf8');
  const blocks = [...docs.matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, 'g'))].map(
    (m) => m[1]!,
  );
  const block = blocks.find((text) => text.includes(holds));
  if (!block) throw new Error(`docs/SMOKE.md has no ${language} block with ${holds}`);
  return block;
}

const YAML_HEAD = 'app:\n  url: http://127.0.0.1:3000\n';

describe('the docs examples', () => {
  it('load, in YAML and in TypeScript, as the same spec', async () => {
    const yaml = docsExample('yaml', 'yaml-language-server');
    const fromYaml = await loadSmokeSpec(rootWith({ 'launchdb.smoke.yaml': yaml }));
    expect(fromYaml.file).toBe('launchdb.smoke.yaml');
    expect(fromYaml.checksum).toBe(createHash('sha256').update(yaml).digest('hex'));
    expect(fromYaml.spec.steps).toHaveLength(7);
    // Defaults are filled in: a GET with no method, a poll's interval.
    expect(fromYaml.spec.steps[2]!.http!.method).toBe('GET');
    expect(fromYaml.spec.steps[5]!.poll!.intervalMs).toBe(250);

    const fromTs = await loadSmokeSpec(rootWith({ 'launchdb.smoke.ts': docsExample('ts', 'defineSmoke(') }));
    expect(fromTs.file).toBe('launchdb.smoke.ts');
    expect(fromTs.lineOf).toBeUndefined();
    expect(fromTs.spec).toEqual(fromYaml.spec);
  });
});

describe('a YAML spec with problems', () => {
  it('names the file, the line, the path and the schema message', async () => {
    const error = await loadError({
      'launchdb.smoke.yaml': `${YAML_HEAD}steps:\n  - http: { path: /a }\n  - http: { path: /b }\n  - http:\n      method: POST\n      path: orders\n`,
    });
    expect(error).toBeInstanceOf(SpecError);
    expect(error.message).toBe('launchdb.smoke.yaml:8: steps[2].http.path: expected a path starting with /');
    expect(error.exitCode).toBe(2);
  });

  it('gives every problem a line of its own: an unknown key at its own line, a missing field at its step', async () => {
    const error = (await loadError({
      'launchdb.smoke.yaml': [
        'steps:',
        '  - name: read',
        '    sql:',
        '      qurey: select 1',
        '  - name: create',
        '    http:',
        '      method: POST',
        '  - name: wait',
        '    poll:',
        '      step: { http: { path: /x, expect: { status: 99 } } }',
        '',
      ].join('\n'),
    })) as SpecError;
    expect(error.message).toBe('launchdb.smoke.yaml: 4 problems in the smoke spec');
    expect(error.problems).toEqual([
      'launchdb.smoke.yaml:3: steps[0].sql.query: missing: expected string',
      'launchdb.smoke.yaml:4: steps[0].sql: unknown key "qurey"',
      'launchdb.smoke.yaml:6: steps[1].http.path: missing: expected string',
      'launchdb.smoke.yaml:10: steps[2].poll.step.http.expect.status: Too small: expected number to be >=100',
    ]);
  });

  it('names the line and the parser words of a syntax error', async () => {
    const error = await loadError({ 'launchdb.smoke.yaml': 'steps:\n  - http: { path: /a\n  - sql: {}\n' });
    expect(error.message).toMatch(/^launchdb\.smoke\.yaml:\d: [^\n]+$/);
    expect(error.message).not.toContain('at line');
    const twice = await loadError({ 'launchdb.smoke.yaml': 'steps: []\nsteps: []\n' });
    expect(twice.message).toBe('launchdb.smoke.yaml:2: Map keys must be unique');
  });

  it('names the step and the capture no earlier step makes, with the ones it does', async () => {
    const error = await loadError({
      'launchdb.smoke.yaml': [
        'steps:',
        '  - http: { method: POST, path: /orders, capture: { orderId: /id } }',
        '  - name: read it back',
        '    http:',
        '      path: /orders/{{orderid}}',
        '',
      ].join('\n'),
    });
    expect(error.message).toBe(
      'launchdb.smoke.yaml:5: read it back: {{orderid}} is captured by no earlier step (captured before it: orderId)',
    );
    expect(error.fix).toBe('did you mean {{orderId}}?');
  });

  it('says so when the capture is made, but only by a later step', async () => {
    const error = await loadError({
      'launchdb.smoke.yaml':
        'steps:\n  - http: { path: "/orders/{{orderId}}" }\n  - http: { path: /o, capture: { orderId: /id } }\n',
    });
    expect(error.message).toContain(
      'launchdb.smoke.yaml:2: step 1 (http GET /orders/{{orderId}}): {{orderId}} is captured',
    );
    expect(error.fix).toBe('orderId is captured by step 2 (http GET /o), after this step');
  });

  it('lets finally steps use any capture of steps, and no other', async () => {
    const files = (finallyPath: string) => ({
      'launchdb.smoke.yaml': `steps:\n  - http: { path: /a, capture: { a: /id } }\n  - http: { path: /b, capture: { b: /id } }\nfinally:\n  - http: { method: DELETE, path: "${finallyPath}" }\n`,
    });
    await expect(loadSmokeSpec(rootWith(files('/x/{{b}}/{{a}}')))).resolves.toBeDefined();
    const error = await loadError(files('/x/{{c}}'));
    expect(error.message).toBe(
      'launchdb.smoke.yaml:5: finally step 1 (http DELETE /x/{{c}}): {{c}} is captured by no step (captured before it: a, b)',
    );
  });

  it('refuses a capture in the app settings, which are rendered before any step', async () => {
    const error = await loadError({
      'launchdb.smoke.yaml':
        'app:\n  headers:\n    x-order: "{{orderId}}"\nsteps:\n  - http: { path: /o, capture: { orderId: /id } }\n',
    });
    expect(error.message).toMatch(
      /^launchdb\.smoke\.yaml:3: app\.headers\.x-order: app\.headers\.x-order uses \{\{orderId\}\}/,
    );
  });

  it('takes a URL written as a template, and refuses one that is neither a URL nor a template', async () => {
    const spec = (url: string) => ({
      'launchdb.smoke.yaml': `app:\n  url: "${url}"\nsteps:\n  - log: { url: "${url}/log", pattern: "done {{run.id}}" }\n`,
    });
    await expect(loadSmokeSpec(rootWith(spec('{{env.APP_URL}}')))).resolves.toBeDefined();
    await expect(loadSmokeSpec(rootWith(spec('http://127.0.0.1:3000')))).resolves.toBeDefined();
    const error = (await loadError(spec('localhost:3000'))) as SpecError;
    expect(error.problems).toEqual([
      'launchdb.smoke.yaml:2: app.url: expected an http:// or https:// URL, or a template such as {{env.APP_URL}}',
      'launchdb.smoke.yaml:4: steps[0].log.url: expected an http:// or https:// URL, or a template such as {{env.APP_URL}}',
    ]);
  });

  it('refuses a log pattern that is not a regular expression', async () => {
    const error = await loadError({
      'launchdb.smoke.yaml':
        'steps:\n  - log:\n      file: app.log\n      pattern: "order (created {{run.id}}"\n',
    });
    expect(error.message).toMatch(
      /^launchdb\.smoke\.yaml:4: steps\[0\]\.log\.pattern: expected a regular expression: .*Unterminated group/,
    );
  });

  it('refuses text that is not UTF-8', async () => {
    const error = await loadError({ 'launchdb.smoke.yaml': Buffer.from([0x73, 0x74, 0xff, 0x0a]) });
    expect(error.message).toBe('launchdb.smoke.yaml: is not UTF-8 text');
  });
});

describe('a TypeScript spec with problems', () => {
  it('names the path and the message, without a line', async () => {
    const error = await loadError({
      'launchdb.smoke.ts': "export default { steps: [{ http: { path: 'orders' } }] };\n",
    });
    expect(error.message).toBe('launchdb.smoke.ts: steps[0].http.path: expected a path starting with /');
  });

  it('names the line and column where it throws', async () => {
    const error = await loadError({
      'launchdb.smoke.ts':
        'const token = process.env;\nconst url = token.NOPE.trim();\nexport default { url };\n',
    });
    expect(error.message).toMatch(/^launchdb\.smoke\.ts: does not load: .+ \(launchdb\.smoke\.ts:2:\d+\)$/);
    expect(error.message).not.toContain('\n');
  });

  it('names the line and column of a syntax error', async () => {
    const error = await loadError({
      'launchdb.smoke.ts': 'export default {\n  app: {},\n  steps: []\n  finally: [],\n};\n',
    });
    // `finally` on line 4, column 3, where a comma was expected before it.
    expect(error.message).toMatch(/^launchdb\.smoke\.ts: does not load: .+ \(launchdb\.smoke\.ts:4:3\)$/);
  });
});

describe('finding the spec file', () => {
  it('refuses two spec files, naming both', async () => {
    const error = await loadError({
      'launchdb.smoke.ts': 'export default {};\n',
      'launchdb.smoke.yaml': 'steps: []\n',
    });
    expect(error).not.toBeInstanceOf(SpecError);
    expect(error.message).toBe(
      'more than one smoke spec at the project root: launchdb.smoke.ts and launchdb.smoke.yaml',
    );
    expect(error.fix).toContain('--spec FILE');
  });

  it('names the files looked for and the fix when there is none', async () => {
    const error = await loadError({ 'README.md': '' });
    expect(error.message).toBe(
      'no smoke spec at the project root (looked for launchdb.smoke.ts, launchdb.smoke.mts, launchdb.smoke.js, launchdb.smoke.mjs, launchdb.smoke.yaml, launchdb.smoke.yml)',
    );
    expect(error.fix).toContain('docs/SMOKE.md');
    expect(findSmokeSpec(root!)).toBeUndefined();
  });

  it('loads the file named, relative to the root, beside another one', async () => {
    const dir = rootWith({
      'launchdb.smoke.yaml': 'steps: []\n',
      'other.yml': 'steps:\n  - http: { path: /health }\n',
    });
    const loaded = await loadSmokeSpec(dir, 'other.yml');
    expect(loaded.file).toBe('other.yml');
    expect(loaded.spec.steps[0]!.http!.path).toBe('/health');
    expect(findSmokeSpec(dir)).toBe('launchdb.smoke.yaml');
  });

  it('refuses a named file that does not exist or is no spec', async () => {
    expect((await loadError({}, 'nope.yaml')).message).toBe('smoke spec nope.yaml does not exist');
    expect((await loadError({ 'spec.json': '{}' }, 'spec.json')).message).toBe(
      'smoke spec spec.json is not a spec file launchdb reads',
    );
  });
});
