// Backups encrypted to age recipients, end to end on the embedded backing: the machine that takes them
// holds no secret; verify, restore and the checks read them with an identity; a missing or wrong
// identity is bad input that never echoes it; a changed wrapped key or manifest is damage.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateIdentity, identityToRecipient } from 'age-encryption';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbedded } from '../../src/stores/postgres/embedded.js';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { contentChecksums, SHOP_APP, shopAppData } from './fixtures.js';

const KEY = 'a passphrase that recipients win over';

describe('backups encrypted to age recipients', () => {
  let project: TempProject;
  let identity: string;
  let recipient: string;
  let stranger: string;
  const cli = (args: string[]) => runCli(args, { cwd: project.dir });
  const output = (result: { stdout: string; stderr: string }) => result.stdout + result.stderr;
  /** The variables the next commands see, as the project's `.env` (replaced each time). */
  const setEnv = (vars: Record<string, string>) =>
    project.write(
      '.env',
      Object.entries(vars)
        .map(([name, value]) => `${name}=${JSON.stringify(value)}\n`)
        .join(''),
    );
  const backupDir = (id: string) => join(project.dir, '.launchdb', 'backups', 'development', id);
  const readManifest = (id: string) => JSON.parse(readFileSync(join(backupDir(id), 'manifest.json'), 'utf8'));
  const writeManifest = (id: string, manifest: unknown) =>
    writeFileSync(join(backupDir(id), 'manifest.json'), JSON.stringify(manifest, null, 2));
  async function shopChecksums(env: string): Promise<Record<string, string>> {
    const db = await openEmbedded(join(project.dir, '.launchdb', env, 'postgres'));
    try {
      const sums = await contentChecksums(db);
      return Object.fromEntries(Object.entries(sums).filter(([name]) => name.startsWith('shop.')));
    } finally {
      await db.close();
    }
  }
  async function create(): Promise<string> {
    const created = await cli(['backup', 'create', '--env', 'development', '--json']);
    expect(created.code, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ encrypted: true });
    return JSON.parse(created.stdout).id;
  }

  beforeAll(async () => {
    identity = await generateIdentity();
    recipient = await identityToRecipient(identity);
    stranger = await generateIdentity();
    project = tempProject(`{
      project: '{project}',
      environments: { development: { postgres: {} }, staging: { postgres: {} } },
      backups: { recipients: ['${recipient}'] },
    }`);
    setEnv({});
    for (const env of ['development', 'staging']) {
      const attached = await cli(['attach', 'postgres', '--env', env, '--confirm', env]);
      expect(attached.code, attached.stderr).toBe(0);
    }
    const db = await openEmbedded(join(project.dir, '.launchdb', 'development', 'postgres'));
    try {
      await db.query(SHOP_APP);
      await db.query(shopAppData(150));
    } finally {
      await db.close();
    }
  });

  afterAll(() => project?.remove());

  let id: string;

  it('takes a backup with no identity or key anywhere: the manifest holds the key only wrapped for the recipient', async () => {
    expect(process.env.LAUNCHDB_BACKUP_IDENTITY).toBeUndefined();
    expect(process.env.LAUNCHDB_BACKUP_KEY).toBeUndefined();
    const created = await cli(['backup', 'create', '--env', 'development']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('encrypted to 1 age recipient');
    id = created.stdout.match(/^backup (\S+):/)![1]!;
    const manifest = readManifest(id);
    expect(manifest.encryption).toEqual({
      algorithm: 'aes-256-gcm',
      kdf: 'age',
      recipients: [recipient],
      wrappedKey: expect.stringMatching(
        /^-----BEGIN AGE ENCRYPTED FILE-----\n[\s\S]+-----END AGE ENCRYPTED FILE-----\n$/,
      ),
    });
    expect(manifest.seal.method).toBe('hmac-sha256');
    // Nothing of the rows is readable in the files.
    for (const file of readdirSync(join(backupDir(id), 'data'))) {
      expect(readFileSync(join(backupDir(id), 'data', file)).includes('example.com')).toBe(false);
    }
  });

  it('passes backups.encrypted naming age; backups.verify warns where no identity is set to read it', async () => {
    const checked = await cli(['check', '--env', 'development', '--only', 'backups', '--json']);
    const report = JSON.parse(checked.stdout);
    const result = (checkId: string) => report.checks.find((check: { id: string }) => check.id === checkId);
    expect(result('backups.encrypted')).toMatchObject({
      status: 'pass',
      summary: expect.stringContaining('its key encrypted to 1 age recipient'),
    });
    expect(result('backups.verify')).toMatchObject({
      status: 'warn',
      summary: expect.stringContaining('no identity is set here'),
    });
  });

  it('will not verify without an identity, or with one of another recipient, and never echoes it', async () => {
    const missing = await cli(['backup', 'verify', id, '--json']);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toContain(`backup ${id} is encrypted to age recipients and no identity is set`);
    expect(missing.stderr).toContain(`fix: set LAUNCHDB_BACKUP_IDENTITY`);
    expect(missing.stderr).toContain(recipient);

    setEnv({ LAUNCHDB_BACKUP_IDENTITY: stranger });
    const wrong = await cli(['backup', 'verify', id]);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(
      `the age identity does not open backup ${id}: it is not one of its recipients`,
    );
    expect(output(wrong)).not.toContain(stranger);
    expect(output(wrong)).not.toContain('AGE-SECRET-KEY');

    setEnv({ LAUNCHDB_BACKUP_IDENTITY: 'AGE-SECRET-KEY-1NOTAKEY' });
    const malformed = await cli(['backup', 'verify', id]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain('LAUNCHDB_BACKUP_IDENTITY does not hold an age identity');
    expect(output(malformed)).not.toContain('NOTAKEY');
  });

  it('verifies with the identity (as an identity file, comments and all) and restores the same rows', async () => {
    setEnv({
      LAUNCHDB_BACKUP_IDENTITY: `# created: 2026-01-01T00:00:00Z\n# public key: ${recipient}\n${identity}\n`,
    });
    const verified = await cli(['backup', 'verify', id, '--json']);
    expect(verified.code, verified.stderr).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({ id, ok: true, problem: null });
    const restored = await cli(['backup', 'restore', id, '--to', 'staging', '--json']);
    expect(restored.code, restored.stderr).toBe(0);
    for (const result of [verified, restored]) expect(output(result)).not.toContain(identity);
    const source = await shopChecksums('development');
    expect(Object.keys(source).length).toBeGreaterThan(5);
    expect(await shopChecksums('staging')).toEqual(source);
    // The check reads the verification recorded beside the backup.
    const checked = await cli(['check', '--env', 'development', '--only', 'backups', '--json']);
    const verify = JSON.parse(checked.stdout).checks.find(
      (check: { id: string }) => check.id === 'backups.verify',
    );
    expect(verify).toMatchObject({ status: 'pass' });
    expect(output(checked)).not.toContain(identity);
  });

  it('finds a changed byte in the wrapped key, a swapped recipient list, and a changed manifest', async () => {
    const flipped = await create();
    const manifest = readManifest(flipped);
    const lines = manifest.encryption.wrappedKey.split('\n');
    const line = lines[1];
    lines[1] = `${line.slice(0, 20)}${line[20] === 'A' ? 'B' : 'A'}${line.slice(21)}`;
    writeManifest(flipped, {
      ...manifest,
      encryption: { ...manifest.encryption, wrappedKey: lines.join('\n') },
    });
    const damaged = await cli(['backup', 'verify', flipped]);
    expect(damaged.code).toBe(1);
    expect(damaged.stderr).toContain(`the wrapped key of backup ${flipped} does not open`);

    // Another recipient named in place of the real one: the key still unwraps, and the seal tells.
    const swapped = await create();
    const original = readManifest(swapped);
    writeManifest(swapped, {
      ...original,
      encryption: { ...original.encryption, recipients: [await identityToRecipient(stranger)] },
    });
    const changed = await cli(['backup', 'verify', swapped]);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain('does not match its seal');

    writeManifest(swapped, { ...original, totals: { ...original.totals, rows: original.totals.rows + 1 } });
    expect((await cli(['backup', 'verify', swapped])).code).toBe(1);
  });

  it('encrypts to the recipients when a passphrase is set too, and the passphrase still opens its own backups', async () => {
    // A backup from before the recipients were configured: passphrase only.
    const config = readFileSync(join(project.dir, 'launchdb.config.ts'), 'utf8');
    project.write('launchdb.config.ts', config.replace(`backups: { recipients: ['${recipient}'] },`, ''));
    setEnv({ LAUNCHDB_BACKUP_KEY: KEY });
    const older = await create();
    expect(readManifest(older).encryption.kdf).toBe('scrypt');
    project.write('launchdb.config.ts', config);

    setEnv({ LAUNCHDB_BACKUP_KEY: KEY });
    const newer = await create();
    expect(readManifest(newer).encryption).toMatchObject({ kdf: 'age', recipients: [recipient] });
    const withKeyOnly = await cli(['backup', 'verify', newer]);
    expect(withKeyOnly.code).toBe(2);
    expect(output(withKeyOnly)).not.toContain(KEY);

    setEnv({ LAUNCHDB_BACKUP_KEY: KEY, LAUNCHDB_BACKUP_IDENTITY: identity });
    for (const each of [older, newer]) {
      const verified = await cli(['backup', 'verify', each]);
      expect(verified.code, verified.stderr).toBe(0);
      expect(output(verified)).not.toContain(KEY);
    }
  });

  it('refuses a malformed recipient, or an identity put in its place, when the config loads', async () => {
    const config = readFileSync(join(project.dir, 'launchdb.config.ts'), 'utf8');
    const typo = `${recipient.slice(0, 30)}${recipient[30] === 'q' ? 'p' : 'q'}${recipient.slice(31)}`;
    for (const bad of [typo, identity, 'age1short']) {
      project.write('launchdb.config.ts', config.replace(`'${recipient}'`, `'${bad}'`));
      const refused = await cli(['backup', 'list', '--env', 'development']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('backups.recipients.0:');
      expect(output(refused)).not.toContain(bad);
    }
    project.write('launchdb.config.ts', config);
    const fixed = await cli(['backup', 'list', '--env', 'development']);
    expect(fixed.code).toBe(0);
  });

  it('makes an identity with backup keygen: a 0600 file age reads, its recipient printed, the identity not', async () => {
    const file = join(project.dir, 'keys', 'backup.key');
    project.write('keys/.keep', '');
    const made = await cli(['backup', 'keygen', '--out', 'keys/backup.key', '--json']);
    expect(made.code, made.stderr).toBe(0);
    const { recipient: printed, identityFile } = JSON.parse(made.stdout);
    expect(identityFile).toBe(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    const secret = text.split('\n').find((line) => line.startsWith('AGE-SECRET-KEY-1'))!;
    expect(await identityToRecipient(secret)).toBe(printed);
    expect(text).toContain(`# public key: ${printed}`);
    expect(output(made)).not.toContain(secret);
    const again = await cli(['backup', 'keygen', '--out', 'keys/backup.key']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists');
    expect(readFileSync(file, 'utf8')).toBe(text);
  });
});
