// A backup's random key encrypted to age recipients (https://age-encryption.org) with the official
// TypeScript implementation: only public keys are needed to write it, an identity to read it back.
// The library loads on first use, so commands that never meet age do not pay for it.

/** `key` as an ASCII-armored age file that each of `recipients` can decrypt. */
export async function wrapKey(key: Buffer, recipients: readonly string[]): Promise<string> {
  const age = await import('age-encryption');
  const encrypter = new age.Encrypter();
  for (const recipient of recipients) encrypter.addRecipient(recipient);
  return age.armor.encode(await encrypter.encrypt(key));
}

/**
 * The key in `wrapped`, or undefined when none of `identities` opens it: not one of its recipients,
 * or the armored file was changed (age authenticates it, so a changed byte never yields a key).
 */
export async function unwrapKey(wrapped: string, identities: readonly string[]): Promise<Buffer | undefined> {
  const age = await import('age-encryption');
  const decrypter = new age.Decrypter();
  for (const identity of identities) decrypter.addIdentity(identity);
  try {
    return Buffer.from(await decrypter.decrypt(age.armor.decode(wrapped)));
  } catch {
    return undefined;
  }
}

/** The public keys of `identities` (not secret: they may be printed). */
export async function recipientsOf(identities: readonly string[]): Promise<string[]> {
  const age = await import('age-encryption');
  return Promise.all(identities.map((identity) => age.identityToRecipient(identity)));
}

/** A new X25519 identity and its recipient, as `age-keygen` makes them. */
export async function newIdentity(): Promise<{ identity: string; recipient: string }> {
  const age = await import('age-encryption');
  const identity = await age.generateX25519Identity();
  return { identity, recipient: await age.identityToRecipient(identity) };
}
