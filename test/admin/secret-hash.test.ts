// The hashes :secret_hash sends, each in the format apps verify against, checked with an independent verifier.
import { createHash, scryptSync } from 'node:crypto';
import bcrypt from 'bcryptjs';
import { afterAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../src/stores/postgres/admin/secret-hash.js';
import { runCli } from '../helpers/cli.js';
import { tempProject } from '../helpers/project.js';

const SECRET = 'Vq3xM0b1l9kzY8w_T2rN4s-Pe6hJcLdA';

describe('hashSecret', () => {
  it("bcrypt: $2a$ at cost 12, which bcrypt libraries verify (and pgcrypto's crypt reads)", async () => {
    const hash = await hashSecret(SECRET, 'bcrypt');
    expect(hash).toMatch(/^\$2a\$12\$[./A-Za-z0-9]{53}$/);
    expect(await bcrypt.compare(SECRET, hash)).toBe(true);
    expect(await bcrypt.compare(`${SECRET}x`, hash)).toBe(false);
    expect(await hashSecret(SECRET, 'bcrypt')).not.toBe(hash);
  });

  it('scrypt: a PHC string whose parameters, salt and key recompute the same key', async () => {
    const hash = await hashSecret(SECRET, 'scrypt');
    const match = /^\$scrypt\$ln=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/.exec(hash);
    expect(match).not.toBeNull();
    const [, ln, r, p, salt, key] = match!;
    expect([ln, r, p]).toEqual(['17', '8', '1']);
    const N = 2 ** Number(ln);
    const derived = scryptSync(SECRET, Buffer.from(salt!, 'base64'), Buffer.from(key!, 'base64').length, {
      N,
      r: Number(r),
      p: Number(p),
      maxmem: 256 * N * Number(r),
    });
    expect(derived.toString('base64').replace(/=+$/, '')).toBe(key);
    expect(Buffer.from(salt!, 'base64')).toHaveLength(16);
    expect(derived).toHaveLength(32);
  });

  it("sha256: the lowercase hex digest of the secret's UTF-8 bytes", async () => {
    expect(await hashSecret(SECRET, 'sha256')).toBe(createHash('sha256').update(SECRET).digest('hex'));
  });
});

describe('admin.secretHash in the config', () => {
  const project = tempProject(`{
    project: '{project}',
    environments: { development: { postgres: {} } },
    admin: { create: 'insert into users (email, token_hash) values (:email, :secret_hash)', list: 'select email from users', secret: 'token', secretHash: 'md5' },
  }`);
  afterAll(() => project.remove());

  it('takes only bcrypt, scrypt or sha256', async () => {
    const result = await runCli(['admin', 'list'], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('admin.secretHash');
    expect(result.stderr).toMatch(/bcrypt.*scrypt.*sha256/);
  });
});
