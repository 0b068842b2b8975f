// Objects in backups on the embedded backings, through the CLI: `backup create` of an environment
// with `objects.backup: true` lists every object (key, size, SHA-256) in the backup; `backup verify`
// checks that file; `backup drill` re-reads the objects and fails naming a changed or missing one.
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalTarget } from '../../src/backup/local-target.js';
import { Project } from '../../src/core/project.js';
import { OBJECTS_FILE, readObjectEntries } from '../../src/stores/objects/backup-objects.js';
import { openObjectStore } from '../../src/stores/objects/open.js';
import { objectsSampleSize, verifyObjectsSample } from '../../src/stores/objects/verify-objects.js';
import { createBackup } from '../../src/stores/postgres/backup/create-backup.js';
import { drillBackup } from '../../src/stores/postgres/backup/drill.js';
import { openBackup } from '../../src/stores/postgres/backup/open-backup.js';
import { checkStoredFiles, verifyBackup } from '../../src/stores/postgres/backup/verify-backup.js';
import { postgresStore } from '../../src/stores/postgres/store.js';
import { runCli } from '../helpers/cli.js';
import { closedPort } from '../helpers/closed-port.js';
import { type TempProject, tempProject } from '../helpers/project.js';

let project: TempProject;
let loaded: Project;
let backupId: string;
let backupDir: string;

const OBJECTS: Record<string, string> = {
  'avatars/1.png': 'one',
  'avatars/2.png': 'two two',
  'docs/ünïcode terms.pdf': 'terms',
};

const cli = (argv: string[]) => runCli([...argv, '--env', 'development', '--json'], { cwd: project.dir });

beforeAll(async () => {
  const down = await closedPort();
  project = tempProject(`{
  project: '{project}',
  environments: {
    development: { postgres: {}, objects: { backup: true } },
    down: { objects: { endpoint: 'http://127.0.0.1:${down}', bucket: 'gone-bucket', accessKeyId: env('KEY_ID'), secretAccessKey: env('SECRET') } },
  },
}`);
  project.write('.env', 'KEY_ID=some-key\nSECRET=never-printed-secret\n');
  expect((await runCli(['attach', 'postgres', '--env', 'development'], { cwd: project.dir })).code).toBe(0);
  expect((await runCli(['attach', 'objects', '--env', 'development'], { cwd: project.dir })).code).toBe(0);
  loaded = await Project.load(project.dir);
  const env = loaded.environment('development');
  const session = postgresStore.openSession(env, { command: 'test' });
  try {
    const db = await session.db();
    await db.query('create table uploads (key text primary key)');
    await db.query(
      `insert into uploads values ${Object.keys(OBJECTS)
        .map((_, i) => `($${i + 1})`)
        .join(', ')}`,
      Object.keys(OBJECTS),
    );
  } finally {
    await session.close();
  }
  const store = openObjectStore(env);
  for (const [key, body] of Object.entries(OBJECTS)) await store.write(key, body);
  await store.close();
}, 120_000);

afterAll(() => project?.remove());

