// `backup verify --newest`: the newest complete backup of --env (what the scheduler's verify job
// runs), exit 1 when the environment has none; an id and --newest together, or neither, is bad input.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { SHOP_APP, shopAppData } from './fixtures.js';

describe('backup verify --newest', () => {
  let project: TempProject;
  const cli = (args: string[]) => runCli(args, { cwd: project.dir });

  beforeAll(async () => {
    project = tempProject();
    for (const env of ['staging', 'production']) {
      const attached = await cli(['attach', 'postgres', '--env', env, '--confirm', env]);
      expect(attached.code, attached.stderr).toBe(0);
    }
    const { openEmbedded } = await import('../../src/stores/postgres/embedded.js');
    const db = await openEmbedded(`${project.dir}/.launchdb/production/postgres`);
    try {
      await db.query(SHOP_APP);
      await db.query(shopAppData(20));
    } finally {
      await db.close();
    }
  });
  afterAll(() => project?.remove());

  it('answers no, exit 1, when the environment has no backup, and says how to take one', async () => {
    const none = await cli(['backup', 'verify', '--newest', '--env', 'production']);
    expect(none.code, none.stderr).toBe(1);
    expect(none.stdout).toContain('no backups of production in .launchdb/backups/production to verify');
    expect(none.stdout).toContain('launchdb backup create --env production');
    const json = JSON.parse(
      (await cli(['backup', 'verify', '--newest', '--env', 'production', '--json'])).stdout,
    );
    expect(json).toMatchObject({ id: null, ok: false, problem: expect.stringContaining('no backups') });
  });

  it('verifies the newest of two backups of --env, not an older one nor another environment', async () => {
    const take = async (env: string) => {
      const created = await cli(['backup', 'create', '--env', env, '--json']);
      expect(created.code, created.stderr).toBe(0);
      return JSON.parse(created.stdout).id as string;
    };
    const older = await take('production');
    const newest = await take('production');
    await take('staging');
    expect(newest > older).toBe(true);

    const verified = await cli(['backup', 'verify', '--newest', '--env', 'production', '--json']);
    expect(verified.code, verified.stderr).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ id: newest, ok: true, problem: null });
    const listed = JSON.parse((await cli(['backup', 'list', '--env', 'production', '--json'])).stdout);
    const verifiedIds = listed.backups
      .filter((backup: { verified: unknown }) => backup.verified)
      .map((backup: { id: string }) => backup.id);
    expect(verifiedIds).toEqual([newest]);

    // Damage in the newest one is found (exit 1) by --newest too.
    const dir = join(project.dir, '.launchdb', 'backups', 'production', newest);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    const users = manifest.tables.find((table: { name: string }) => table.name === 'shop.users');
    const file = join(dir, users.parts[0].file.path);
    const bytes = readFileSync(file);
    bytes[bytes.length - 40]! ^= 0x01;
    writeFileSync(file, bytes);
    const damaged = await cli(['backup', 'verify', '--newest', '--env', 'production']);
    expect(damaged.code).toBe(1);
    expect(damaged.stdout).toContain(`damaged ${newest}`);
  });

  it('refuses an id and --newest together, and asks for one of them when neither is given', async () => {
    const both = await cli(['backup', 'verify', 'production-20261126-030000-a1b2', '--newest']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain(
      'give either a backup id (production-20261126-030000-a1b2) or --newest, not both',
    );
    const neither = await cli(['backup', 'verify']);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('name the backup to verify');
    expect(neither.stderr).toContain('--newest --env NAME');
    const unknown = await cli(['backup', 'verify', '--newest', '--env', 'prodution']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('did you mean --env production?');
  });
});
