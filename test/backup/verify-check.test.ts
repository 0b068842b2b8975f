// backups.verify looks at the newest backup as it is now, not at its last recorded verification: a
// byte flipped or a file cut short after a passing `backup verify` fails it, naming the file; a
// recorded failed verification fails it until a later one passes; a changed manifest fails its seal.
// On a local folder (unencrypted, and age-encrypted with no identity where the check runs) and in S3.
import { readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealManifest } from '../../src/stores/postgres/backup/manifest.js';
import { openEmbedded } from '../../src/stores/postgres/embedded.js';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { type S3Server, startS3Server } from '../helpers/s3-server.js';
import { SHOP_APP, shopAppData } from './fixtures.js';

interface Outcome {
  status: string;
  summary: string;
}

/** A production environment on the embedded backing with the shop in it; backups under `config`. */
async function shopProject(backups = '{}'): Promise<TempProject> {
  const project = tempProject(`{
    project: '{project}',
    environments: { production: { postgres: {} } },
    backups: ${backups},
  }`);
  const cli = (args: string[]) => runCli(args, { cwd: project.dir });
  const attached = await cli(['attach', 'postgres', '--env', 'production', '--confirm', 'production']);
  expect(attached.code, attached.stderr).toBe(0);
  const db = await openEmbedded(join(project.dir, '.launchdb', 'production', 'postgres'));
  try {
    await db.query(`${SHOP_APP}\n${shopAppData(100)}`);
  } finally {
    await db.close();
  }
  return project;
}

function tools(project: () => TempProject) {
  const cli = (args: string[]) => runCli(args, { cwd: project().dir });
  return {
    cli,
    async create(): Promise<string> {
      const created = await cli(['backup', 'create', '--env', 'production', '--json']);
      expect(created.code, created.stderr).toBe(0);
      return JSON.parse(created.stdout).id;
    },
    async verifyCheck(): Promise<Outcome> {
      const checked = await cli(['check', '--env', 'production', '--only', 'backups', '--json']);
      return JSON.parse(checked.stdout).checks.find((check: { id: string }) => check.id === 'backups.verify');
    },
  };
}

/** The largest data file of a backup's manifest: its path in the backup. */
function largestDataFile(manifest: {
  tables: { parts: { file: { path: string; bytes: number } }[] }[];
}): string {
  const files = manifest.tables.flatMap((table) => table.parts.map((part) => part.file));
  return files.sort((a, b) => b.bytes - a.bytes)[0]!.path;
}

function flipByte(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  copy[Math.floor(copy.length / 2)]! ^= 0x01;
  return copy;
}

