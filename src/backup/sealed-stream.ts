// Authenticated encryption of a stream with AES-256-GCM: a header, the ciphertext, then the tag.
import { createCipheriv, createDecipheriv, type DecipherGCM, randomBytes } from 'node:crypto';

const MAGIC = Buffer.from('LDBE\u0001');
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encrypts `chunks`. `label` (the file's name in the backup) is authenticated too, so a file moved
 * to another name in the backup no longer opens.
 */
export async function* seal(
  chunks: AsyncIterable<Buffer>,
  key: Buffer,
  label: string,
): AsyncIterable<Buffer> {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(label));
  yield Buffer.concat([MAGIC, iv]);
  for await (const chunk of chunks) {
    const out = cipher.update(chunk);
    if (out.length > 0) yield out;
  }
  const last = cipher.final();
  yield Buffer.concat([last, cipher.getAuthTag()]);
}

/** Thrown when sealed data does not open: a wrong key, a changed byte, or a cut-off file. */
export class SealBroken extends Error {}

/**
 * Decrypts what `seal` wrote. Plaintext flows before the tag is checked at the end, so callers
 * trust nothing until the iteration finishes without SealBroken.
 */
export async function* unseal(
  chunks: AsyncIterable<Buffer>,
  key: Buffer,
  label: string,
): AsyncIterable<Buffer> {
  let pending: Buffer = Buffer.alloc(0);
  let decipher: DecipherGCM | undefined;
  for await (const chunk of chunks) {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    if (!decipher) {
      if (pending.length < MAGIC.length + IV_BYTES) continue;
      if (!pending.subarray(0, MAGIC.length).equals(MAGIC))
        throw new SealBroken('not an encrypted launchdb file');
      decipher = createDecipheriv(
        'aes-256-gcm',
        key,
        pending.subarray(MAGIC.length, MAGIC.length + IV_BYTES),
      );
      decipher.setAAD(Buffer.from(label));
      pending = pending.subarray(MAGIC.length + IV_BYTES);
    }
    // The last TAG_BYTES may be the tag: hold them back until the input ends.
    if (pending.length > TAG_BYTES) {
      const out = decipher.update(pending.subarray(0, pending.length - TAG_BYTES));
      pending = pending.subarray(pending.length - TAG_BYTES);
      if (out.length > 0) yield out;
    }
  }
  if (!decipher || pending.length !== TAG_BYTES) throw new SealBroken('the file is cut short');
  decipher.setAuthTag(pending);
  try {
    const last = decipher.final();
    if (last.length > 0) yield last;
  } catch {
    throw new SealBroken('the file does not authenticate');
  }
}
