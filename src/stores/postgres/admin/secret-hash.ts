// Hashes a generated admin secret in launchdb, so the server gets only what the app stores: `:secret_hash`.
import { createHash, randomBytes, scrypt } from 'node:crypto';
import bcrypt from 'bcryptjs';
import type { AdminConfig } from '../../../core/config/types.js';

export type SecretHash = NonNullable<AdminConfig['secretHash']>;

/** What apps verify each kind against: a password with bcrypt, a random token with a plain digest. */
export const DEFAULT_SECRET_HASH = { password: 'bcrypt', token: 'sha256' } as const satisfies Record<
  'password' | 'token',
  SecretHash
>;

/** 2^12 rounds: about 0.6 s here in pure JS, once per admin; above the common 10. */
const BCRYPT_COST = 12;
/** OWASP's scrypt minimum: N = 2^17, r = 8, p = 1 (128 MiB for about 0.6 s, once per admin). */
const SCRYPT = { ln: 17, r: 8, p: 1, saltBytes: 16, keyBytes: 32 } as const;

/**
 * The secret's hash in the format apps verify:
 * - `bcrypt`: `$2a$12$…`, which bcrypt, bcryptjs and pgcrypto's `crypt()` all read (pgcrypto does not
 *   read `$2b$`; for launchdb's 32-character passwords the two compute the same hash);
 * - `scrypt`: the PHC string `$scrypt$ln=17,r=8,p=1$<salt>$<key>`, salt and key in unpadded base64;
 * - `sha256`: the lowercase hex digest of the secret's UTF-8 bytes.
 */
export async function hashSecret(secret: string, scheme: SecretHash): Promise<string> {
  switch (scheme) {
    case 'bcrypt':
      return bcrypt.hash(secret, `$2a$${BCRYPT_COST}$${bcrypt.encodeBase64(randomBytes(16), 16)}`);
    case 'scrypt':
      return scryptPhc(secret);
    case 'sha256':
      return createHash('sha256').update(secret, 'utf8').digest('hex');
  }
}

async function scryptPhc(secret: string): Promise<string> {
  const { ln, r, p, saltBytes, keyBytes } = SCRYPT;
  const N = 2 ** ln;
  const salt = randomBytes(saltBytes);
  const key = await new Promise<Buffer>((resolve, reject) =>
    // scrypt needs 128·N·r bytes; Node's default ceiling (32 MiB) is below that.
    scrypt(secret, salt, keyBytes, { N, r, p, maxmem: 256 * N * r }, (error, derived) =>
      error ? reject(error) : resolve(derived),
    ),
  );
  return `$scrypt$ln=${ln},r=${r},p=${p}$${unpadded(salt)}$${unpadded(key)}`;
}

function unpadded(bytes: Buffer): string {
  return bytes.toString('base64').replace(/=+$/, '');
}
