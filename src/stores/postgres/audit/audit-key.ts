// The audit key: an Ed25519 key kept outside the database, which signs each head of the chain, so a
// trail rewritten in the database (re-hashed from the start) cannot carry valid signatures.
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../../core/errors.js';
import type { AuditHead, SignedHead } from './audit-event.js';
import { canonicalJson } from './canonical-json.js';

export const AUDIT_KEY_VARIABLE = 'LAUNCHDB_AUDIT_KEY';

/** What the key is read from: the project's state folder, and the environment's variables. */
export interface KeyPlace {
  stateDir: string;
  vars: Readonly<Record<string, string | undefined>>;
}

/** Signs heads; `key` is its public key (raw Ed25519, base64url), the one recorded beside each signature. */
export interface AuditSigner {
  readonly key: string;
  sign(head: AuditHead): SignedHead;
}

export function auditKeyFile(stateDir: string): string {
  return join(stateDir, 'keys', 'audit.key');
}

/**
 * The signer of this project: `LAUNCHDB_AUDIT_KEY` (a PEM Ed25519 private key, the key file's
 * content) when set, else `.launchdb/keys/audit.key`, created with mode 0600 on first use.
 */
export function auditSigner(place: KeyPlace): AuditSigner {
  const privateKey = readPrivateKey(place, { create: true })!;
  const key = publicKeyOf(privateKey);
  return {
    key,
    sign: (head) => ({
      seq: head.seq,
      hash: head.hash,
      at: head.at,
      key,
      signature: sign(null, Buffer.from(signedText(head)), privateKey).toString('base64url'),
    }),
  };
}

/** The public key this machine signs with, when it has one; never creates a key. */
export function localAuditKey(place: KeyPlace): string | undefined {
  const privateKey = readPrivateKey(place, { create: false });
  return privateKey ? publicKeyOf(privateKey) : undefined;
}

/** What a head's signature covers: the head alone, tagged so the signature means nothing elsewhere. */
export function signedText(head: AuditHead): string {
  return canonicalJson({ type: 'launchdb-audit-head', seq: head.seq, hash: head.hash, at: head.at });
}

/** True when `head.signature` is `head.key`'s signature of the head. */
export function headSignatureValid(head: SignedHead): boolean {
  try {
    const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: head.key }, format: 'jwk' });
    return verify(null, Buffer.from(signedText(head)), publicKey, Buffer.from(head.signature, 'base64url'));
  } catch {
    return false;
  }
}

function publicKeyOf(privateKey: KeyObject): string {
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  return String(jwk.x);
}

function readPrivateKey(place: KeyPlace, options: { create: boolean }): KeyObject | undefined {
  const fromVariable = place.vars[AUDIT_KEY_VARIABLE];
  if (fromVariable) return parsePrivateKey(fromVariable, `$${AUDIT_KEY_VARIABLE}`);
  const file = auditKeyFile(place.stateDir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    if (!options.create) return undefined;
    text = createKeyFile(file);
  }
  return parsePrivateKey(text, file);
}

function parsePrivateKey(text: string, source: string): KeyObject {
  let key: KeyObject | undefined;
  try {
    key = createPrivateKey(text);
  } catch {
    key = undefined;
  }
  if (key?.asymmetricKeyType !== 'ed25519') {
    throw new UsageError(`${source} is not an Ed25519 private key in PEM`, {
      fix: `set it to the content of a key file launchdb made (${AUDIT_KEY_VARIABLE}="$(cat .launchdb/keys/audit.key)"), or unset it`,
    });
  }
  return key;
}

/**
 * Writes a new key under a private name, then links it into place: of two processes creating it
 * at once, one key wins and both use it; nobody reads half a file.
 */
function createKeyFile(file: string): string {
  mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const draft = `${file}.${process.pid}.tmp`;
  writeFileSync(draft, pem, { mode: 0o600 });
  try {
    linkSync(draft, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(draft, { force: true });
  }
  return readFileSync(file, 'utf8');
}
