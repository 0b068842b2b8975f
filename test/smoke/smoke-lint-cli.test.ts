// `launchdb smoke lint`: exit 2 for a spec `launchdb smoke` would refuse (writes to production without
// a clean-up, a spec that does not parse), 0 when clean or with warnings only; --json for CI.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

const WRITES_WITHOUT_CLEANUP = [
  'steps:',
  '  - name: create an order',
  '    http:',
  '      method: POST',
  '      path: /orders',
  '      body: { reference: "{{run.id}}" }',
  '      expect: { status: 201 }',
  '',
].join('\n');

let project: TempProject;
beforeAll(() => {
  project = tempProject();
  project.write('launchdb.smoke.yaml', WRITES_WITHOUT_CLEANUP);
});
afterAll(() => project.remove());

describe('launchdb smoke lint', () => {
  it('refuses a spec that writes to production without a clean-up, at its line, exit 2', async () => {
    const result = await runCli(['smoke', 'lint', '--env', 'production'], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('launchdb.smoke.yaml:4  error  guarded-write-without-cleanup');
    expect(result.stdout).toContain('create an order: POST /orders writes to guarded environment production');
    expect(result.stdout).toContain('fix: add `finally` steps');
    expect(result.stdout).toContain(
      '1 error, 0 warnings in launchdb.smoke.yaml for production (guarded): `launchdb smoke` refuses this spec',
    );
  });

  it('passes the same spec for an environment that is not guarded', async () => {
    const result = await runCli(['smoke', 'lint', '--env', 'development'], { cwd: project.dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('no problems in launchdb.smoke.yaml for development\n');
  });

  it('prints one JSON document with --json', async () => {
    const result = await runCli(['smoke', 'lint', '--env', 'production', '--json'], { cwd: project.dir });
    expect(result.code).toBe(2);
    const document = JSON.parse(result.stdout);
    expect(document).toMatchObject({
      spec: 'launchdb.smoke.yaml',
      environment: 'production',
      guarded: true,
      errors: 1,
      warnings: 0,
    });
    expect(document.findings[0]).toMatchObject({
      severity: 'error',
      rule: 'guarded-write-without-cleanup',
      line: 4,
    });
  });

  it('reads --spec from the current folder, and passes warnings with exit 0', async () => {
    project.write('smoke/health.yaml', 'steps:\n  - http: { path: /health }\n');
    const result = await runCli(['smoke', 'lint', '--env', 'production', '--spec', 'smoke/health.yaml'], {
      cwd: project.dir,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('smoke/health.yaml:2  warn  http-without-expect');
    expect(result.stdout).toContain('0 errors, 1 warning in smoke/health.yaml for production (guarded)');
  });

  it('names the file and line of a spec that does not parse, without a stack, exit 2', async () => {
    project.write('smoke/broken.yaml', 'steps:\n  - http:\n      path: orders\n');
    const result = await runCli(['smoke', 'lint', '--spec', 'smoke/broken.yaml'], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'error: smoke/broken.yaml:3: steps[0].http.path: expected a path starting with /\n' +
        '  fix: fix the smoke spec; docs/SMOKE.md describes every field\n',
    );
  });

  it('refuses two spec files at the root, naming both', async () => {
    project.write('launchdb.smoke.ts', 'export default { steps: [] };\n');
    try {
      const result = await runCli(['smoke', 'lint'], { cwd: project.dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('launchdb.smoke.ts and launchdb.smoke.yaml');
    } finally {
      rmSync(join(project.dir, 'launchdb.smoke.ts'));
    }
  });
});
