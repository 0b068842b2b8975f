// `--env` on the backup commands that take a backup id (verify, restore): the id names its
// environment, so --env may repeat it and is refused when it names another one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.js';
import { SHOP_APP, shopAppData } from '../backup/fixtures.js';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

describe('--env on the backup commands', () => {
  let project: TempProject;
  let id: string;
  const cli = (args: string[]) => runCli(args, { cwd: project.dir });

  beforeAll(async () => {
    project = tempProject();
    project.write('.env', 'LAUNCHDB_BACKUP_KEY=a long backup key for the tests 0123456789\n');
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
    const created = await cli(['backup', 'create', '--env', 'production', '--json']);
    expect(created.code, created.stderr).toBe(0);
    id = JSON.parse(created.stdout).id;
  });
  afterAll(() => project?.remove());

  it('is a flag of every backup command about an environment, with --confirm beside it', () => {
    const backupCommands = COMMANDS.filter(
      (command) => command.name.startsWith('backup ') && command.name !== 'backup keygen',
    );
    expect(backupCommands.map((command) => command.name)).toContain('backup verify');
    for (const command of backupCommands) {
      expect(Object.keys(command.flags), command.name).toEqual(expect.arrayContaining(['env', 'confirm']));
    }
  });

  it('verifies a backup given its own environment: `backup verify ID --env production`', async () => {
    const verified = await cli(['backup', 'verify', id, '--env', 'production', '--confirm', 'production']);
    expect(verified.stderr).toBe('');
    expect(verified.code).toBe(0);
    expect(verified.stdout).toContain(`verified ${id}`);
  });

  it('refuses --env naming another environment than the backup id, naming both, exit 2', async () => {
    for (const command of [['verify'], ['restore', '--to', 'staging', '--clean']]) {
      const result = await cli(['backup', command[0]!, id, ...command.slice(1), '--env', 'staging']);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr).toContain(
        `backup ${id} is of environment production, not staging (--env staging)`,
      );
      expect(result.stderr).toContain('fix: pass --env production, or leave --env out');
      expect(result.stdout).not.toContain('restored');
    }
  });

  it('refuses an --env that is no environment, with a did-you-mean', async () => {
    const result = await cli(['backup', 'verify', id, '--env', 'prodution']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('production');
  });

  it("restores with --env naming the backup's environment and --to the target", async () => {
    const restored = await cli([
      'backup',
      'restore',
      id,
      '--env',
      'production',
      '--to',
      'staging',
      '--clean',
      '--json',
    ]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(JSON.parse(restored.stdout)).toMatchObject({ to: 'staging' });
  });

  it('reads the environment from the id, not $LAUNCHDB_ENV, when --env is not given', async () => {
    process.env.LAUNCHDB_ENV = 'staging';
    try {
      const verified = await cli(['backup', 'verify', id]);
      expect(verified.code, verified.stderr).toBe(0);
    } finally {
      delete process.env.LAUNCHDB_ENV;
    }
  });
});
