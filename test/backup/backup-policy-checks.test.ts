// The backup policy checks, each made to fail and to pass: configured, retention, restore-owner,
// protected and offsite.
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Check } from '../../src/core/checks/check.js';
import { Project } from '../../src/core/project.js';
import { backupsConfigured } from '../../src/stores/postgres/checks/backups-configured.js';
import { backupsOffsite } from '../../src/stores/postgres/checks/backups-offsite.js';
import { backupsProtected } from '../../src/stores/postgres/checks/backups-protected.js';
import { backupsRestoreOwner } from '../../src/stores/postgres/checks/backups-restore-owner.js';
import { backupsRetention } from '../../src/stores/postgres/checks/backups-retention.js';
import type { PostgresCheckContext } from '../../src/stores/postgres/checks/context.js';
import { PostgresSession } from '../../src/stores/postgres/session.js';
import { resolvePostgresTarget } from '../../src/stores/postgres/target.js';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

describe('backup policy checks', () => {
  let project: TempProject;

  /**
   * Rewrites the config with `backups` (a JS object literal) and `scheduler` (one, or none) and judges
   * `check` in production.
   */
  async function judge(check: Check<PostgresCheckContext>, backups = '{}', url?: string, scheduler?: string) {
    project.write(
      'launchdb.config.ts',
      `import { defineConfig } from 'launchdb';\nexport default defineConfig({ project: '${project.name}', environments: { production: { postgres: {} }, development: { postgres: {} } }, backups: ${backups}${scheduler ? `, scheduler: ${scheduler}` : ''} });\n`,
    );
    const loaded = await Project.load(project.dir);
    const env = loaded.environment('production');
    const session = new PostgresSession(env, resolvePostgresTarget(env, url ? { url } : {})!, {
      connectTimeoutMs: 2_000,
      command: 'test',
    });
    try {
      return await check.run({ project: loaded, env, postgres: session, now: new Date() });
    } finally {
      await session.close();
    }
  }

  beforeAll(async () => {
    project = tempProject();
    const cli = (args: string[]) => runCli(args, { cwd: project.dir });
    expect((await cli(['attach', 'postgres', '--env', 'production', '--confirm', 'production'])).code).toBe(
      0,
    );
    expect((await cli(['backup', 'create', '--env', 'production'])).code).toBe(0);
  });
  afterAll(() => project?.remove());

  it('backups.configured: fails with nothing, warns on declared provider backups, passes with a backup job', async () => {
    const none = await judge(backupsConfigured);
    expect(none.status).toBe('fail');
    expect(none.fix).toBe(
      "declare scheduler: { jobs: [{ job: 'backup', env: 'production', cron: '0 3 * * *' }] } and run `launchdb scheduler run` as a service, or declare backups.provider",
    );
    const provider = await judge(
      backupsConfigured,
      `{ provider: { name: 'Neon', automatedBackups: true, retentionDays: 7, pointInTime: true } }`,
    );
    expect(provider.status).toBe('warn');
    expect(provider.summary).toContain('declared, not verified');
    expect(provider.fix).toContain('backup drill');
    // A backup job of another environment, or another job of this one, is not this environment's backups.
    const elsewhere = `{ jobs: [{ job: 'backup', env: 'development', cron: '0 3 * * *' }, { job: 'verify', env: 'production', cron: '0 5 * * *' }] }`;
    expect((await judge(backupsConfigured, '{}', undefined, elsewhere)).status).toBe('fail');
    const job = `{ timezone: 'Europe/Berlin', jobs: [{ job: 'backup', env: 'production', cron: '15 2 * * *' }] }`;
    expect(await judge(backupsConfigured, '{}', undefined, job)).toMatchObject({
      status: 'pass',
      summary: 'the scheduler takes backups at "15 2 * * *" (Europe/Berlin) to .launchdb/backups/production',
      details: { cron: '15 2 * * *', timezone: 'Europe/Berlin' },
    });
  });

  it('backups.retention: warns without a policy and under 7 days, passes at 7 or more', async () => {
    const job = `{ jobs: [{ job: 'backup', env: 'production', cron: '0 3 * * *' }] }`;
    const none = await judge(backupsRetention, '{}', undefined, job);
    expect(none.status).toBe('warn');
    expect(none.fix).toContain("a prune job in scheduler.jobs ({ job: 'prune', env: 'production'");
    const short = await judge(backupsRetention, `{ retention: { daily: 3 } }`, undefined, job);
    expect(short).toMatchObject({ status: 'warn' });
    expect(short.summary).toContain('3 days, under 7');
    expect(
      (await judge(backupsRetention, `{ retention: { daily: 7, weekly: 4, monthly: 6 } }`)).summary,
    ).toContain('180 days');
    expect(
      (
        await judge(
          backupsRetention,
          `{ provider: { name: 'RDS', automatedBackups: true, retentionDays: 14 } }`,
        )
      ).status,
    ).toBe('pass');
  });

  it('backups.restore-owner: fails in production with nobody named, passes with an owner', async () => {
    expect((await judge(backupsRestoreOwner)).status).toBe('fail');
    const named = await judge(
      backupsRestoreOwner,
      `{ restoreOwners: [{ name: 'Ada Lovelace', contact: 'ada@shop.dev' }] }`,
    );
    expect(named).toMatchObject({ status: 'pass', summary: 'can restore: Ada Lovelace (ada@shop.dev)' });
  });

  it('backups.protected: passes for 0700/0600, fails once others can read the folder', async () => {
    expect((await judge(backupsProtected)).status).toBe('pass');
    const folder = join(project.dir, '.launchdb', 'backups', 'production');
    chmodSync(folder, 0o755);
    try {
      const open = await judge(backupsProtected);
      expect(open.status).toBe('fail');
      expect(open.summary).toContain('(755)');
      expect(open.fix).toContain('chmod -R go-rwx');
    } finally {
      chmodSync(folder, 0o700);
    }
  });

  it('backups.offsite: warns beside an embedded or loopback database, passes for a database elsewhere', async () => {
    const embedded = await judge(backupsOffsite);
    expect(embedded.status).toBe('warn');
    expect(embedded.summary).toContain('same machine and disk');
    expect((await judge(backupsOffsite, '{}', 'postgresql://app@127.0.0.1:5432/shop')).status).toBe('warn');
    expect((await judge(backupsOffsite, '{}', 'postgresql://app@db.internal.example:5432/shop')).status).toBe(
      'pass',
    );
  });
});
