import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSecrets, secretsFile } from '../../src/core/secrets.js';
import { readMarker } from '../../src/stores/postgres/marker.js';
import { openServer } from '../../src/stores/postgres/server.js';
import { runCli } from '../helpers/cli.js';
import { adminQuery, serverAvailable, serverUrlFor, uniqueName } from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';

describe('attach postgres, embedded', () => {
  let project: TempProject;
  beforeAll(() => {
    project = tempProject();
  });
  afterAll(() => project.remove());

  it('refuses to change production without confirmation when there is no terminal', async () => {
    const result = await runCli(['attach', 'postgres', '--env', 'production'], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('target: project');
    expect(result.stderr).toContain('refusing to change guarded environment production');
    expect(result.stderr).toContain('--confirm production');
  });

  it('refuses a wrong typed confirmation and a wrong --confirm', async () => {
    const typed = await runCli(['attach', 'postgres', '--env', 'production'], {
      cwd: project.dir,
      answers: ['prod'],
    });
    expect(typed.code).toBe(2);
    expect(typed.stderr).toContain('"prod" is not "production"; nothing was changed');
    const flag = await runCli(['attach', 'postgres', '--env', 'production', '--confirm', 'staging'], {
      cwd: project.dir,
    });
    expect(flag.code).toBe(2);
  });

  it('attaches an embedded database once confirmed, and marks it', async () => {
    const result = await runCli(
      ['attach', 'postgres', '--env', 'production', '--confirm', 'production', '--json'],
      {
        cwd: project.dir,
      },
    );
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({ environment: 'production', backing: 'embedded', marked: true });
    const again = await runCli(['attach', 'postgres', '--env', 'production'], {
      cwd: project.dir,
      answers: ['production'],
    });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already attached');
  });

  it('is ready on a freshly attached embedded environment, but for the backups production needs', async () => {
    const result = await runCli(['check', '--env', 'production', '--json'], { cwd: project.dir });
    const report = JSON.parse(result.stdout);
    expect(Object.keys(report)).toEqual(['project', 'environment', 'verdict', 'checks', 'durationMs']);
    expect(report.verdict).toBe('not ready');
    expect(result.code).toBe(1);
    const failing = report.checks
      .filter((c: { status: string }) => c.status === 'fail' || c.status === 'error')
      .map((c: { id: string }) => c.id);
    expect(failing.filter((id: string) => !id.startsWith('backups.'))).toEqual([]);
    const ready = await runCli(['check', '--env', 'production', '--json', '--only', 'provisioning'], {
      cwd: project.dir,
    });
    expect(JSON.parse(ready.stdout).verdict).toBe('ready');
    const statuses = Object.fromEntries(
      report.checks.map((c: { id: string; status: string }) => [c.id, c.status]),
    );
    expect(statuses['provisioning.read-write']).toBe('pass');
    expect(statuses['access.app-role-superuser']).toBe('skip');
  });

  it('writes JUnit and Markdown reports beside the terminal one', async () => {
    const result = await runCli(
      [
        'check',
        '--env',
        'production',
        '--junit',
        'reports/l.xml',
        '--markdown',
        'reports/l.md',
        '--only',
        'provisioning',
      ],
      { cwd: project.dir },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('READY');
    expect(statSync(`${project.dir}/reports/l.xml`).size).toBeGreaterThan(0);
    expect(statSync(`${project.dir}/reports/l.md`).size).toBeGreaterThan(0);
  });

  it('is not ready when an environment was never attached', async () => {
    const result = await runCli(['check', '--env', 'staging', '--json'], { cwd: project.dir });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout);
    expect(report.verdict).toBe('not ready');
    const isolation = report.checks.find((c: { id: string }) => c.id === 'provisioning.isolation');
    expect(isolation.status).toBe('fail');
  });

  it('refuses a store it does not know', async () => {
    const result = await runCli(['attach', 'postgre'], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('did you mean `launchdb attach postgres`?');
  });
});

describe.skipIf(!serverAvailable)('attach postgres --url, on the server', () => {
  let project: TempProject;
  const database = uniqueName('ldb_url');
  beforeAll(async () => {
    project = tempProject();
    await adminQuery(`create database ${database}`);
  });
  afterAll(async () => {
    project.remove();
    await adminQuery(`drop database if exists ${database} with (force)`);
  });

  it('verifies, marks and records a given URL in a 0600 secrets file, without printing the password', async () => {
    const url = serverUrlFor(database).replace('postgres@', 'postgres:trustpw123@');
    const result = await runCli(['attach', 'postgres', '--env', 'staging', '--url', url], {
      cwd: project.dir,
    });
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).not.toContain('trustpw123');
    const file = secretsFile(`${project.dir}/.launchdb`, 'staging');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readSecrets(`${project.dir}/.launchdb`, 'staging').DATABASE_URL).toBe(url);
    const db = await openServer(url);
    expect(await readMarker(db)).toMatchObject({ project: project.name, environment: 'staging' });
    await db.close();
  });

  it('checks the recorded server environment', async () => {
    const result = await runCli(['check', '--env', 'staging', '--json'], { cwd: project.dir });
    const report = JSON.parse(result.stdout);
    const statuses = Object.fromEntries(
      report.checks.map((c: { id: string; status: string }) => [c.id, c.status]),
    );
    expect(statuses['provisioning.reachable']).toBe('pass');
    expect(statuses['provisioning.isolation']).toBe('pass');
    // The shared server's superuser is the app here: exactly what the access checks must catch.
    expect(statuses['access.app-role-superuser']).toBe('fail');
    expect(report.verdict).toBe('not ready');
    expect(result.code).toBe(1);
  });

  it('lets --strict turn warnings into not ready', async () => {
    const run = async (extra: string[]) => {
      const result = await runCli(
        ['check', '--env', 'staging', '--only', 'provisioning', '--json', ...extra],
        {
          cwd: project.dir,
        },
      );
      return { code: result.code, report: JSON.parse(result.stdout) };
    };
    const loose = await run([]);
    const strict = await run(['--strict']);
    const statuses = loose.report.checks.map((c: { status: string }) => c.status);
    // PostgreSQL 15 is within a year of its end of life (2027-11-11): server-version warns, later fails.
    expect(statuses.some((s: string) => s === 'warn' || s === 'fail')).toBe(true);
    if (!statuses.includes('fail')) {
      expect(loose).toMatchObject({ code: 0, report: { verdict: 'ready' } });
    }
    expect(strict).toMatchObject({ code: 1, report: { verdict: 'not ready' } });
  });

  it('refuses a database already marked for another environment, exit 2', async () => {
    const url = serverUrlFor(database);
    const result = await runCli(
      ['attach', 'postgres', '--env', 'production', '--url', url, '--confirm', 'production'],
      {
        cwd: project.dir,
      },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is already attached to environment "staging"');
  });
});
