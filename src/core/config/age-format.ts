// The text forms of age keys (https://age-encryption.org/v1), checked when the config loads and when an
// identity is read, without loading the age library: the shape, then the Bech32 checksum, so a key
// with one character mistyped is caught before the first backup needs it.

const CHARSET = 'qpzry9x8gf2tvdw0s3jn54khce6mua7l';
const GENERATOR = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3];

/** An X25519 recipient (`age1…`, as `age-keygen` prints it) or a post-quantum hybrid one (`age1pq1…`). */
const RECIPIENT = /^age1[02-9ac-hj-np-z]{58}$|^age1pq1[02-9ac-hj-np-z]{1952}$/;
/** An X25519 identity (`AGE-SECRET-KEY-1…`) or a post-quantum hybrid one (`AGE-SECRET-KEY-PQ-1…`). */
const IDENTITY = /^AGE-SECRET-KEY-(PQ-)?1[02-9AC-HJ-NP-Z]{58}$/;

export function isAgeRecipient(text: string): boolean {
  return RECIPIENT.test(text) && bech32Valid(text);
}

export function isAgeIdentity(text: string): boolean {
  return IDENTITY.test(text) && bech32Valid(text.toLowerCase());
}

/** True when the Bech32 checksum of a lowercase string holds (the part after the last `1`). */
function bech32Valid(text: string): boolean {
  const separator = text.lastIndexOf('1');
  const prefix = text.slice(0, separator);
  const values = [
    ...[...prefix].map((char) => char.charCodeAt(0) >> 5),
    0,
    ...[...prefix].map((char) => char.charCodeAt(0) & 31),
    ...[...text.slice(separator + 1)].map((char) => CHARSET.indexOf(char)),
  ];
  let check = 1;
  for (const value of values) {
    const top = check >>> 25;
    check = ((check & 0x1ffffff) << 5) ^ value;
    for (let bit = 0; bit < 5; bit++) if ((top >>> bit) & 1) check ^= GENERATOR[bit]!;
  }
  return check === 1;
}
