// Backups witness the trail: each manifest carries the signed head of the trail in its snapshot. A
// restore replaces the database and with it the trail: the restored trail is the backup's, and the
// restore is recorded as the next event, naming the newest head witnessed before it, so the heads
// witnessed up to it are history rather than tampering. A restore launchdb did not record is caught.
// The check access.audit-chain says the same as `audit verify`. Embedded environments.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupTargetOf } from '../../src/backup/backup-location.js';
import { Project } from '../../src/core/project.js';
import type { AuditEvent, SignedHead } from '../../src/stores/postgres/audit/audit-event.js';
import { headSignatureValid } from '../../src/stores/postgres/audit/audit-key.js';
import { readManifest } from '../../src/stores/postgres/backup/manifest.js';
import { openBackup } from '../../src/stores/postgres/backup/open-backup.js';
import { restoreBackup } from '../../src/stores/postgres/backup/restore-backup.js';
import { openEmbedded } from '../../src/stores/postgres/embedded.js';
import { type CliResult, runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

describe('backups and restores of the trail', () => {
  let project: TempProject;
  let backupId: string;
  let witnessed: SignedHead;
  const cli = (argv: string[]): Promise<CliResult> => runCli(argv, { cwd: project.dir });

  async function ok(argv: string[]): Promise<CliResult> {
    const result = await cli(argv);
    expect(result.code, `${argv.join(' ')}: ${result.stdout}${result.stderr}`).toBe(0);
    return result;
  }

  async function events(env: string): Promise<AuditEvent[]> {
    return JSON.parse((await ok(['audit', 'list', '--env', env, '--json'])).stdout).events;
  }

  async function verify(env: string) {
    const result = await cli(['audit', 'verify', '--env', env, '--json']);
    return { code: result.code, ...JSON.parse(result.stdout) };
  }

  async function auditCheck(env: string) {
    const result = await cli(['check', '--env', env, '--only', 'access', '--json']);
    const report = JSON.parse(result.stdout);
    return report.checks.find((check: { id: string }) => check.id === 'access.audit-chain');
  }

  beforeAll(async () => {
    project = tempProject();
    project.write(
      'db/migrations/20240301120000_create_orders.sql',
      'create table orders (id bigint primary key);\n',
    );
    project.write('db/seeds/reference/orders.sql', 'insert into orders values (1) on conflict do nothing;\n');
    await ok(['attach', 'postgres', '--env', 'development']);
    await ok(['migrate', 'up', '--env', 'development']);
  }, 60_000);

  afterAll(() => project?.remove());

  it('a backup manifest carries the head of the trail, signed and sealed with it', async () => {
    backupId = JSON.parse((await ok(['backup', 'create', '--env', 'development', '--json'])).stdout).id;
    const loaded = await Project.load(project.dir);
    const target = backupTargetOf(loaded, loaded.environment('development'));
    const manifest = await readManifest(target, backupId);
    const [, second] = await events('development');
    expect(manifest.audit).toMatchObject({ seq: 2, at: second!.at });
    expect(headSignatureValid(manifest.audit!)).toBe(true);
    witnessed = manifest.audit!;
    // The seal covers it: the backup verifies, and a changed head would break the seal.
    expect((await cli(['backup', 'verify', backupId])).code).toBe(0);
  }, 60_000);

  it('a backup witnesses the trail: a rewrite of what it holds is found through it alone', async () => {
    // The local file forgets everything: only the backup is left to witness event 2.
    const { rmSync, renameSync } = await import('node:fs');
    const heads = join(project.dir, '.launchdb', 'audit-heads');
    renameSync(heads, `${heads}.saved`);
    const db = await openEmbedded(join(project.dir, '.launchdb', 'development', 'postgres'));
    const rows = (await db.query<{ seq: number; hash: string }>('select seq, hash from launchdb.audit')).rows;
    try {
      await db.query('alter table launchdb.audit disable trigger user');
      await db.query(`update launchdb.audit set hash = md5(hash) || md5(hash) where seq = 2`);
      await db.query(`update launchdb.audit set event = replace(event, $1, $2) where seq = 2`, [
        `"seq":2`,
        `"seq":2 `,
      ]);
    } finally {
      await db.close();
    }
    try {
      const verdict = await verify('development');
      expect(verdict).toMatchObject({ code: 1, firstBad: 2, sources: { local: 0, backups: 1 } });
    } finally {
      const back = await openEmbedded(join(project.dir, '.launchdb', 'development', 'postgres'));
      try {
        const original = rows.find((row) => Number(row.seq) === 2)!;
        await back.query(
          `update launchdb.audit set hash = $1, event = replace(event, $2, $3) where seq = 2`,
          [original.hash, `"seq":2 `, `"seq":2`],
        );
        await back.query('alter table launchdb.audit enable trigger user');
      } finally {
        await back.close();
      }
      rmSync(heads, { force: true });
      renameSync(`${heads}.saved`, heads);
    }
    expect((await verify('development')).code).toBe(0);
  }, 60_000);

  it('a restore brings the backup’s trail back and is recorded after its head, naming the head it replaced', async () => {
    await ok(['seed', '--env', 'development']);
    await ok(['seed', '--env', 'development']);
    const before = await events('development');
    expect(before.map((event) => event.seq)).toEqual([1, 2, 3, 4]);
    await ok(['backup', 'restore', backupId, '--to', 'development', '--clean']);
    const after = await events('development');
    expect(after.map((event) => [event.seq, event.action])).toEqual([
      [1, 'attach'],
      [2, 'migrate up'],
      [3, 'backup restore'],
    ]);
    const restore = after[2]!;
    expect(restore.prev).not.toBeNull();
    expect(restore).toMatchObject({
      result: { status: 'ok' },
      parameters: { arguments: [backupId] },
      details: { replaces: { seq: 4 } },
    });
    // The restored trail extends the head the backup witnessed; the heads witnessed before the restore
    // (3 and 4 of the trail it replaced) are accepted because the signed restore event says so.
    expect(after[1]!.at).toBe(witnessed.at);
    const verdict = await verify('development');
    expect(verdict, JSON.stringify(verdict.problems)).toMatchObject({
      code: 0,
      ok: true,
      witnessed: { replacedByRestore: 2 },
    });
    expect(verdict.notes).toContain('2 witnessed heads were replaced by a restore, which the trail records');
    expect(await auditCheck('development')).toMatchObject({
      status: 'pass',
      summary: '3 audit events intact, extending 4 witnessed heads (2 more replaced by a restore)',
    });
  }, 120_000);

  it('a restore into another environment: that environment’s earlier heads are history too', async () => {
    await ok(['attach', 'postgres', '--env', 'staging']);
    await ok(['backup', 'restore', backupId, '--to', 'staging']);
    const staging = await events('staging');
    expect(staging.map((event) => [event.seq, event.action, event.target.environment])).toEqual([
      [1, 'attach', 'development'],
      [2, 'migrate up', 'development'],
      [3, 'backup restore', 'staging'],
    ]);
    expect((await verify('staging')).code).toBe(0);
  }, 120_000);

  it('a restore launchdb did not record is caught: the trail went back without saying why', async () => {
    const loaded = await Project.load(project.dir);
    const env = loaded.environment('development');
    const backup = await openBackup(backupTargetOf(loaded, env), backupId);
    const db = await openEmbedded(join(project.dir, '.launchdb', 'development', 'postgres'));
    try {
      await restoreBackup(backup, db, {
        clean: true,
        marker: { project: loaded.name, environment: 'development' },
      });
    } finally {
      await db.close();
    }
    const verdict = await verify('development');
    expect(verdict).toMatchObject({ code: 1, firstBad: 3 });
    expect(verdict.problems[0].problem).toMatch(
      /witnessed event 3, but the trail ends at event 2: events were removed$/,
    );
    const check = await auditCheck('development');
    expect(check).toMatchObject({ status: 'fail' });
    expect(check.summary).toMatch(/^the audit trail is broken at event 3: /);
  }, 120_000);

  it('the check skips an environment with no events and nothing witnessed', async () => {
    const fresh = tempProject();
    try {
      const result = await runCli(['check', '--env', 'development', '--only', 'access', '--json'], {
        cwd: fresh.dir,
      });
      const check = JSON.parse(result.stdout).checks.find(
        (entry: { id: string }) => entry.id === 'access.audit-chain',
      );
      expect(check).toMatchObject({
        status: 'skip',
        summary: 'no audit events yet in development: nothing to verify',
      });
    } finally {
      fresh.remove();
    }
  }, 60_000);
});