describe('backup create with objects', () => {
  it('lists every object with its size and SHA-256 in the backup, referenced from the sealed manifest', async () => {
    const created = await cli(['backup', 'create']);
    expect(created.code).toBe(0);
    const document = JSON.parse(created.stdout) as { id: string; path: string; objects: number };
    expect(document.objects).toBe(3);
    backupId = document.id;
    backupDir = join(project.dir, '.launchdb', 'backups', 'development');
    const target = new LocalTarget(backupDir, 'backups/development');
    const backup = await openBackup(target, backupId);
    expect(backup.manifest.objects).toMatchObject({
      location: '.launchdb/development/objects',
      count: 3,
      bytes: 3 + 7 + 5,
      file: { path: OBJECTS_FILE },
    });
    const entries = [];
    for await (const entry of readObjectEntries(target.read(backupId, OBJECTS_FILE), undefined))
      entries.push(entry);
    expect(entries).toEqual([
      {
        key: 'avatars/1.png',
        size: 3,
        sha256: '7692c3ad3540bb803c020b3aee66cd8887123234ea0c6e7143c0add73ff431ed',
      },
      { key: 'avatars/2.png', size: 7, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      { key: 'docs/ünïcode terms.pdf', size: 5, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    ]);
  });

  it('leaves the objects out when the config does not back them up', async () => {
    const env = loaded.environment('development');
    const session = postgresStore.openSession(env, { command: 'test' });
    try {
      const target = new LocalTarget(join(project.dir, 'other-backups'), 'other-backups');
      const result = await createBackup(await session.db(), {
        project: loaded.name,
        environment: 'development',
        target,
      });
      expect(result.objects).toBeUndefined();
      expect((await openBackup(target, result.id)).manifest.objects).toBeUndefined();
    } finally {
      await session.close();
    }
  });
});

describe('backup drill with objects', () => {
  it('re-reads the listed objects and passes when each has its size and SHA-256', async () => {
    const drilled = await cli(['backup', 'drill', '--backup', backupId]);
    const result = JSON.parse(drilled.stdout);
    expect(result).toMatchObject({ ok: true, objects: { sampled: 3, listed: 3 }, problems: [] });
    expect(result.notes).toContain(
      '3 of the 3 objects the backup lists re-read from .launchdb/development/objects (at least 20, else 1%): size and SHA-256 compared',
    );
    expect(drilled.code).toBe(0);
  }, 60_000);

  it('fails naming an object that changed and one that is gone', async () => {
    const folder = join(project.dir, '.launchdb', 'development', 'objects');
    writeFileSync(join(folder, 'avatars', '2.png'), 'TWO TWO'); // same size, other bytes
    appendFileSync(join(folder, 'avatars', '1.png'), '!');
    const store = openObjectStore(loaded.environment('development'));
    await store.remove('docs/ünïcode terms.pdf');
    const drilled = await cli(['backup', 'drill', '--backup', backupId]);
    expect(drilled.code).toBe(1);
    expect(JSON.parse(drilled.stdout).problems).toEqual([
      'object avatars/1.png is 4 bytes, the backup recorded 3',
      'object avatars/2.png has changed: its SHA-256 is not the one the backup recorded',
      'object docs/ünïcode terms.pdf is missing from .launchdb/development/objects',
    ]);
  }, 60_000);
});

describe('backup verify with objects', () => {
  it('passes on the backup as written and fails naming the objects list once it is changed', async () => {
    expect((await cli(['backup', 'verify', backupId])).code).toBe(0);
    const file = join(backupDir, backupId, OBJECTS_FILE);
    const bytes = readFileSync(file);
    bytes[bytes.length - 5] = (bytes[bytes.length - 5] ?? 0) ^ 0xff;
    writeFileSync(file, bytes);
    const verified = await cli(['backup', 'verify', backupId]);
    expect(verified.code).toBe(1);
    expect(verified.stdout).toMatch(`the objects list ${OBJECTS_FILE}`);
    // The keyless read of stored files (the backups checks') covers it too.
    const target = new LocalTarget(backupDir, 'backups/development');
    const stored = await checkStoredFiles(target, backupId, (await openBackup(target, backupId)).manifest);
    expect(stored.problems).toEqual([
      `${OBJECTS_FILE} (the objects list) was changed or damaged: its SHA-256 is not the one in the manifest`,
    ]);
  });
});

describe('an encrypted backup with objects, and a sample smaller than the listing', () => {
  it('encrypts the objects list with the tables, and a drill re-reads 20 of 25 objects', async () => {
    const env = loaded.environment('development');
    const store = openObjectStore(env);
    for (let i = 0; i < 25; i++) await store.write(`many/${String(i).padStart(2, '0')}.txt`, `object ${i}`);
    const session = postgresStore.openSession(env, { command: 'test' });
    const target = new LocalTarget(join(project.dir, 'encrypted-backups'), 'encrypted-backups');
    const secrets = { passphrase: 'objects are sealed too 42' };
    try {
      const result = await createBackup(await session.db(), {
        project: loaded.name,
        environment: 'development',
        target,
        secrets,
        objects: store,
      });
      const backup = await openBackup(target, result.id, secrets);
      expect(backup.manifest.encryption).not.toBeNull();
      // Sealed: neither plain nor gzip text; a key name is nowhere in the stored bytes.
      const stored = readFileSync(join(project.dir, 'encrypted-backups', result.id, OBJECTS_FILE));
      expect(stored.subarray(0, 2).equals(Buffer.from([0x1f, 0x8b]))).toBe(false);
      expect(stored.includes('many/00.txt')).toBe(false);
      expect(await verifyBackup(backup)).toMatchObject({ ok: true });
      const listed = backup.manifest.objects?.count ?? 0;
      expect(listed).toBeGreaterThanOrEqual(25);
      const sample = await verifyObjectsSample(backup, backup.manifest.objects!, store);
      expect(sample).toEqual({ sampled: 20, listed, problems: [] });

      // The store down: the drill fails saying where and why, never with the secret.
      const unreachable = openObjectStore(loaded.environment('down'), { connectTimeoutMs: 2_000 });
      try {
        const drill = await drillBackup(backup, {
          project: loaded,
          env,
          scratchUrl: null,
          objects: unreachable,
        });
        expect(drill.ok).toBe(false);
        expect(drill.problems).toEqual([
          expect.stringMatching(/^the objects could not be re-read from 127\.0\.0\.1:\d+\/gone-bucket: .+/),
        ]);
        expect(JSON.stringify(drill)).not.toContain('never-printed-secret');
      } finally {
        await unreachable.close();
      }
    } finally {
      await session.close();
      await store.close();
    }
  });
});

describe('the drill sample', () => {
  it('is every object up to 20, then 20, then 1%', () => {
    expect([3, 20, 500, 2_000, 100_000].map(objectsSampleSize)).toEqual([3, 20, 20, 20, 1_000]);
  });
});
