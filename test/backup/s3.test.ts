// Backups in S3 against a real S3-protocol server on loopback (s3rver): backup, list, verify, restore
// and drill streaming from it; and the endpoint down, wrong credentials, a missing bucket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Project } from '../../src/core/project.js';
import { backupsOffsite } from '../../src/stores/postgres/checks/backups-offsite.js';
import { backupsProtected } from '../../src/stores/postgres/checks/backups-protected.js';
import { PostgresSession } from '../../src/stores/postgres/session.js';
import { resolvePostgresTarget } from '../../src/stores/postgres/target.js';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { type S3Server, startS3Server } from '../helpers/s3-server.js';
import { SHOP_APP, shopAppData } from './fixtures.js';

const KEY = 'the s3 backups key, long enough';

describe('backups in S3', () => {
  let s3: S3Server;
  let project: TempProject;
  const cli = (args: string[]) => runCli(args, { cwd: project.dir });

  function configure(s3Config: string) {
    project.write(
      'launchdb.config.ts',
      `import { defineConfig, env } from 'launchdb';\nexport default defineConfig({ project: '${project.name}', environments: { development: { postgres: {} }, staging: { postgres: {} } }, backups: { s3: ${s3Config} } });\n`,
    );
  }
  const good = () =>
    `{ bucket: 'launchdb-backups', prefix: 'shop', endpoint: '${s3.endpoint}', accessKeyId: env('S3_KEY'), secretAccessKey: env('S3_SECRET') }`;

  beforeAll(async () => {
    s3 = await startS3Server();
    await s3.createBucket('launchdb-backups');
    project = tempProject();
    project.write(
      '.env',
      `S3_KEY=${s3.accessKeyId}\nS3_SECRET=${s3.secretAccessKey}\nLAUNCHDB_BACKUP_KEY=${KEY}\n`,
    );
    configure(good());
    for (const env of ['development', 'staging'])
      expect((await cli(['attach', 'postgres', '--env', env])).code).toBe(0);
    const { openEmbedded } = await import('../../src/stores/postgres/embedded.js');
    const { join } = await import('node:path');
    const db = await openEmbedded(join(project.dir, '.launchdb', 'development', 'postgres'));
    await db.query(`${SHOP_APP}\n${shopAppData(200)}`);
    await db.close();
  });

  afterAll(async () => {
    project?.remove();
    await s3?.close();
  });

  let id: string;

  it('backs up, lists and verifies in the bucket', async () => {
    const created = await cli(['backup', 'create', '--env', 'development', '--json']);
    expect(created.code, created.stderr).toBe(0);
    const document = JSON.parse(created.stdout);
    id = document.id;
    expect(document).toMatchObject({ encrypted: true, path: `s3://launchdb-backups/shop/development/${id}` });
    const listed = JSON.parse((await cli(['backup', 'list', '--env', 'development', '--json'])).stdout);
    expect(listed).toMatchObject({ target: 's3://launchdb-backups/shop/development' });
    expect(listed.backups.map((backup: { id: string }) => backup.id)).toEqual([id]);
    const verified = await cli(['backup', 'verify', id]);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toContain('every checksum matches');
  });

  it('restores and drills straight from the bucket', async () => {
    const restored = await cli(['backup', 'restore', id, '--to', 'staging', '--json']);
    expect(restored.code, restored.stderr).toBe(0);
    expect(JSON.parse(restored.stdout)).toMatchObject({ rows: expect.any(Number), to: 'staging' });
    const drill = await cli(['backup', 'drill', '--env', 'development', '--json']);
    expect(drill.code, drill.stdout).toBe(0);
    expect(JSON.parse(drill.stdout)).toMatchObject({ ok: true, backupId: id });
  });

  it('judges a bucket on loopback as not offsite, and says when the server cannot tell if it is public', async () => {
    const loaded = await Project.load(project.dir);
    const env = loaded.environment('development');
    const session = new PostgresSession(env, resolvePostgresTarget(env)!, {
      connectTimeoutMs: 2_000,
      command: 'test',
    });
    try {
      const ctx = { project: loaded, env, postgres: session, now: new Date() };
      const offsite = await backupsOffsite.run(ctx);
      expect(offsite.status).toBe('warn');
      expect(offsite.summary).toContain('object storage on this machine');
      const protectedOutcome = await backupsProtected.run(ctx);
      expect(protectedOutcome.status).toBe('warn');
      expect(protectedOutcome.summary).toContain('does not tell whether the bucket is public');
    } finally {
      await session.close();
    }
  });

  it('says an unreachable endpoint and wrong credentials are exit 3, never echoing the secret', async () => {
    configure(
      `{ bucket: 'launchdb-backups', endpoint: 'http://127.0.0.1:1', accessKeyId: env('S3_KEY'), secretAccessKey: env('S3_SECRET') }`,
    );
    const down = await cli(['backup', 'create', '--env', 'development']);
    expect(down.code).toBe(3);
    expect(down.stderr).toContain('cannot reach S3 at 127.0.0.1');
    expect(down.stderr).toContain('connection refused');

    // s3rver knows one key id; another one is refused like a revoked key.
    project.write('.env.development', 'S3_KEY=AKIAWRONGKEY\nS3_SECRET=a-wrong-secret-value-123\n');
    configure(good());
    const refused = await cli(['backup', 'list', '--env', 'development']);
    project.write('.env.development', '');
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('refused the credentials');
    expect(refused.stdout + refused.stderr).not.toContain('a-wrong-secret-value-123');
  });

  it('says a bucket that does not exist is bad input', async () => {
    configure(good().replace("'launchdb-backups'", "'no-such-bucket'"));
    const missing = await cli(['backup', 'create', '--env', 'development']);
    configure(good());
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('the bucket no-such-bucket does not exist');
  });
});
