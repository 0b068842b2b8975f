// The backup checks, each made to fail and to pass on a real (embedded) environment.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Check } from '../../src/core/checks/check.js';
import { Project } from '../../src/core/project.js';
import { backupsDrill } from '../../src/stores/postgres/checks/backups-drill.js';
import { backupsEncrypted } from '../../src/stores/postgres/checks/backups-encrypted.js';
import { backupsRecent } from '../../src/stores/postgres/checks/backups-recent.js';
import { backupsVerify } from '../../src/stores/postgres/checks/backups-verify.js';
import type { PostgresCheckContext } from '../../src/stores/postgres/checks/context.js';
import { PostgresSession } from '../../src/stores/postgres/session.js';
import { resolvePostgresTarget } from '../../src/stores/postgres/target.js';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

const DAY = 24 * 3_600_000;
const KEY = 'the production backup key, long enough';

describe('backup checks', () => {
  let project: TempProject;
  const cli = (args: string[]) => runCli(args, { cwd: project.dir });

  async function judge(check: Check<PostgresCheckContext>, env: string, now = new Date()) {
    const loaded = await Project.load(project.dir);
    const environment = loaded.environment(env);
    const session = new PostgresSession(environment, resolvePostgresTarget(environment)!, {
      connectTimeoutMs: 5_000,
      command: 'test',
    });
    try {
      return await check.run({ project: loaded, env: environment, postgres: session, now });
    } finally {
      await session.close();
    }
  }

  beforeAll(async () => {
    project = tempProject();
    for (const env of ['development', 'production']) {
      expect((await cli(['attach', 'postgres', '--env', env, '--confirm', env])).code).toBe(0);
    }
  });

  afterAll(() => project?.remove());

  it('skips every backup check in development before its first backup', async () => {
    for (const check of [backupsRecent, backupsEncrypted, backupsVerify, backupsDrill]) {
      const outcome = await judge(check, 'development');
      expect(outcome.status, `${check.id}: ${outcome.summary}`).toBe('skip');
      expect(outcome.summary).toContain('required in guarded environments');
    }
  });

  it('fails every backup check in production before its first backup', async () => {
    for (const check of [backupsRecent, backupsEncrypted, backupsVerify, backupsDrill]) {
      const outcome = await judge(check, 'production');
      expect(outcome.status, `${check.id}: ${outcome.summary}`).toBe('fail');
      expect(outcome.fix).toContain('launchdb backup');
    }
  });

  it('fails backups.encrypted for an unencrypted production backup, and backups.verify once it is damaged', async () => {
    const created = await cli(['backup', 'create', '--env', 'production', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const { id } = JSON.parse(created.stdout);
    expect((await judge(backupsRecent, 'production')).status).toBe('pass');
    const encrypted = await judge(backupsEncrypted, 'production');
    expect(encrypted).toMatchObject({ status: 'fail' });
    expect(encrypted.fix).toContain('LAUNCHDB_BACKUP_KEY');
    // Damaged before anyone verified it.
    const dir = join(project.dir, '.launchdb', 'backups', 'production', id);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    const file = join(dir, manifest.tables[0].parts[0].file.path);
    const bytes = readFileSync(file);
    bytes[10]! ^= 0xff;
    writeFileSync(file, bytes);
    const verify = await judge(backupsVerify, 'production');
    expect(verify.status).toBe('fail');
    expect(verify.summary).toContain('is damaged');
  });

  it('passes encrypted, verify and recent with a new encrypted backup; recent fails past the RPO', async () => {
    project.write('.env.production', `LAUNCHDB_BACKUP_KEY=${KEY}\n`);
    const created = await cli(['backup', 'create', '--env', 'production']);
    expect(created.code, created.stderr).toBe(0);
    expect((await judge(backupsEncrypted, 'production')).status).toBe('pass');
    const verify = await judge(backupsVerify, 'production');
    expect(verify.status, verify.summary).toBe('pass');
    expect(verify.summary).toContain('every checksum matches');
    expect((await judge(backupsVerify, 'production')).summary).toContain('verified');
    const late = await judge(backupsRecent, 'production', new Date(Date.now() + 2 * DAY));
    expect(late.status).toBe('fail');
    expect(late.summary).toContain('past the RPO of 24.0 h');
    expect(JSON.stringify(await judge(backupsVerify, 'production'))).not.toContain(KEY);
  });

  it('passes backups.drill after a drill, and fails it 31 days later', async () => {
    const drill = await cli(['backup', 'drill', '--env', 'production']);
    expect(drill.code, drill.stdout + drill.stderr).toBe(0);
    const outcome = await judge(backupsDrill, 'production');
    expect(outcome.status, outcome.summary).toBe('pass');
    const later = await judge(backupsDrill, 'production', new Date(Date.now() + 31 * DAY));
    expect(later.status).toBe('fail');
    expect(later.summary).toContain('more than 30 days');
  });
});
