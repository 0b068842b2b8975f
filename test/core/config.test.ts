import { afterEach, describe, expect, it } from 'vitest';
import { Project } from '../../src/core/project.js';
import { writeSecrets } from '../../src/core/secrets.js';
import { resolvePostgresTarget } from '../../src/stores/postgres/target.js';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

let project: TempProject;
afterEach(() => project?.remove());

describe('config', () => {
  it('loads a TypeScript config that imports defineConfig and env from launchdb', async () => {
    project = tempProject(`{
      project: '{project}',
      environments: { development: { postgres: {} }, production: { postgres: { url: env('PROD_URL') } } },
    }`);
    const loaded = await Project.load(project.dir);
    expect(loaded.name).toBe(project.name);
    expect(loaded.environmentNames()).toEqual(['development', 'production']);
    expect(loaded.environment('production').guarded).toBe(true);
    expect(loaded.environment('development').guarded).toBe(false);
  });

  it('finds the config from a subfolder', async () => {
    project = tempProject();
    project.write('src/app/.keep', '');
    const loaded = await Project.load(`${project.dir}/src/app`);
    expect(loaded.root).toBe(project.dir);
  });

  it('reports every problem with its path, exit 2', async () => {
    project = tempProject(`{
      project: 'Bad Name',
      environments: { production: { postgres: { url: 'mysql://x' }, gaurded: true } },
    }`);
    const result = await runCli(['check', '--env', 'production'], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('project: expected lowercase letters');
    expect(result.stderr).toContain('environments.production.postgres.url: expected a postgres:// URL');
    expect(result.stderr).toContain('environments.production: unknown key "gaurded"');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports a config that does not parse, exit 2', async () => {
    project = tempProject();
    project.write('launchdb.config.ts', 'export default { project: "x", environments: {\n');
    const result = await runCli(['check'], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/invalid config launchdb\.config\.ts: does not load/);
  });

  it('accepts a JSON config', async () => {
    project = tempProject();
    project.write('launchdb.config.ts', '');
    const { rmSync } = await import('node:fs');
    rmSync(`${project.dir}/launchdb.config.ts`);
    project.write(
      'launchdb.config.json',
      JSON.stringify({ project: 'jsonapp', environments: { development: {} } }),
    );
    expect((await Project.load(project.dir)).name).toBe('jsonapp');
  });

  it('names a missing environment variable', async () => {
    project = tempProject(`{
      project: '{project}',
      environments: { production: { postgres: { url: env('PROD_DATABASE_URL_MISSING') } } },
    }`);
    const result = await runCli(['check', '--env', 'production'], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('environment variable PROD_DATABASE_URL_MISSING is not set');
  });

  it('lists the declared environments when an undeclared one is named', async () => {
    project = tempProject();
    const result = await runCli(['check', '--env', 'prod'], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('environment "prod" is not declared');
    expect(result.stderr).toContain('declared: development, staging, production');
    expect(result.stderr).toContain('did you mean --env production?');
  });

  it('reads .env files, environment-specific ones winning, the process environment over all', async () => {
    project = tempProject(`{
      project: '{project}',
      environments: { staging: { postgres: { url: env('LDB_TEST_URL') } } },
    }`);
    project.write('.env', 'LDB_TEST_URL=postgres://from-dotenv/db\n');
    const loaded = await Project.load(project.dir);
    expect(resolvePostgresTarget(loaded.environment('staging'))).toMatchObject({ host: 'from-dotenv' });
    project.write('.env.staging', 'LDB_TEST_URL=postgres://from-staging/db\n');
    expect(resolvePostgresTarget(loaded.environment('staging'))).toMatchObject({ host: 'from-staging' });
    process.env.LDB_TEST_URL = 'postgres://from-process/db';
    try {
      expect(resolvePostgresTarget(loaded.environment('staging'))).toMatchObject({ host: 'from-process' });
    } finally {
      delete process.env.LDB_TEST_URL;
    }
  });

  it('resolves Postgres as flag, then config, then the recorded attachment, then embedded', async () => {
    project = tempProject(`{
      project: '{project}',
      environments: { development: { postgres: {} }, staging: { postgres: { url: 'postgres://config-host/db' } } },
    }`);
    const loaded = await Project.load(project.dir);
    const dev = loaded.environment('development');
    expect(resolvePostgresTarget(dev)).toMatchObject({ backing: 'embedded' });
    writeSecrets(loaded.stateDir, 'development', { DATABASE_URL: 'postgres://u:pw@recorded-host/db' });
    expect(resolvePostgresTarget(dev)).toMatchObject({
      backing: 'server',
      host: 'recorded-host',
      source: 'attachment',
    });
    expect(resolvePostgresTarget(dev, { url: 'postgres://flag-host/db' })).toMatchObject({ source: 'flag' });
    const staging = loaded.environment('staging');
    writeSecrets(loaded.stateDir, 'staging', { DATABASE_URL: 'postgres://recorded-host/db' });
    expect(resolvePostgresTarget(staging)).toMatchObject({ host: 'config-host', source: 'config' });
  });
});