describe('backups.verify on a local folder', () => {
  let project: TempProject;
  const { cli, create, verifyCheck } = tools(() => project);
  let id: string;
  let dir: string;
  let dataFile: string;
  let original: Buffer;

  beforeAll(async () => {
    project = await shopProject();
    id = await create();
    dir = join(project.dir, '.launchdb', 'backups', 'production', id);
    const path = largestDataFile(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')));
    dataFile = join(dir, path);
    original = readFileSync(dataFile);
  });

  afterAll(() => project?.remove());

  it('passes after a passing backup verify, saying how many files and bytes it read, and how long it took', async () => {
    expect((await cli(['backup', 'verify', id])).code).toBe(0);
    const outcome = await verifyCheck();
    expect(outcome.status, outcome.summary).toBe('pass');
    expect(outcome.summary).toMatch(/: (\d+) of \1 files, [\d,]+ bytes read in \d+\.\d s match its manifest/);
    expect(outcome.summary).toContain('verified in full');
    expect(outcome.summary).toContain('its seal (a plain SHA-256');
  });

  it('fails naming the file when a byte of the data file flips after that verification', async () => {
    writeFileSync(dataFile, flipByte(original));
    const outcome = await verifyCheck();
    expect(outcome.status, outcome.summary).toBe('fail');
    expect(outcome.summary).toContain(`${id} is damaged: ${dataFile.slice(dir.length + 1)} (table shop.`);
    expect(outcome.summary).toContain('its SHA-256 is not the one in the manifest');
  });

  it('keeps failing on the recorded failure once the file is back, until a later verify passes', async () => {
    writeFileSync(dataFile, original);
    const recorded = await verifyCheck();
    expect(recorded.status, recorded.summary).toBe('fail');
    expect(recorded.summary).toContain(`${id} failed its last verification`);
    expect((await cli(['backup', 'verify', id])).code).toBe(0);
    expect((await verifyCheck()).status).toBe('pass');
  });

  it('fails a data file cut short, naming it and how much of it is left', async () => {
    truncateSync(dataFile, 100);
    const outcome = await verifyCheck();
    expect(outcome.status, outcome.summary).toBe('fail');
    expect(outcome.summary).toContain(`${id} is damaged: ${dataFile.slice(dir.length + 1)} (table shop.`);
    expect(outcome.summary).toContain(`was cut short: 100 of its ${original.length} bytes are there`);
    writeFileSync(dataFile, original);
    expect((await cli(['backup', 'verify', id])).code).toBe(0);
    expect((await verifyCheck()).status).toBe('pass');
  });

  it('fails a manifest changed after the verification: its seal no longer matches', async () => {
    const manifestFile = join(dir, 'manifest.json');
    const text = readFileSync(manifestFile, 'utf8');
    const manifest = JSON.parse(text);
    manifest.totals.rows += 1;
    writeFileSync(manifestFile, JSON.stringify(manifest, null, 2));
    const outcome = await verifyCheck();
    expect(outcome.status, outcome.summary).toBe('fail');
    expect(outcome.summary).toContain(`the manifest of backup ${id} does not match its seal`);
    writeFileSync(manifestFile, text.slice(0, 200));
    const cut = await verifyCheck();
    expect(cut.status, cut.summary).toBe('fail');
    expect(cut.summary).toContain(`the manifest of backup ${id} is not valid JSON`);
    writeFileSync(manifestFile, text);
  });
});

describe('backups.verify of an age-encrypted backup where no identity is set', () => {
  let project: TempProject;
  let identity: string;
  const { cli, create, verifyCheck } = tools(() => project);
  const withIdentity = (value: string | undefined) =>
    project.write('.env', value ? `LAUNCHDB_BACKUP_IDENTITY=${JSON.stringify(value)}\n` : '');
  let id: string;
  let dir: string;

  beforeAll(async () => {
    identity = await generateIdentity();
    project = await shopProject(`{ recipients: ['${await identityToRecipient(identity)}'] }`);
    id = await create();
    dir = join(project.dir, '.launchdb', 'backups', 'production', id);
  });

  afterAll(() => project?.remove());

  it('warns before any verification, having read every file, and says the seal needs the key', async () => {
    const outcome = await verifyCheck();
    expect(outcome.status, outcome.summary).toBe('warn');
    expect(outcome.summary).toContain('no identity is set here');
    expect(outcome.summary).toMatch(/(\d+) of \1 files, [\d,]+ bytes read/);
    expect(outcome.summary).toContain('its seal is an HMAC under the backup key, not checked here');
  });

  it('fails on a failed verification recorded where the identity is, and fails a byte flipped after a passing one', async () => {
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    const dataFile = join(dir, largestDataFile(manifest));
    const original = readFileSync(dataFile);
    writeFileSync(dataFile, flipByte(original));
    withIdentity(identity);
    expect((await cli(['backup', 'verify', id])).code).toBe(1);
    writeFileSync(dataFile, original);
    withIdentity(undefined);
    const recorded = await verifyCheck();
    expect(recorded.status, recorded.summary).toBe('fail');
    expect(recorded.summary).toContain(`${id} failed its last verification`);

    withIdentity(identity);
    expect((await cli(['backup', 'verify', id])).code).toBe(0);
    withIdentity(undefined);
    const passed = await verifyCheck();
    expect(passed.status, passed.summary).toBe('pass');
    expect(passed.summary).toContain('not checked here');

    writeFileSync(dataFile, flipByte(original));
    const flipped = await verifyCheck();
    expect(flipped.status, flipped.summary).toBe('fail');
    expect(flipped.summary).toContain(`${id} is damaged: ${dataFile.slice(dir.length + 1)}`);
    writeFileSync(dataFile, original);
  });

  it('fails an encrypted manifest re-sealed without the key (a seal anyone can make)', async () => {
    withIdentity(identity);
    expect((await cli(['backup', 'verify', id])).code).toBe(0);
    withIdentity(undefined);
    const manifestFile = join(dir, 'manifest.json');
    const text = readFileSync(manifestFile, 'utf8');
    const { seal: _, ...manifest } = JSON.parse(text);
    manifest.totals.rows += 1;
    writeFileSync(manifestFile, JSON.stringify(sealManifest(manifest, undefined), null, 2));
    const outcome = await verifyCheck();
    expect(outcome.status, outcome.summary).toBe('fail');
    expect(outcome.summary).toContain('encrypted but not sealed with its key');
    // Where the key is, verify (and so restore, which opens the backup the same way) refuses it too.
    withIdentity(identity);
    const verified = await cli(['backup', 'verify', id]);
    withIdentity(undefined);
    expect(verified.code, verified.stdout).toBe(1);
    expect(verified.stdout + verified.stderr).toContain('seal');
    writeFileSync(manifestFile, text);
  });
});

describe('backups.verify in S3', () => {
  let s3: S3Server;
  let project: TempProject;
  const { cli, create, verifyCheck } = tools(() => project);

  beforeAll(async () => {
    s3 = await startS3Server();
    await s3.createBucket('launchdb-backups');
    project = await shopProject(
      `{ s3: { bucket: 'launchdb-backups', prefix: 'shop', endpoint: '${s3.endpoint}', accessKeyId: env('S3_KEY'), secretAccessKey: env('S3_SECRET') } }`,
    );
    project.write('.env', `S3_KEY=${s3.accessKeyId}\nS3_SECRET=${s3.secretAccessKey}\n`);
  });

  afterAll(async () => {
    project?.remove();
    await s3?.close();
  });

  it('reads the objects as they are now: a byte flipped in a data object after a passing verify fails', async () => {
    const id = await create();
    expect((await cli(['backup', 'verify', id])).code).toBe(0);
    expect((await verifyCheck()).status).toBe('pass');

    const sdk = await import('@aws-sdk/client-s3');
    const client = new sdk.S3Client({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
    try {
      const prefix = `shop/production/${id}`;
      const get = async (key: string) =>
        Buffer.from(
          await (
            await client.send(new sdk.GetObjectCommand({ Bucket: 'launchdb-backups', Key: key }))
          ).Body!.transformToByteArray(),
        );
      const path = largestDataFile(JSON.parse((await get(`${prefix}/manifest.json`)).toString('utf8')));
      const original = await get(`${prefix}/${path}`);
      await client.send(
        new sdk.PutObjectCommand({
          Bucket: 'launchdb-backups',
          Key: `${prefix}/${path}`,
          Body: flipByte(original),
        }),
      );
      const outcome = await verifyCheck();
      expect(outcome.status, outcome.summary).toBe('fail');
      expect(outcome.summary).toContain(`${id} is damaged: ${path} (table shop.`);
    } finally {
      client.destroy();
    }
  });
});
