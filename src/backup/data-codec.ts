// How table data is stored: COPY text, measured (checksum, bytes, rows), gzip-compressed, maybe sealed.
import { createHash } from 'node:crypto';
import { type Duplex, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import { seal, unseal } from './sealed-stream.js';

export interface Measured {
  sha256: string;
  bytes: number;
  /** Lines of COPY text: one per row (newlines inside values are escaped as `\n`). */
  rows: number;
}

/**
 * Passes `chunks` through while hashing them and counting bytes and lines; `result()` is final once
 * they are consumed. Without `hash` the checksum is left out (then empty), without `lines` the line
 * count (then 0): each is a pass over every byte.
 */
export function measure(
  chunks: AsyncIterable<Buffer>,
  options: { hash?: boolean; lines?: boolean } = {},
): { chunks: AsyncIterable<Buffer>; result(): Measured } {
  const hash = options.hash === false ? undefined : createHash('sha256');
  const lines = options.lines !== false;
  let bytes = 0;
  let rows = 0;
  async function* pass(): AsyncIterable<Buffer> {
    for await (const chunk of chunks) {
      hash?.update(chunk);
      bytes += chunk.length;
      if (lines) for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) rows++;
      yield chunk;
    }
  }
  let digest: string | undefined;
  return {
    chunks: pass(),
    result: () => {
      digest ??= hash?.digest('hex') ?? '';
      return { sha256: digest, bytes, rows };
    },
  };
}

export interface Codec {
  level: number;
  /** The data key when the backup is encrypted. */
  key?: Buffer;
}

/** Plain bytes to stored bytes. `label` is the file's path in the backup, bound into the seal. */
export function encode(plain: AsyncIterable<Buffer>, codec: Codec, label: string): AsyncIterable<Buffer> {
  const compressed = through(plain, createGzip({ level: codec.level, chunkSize: CHUNK_BYTES }));
  return codec.key ? seal(compressed, codec.key, label) : compressed;
}

/** Stored bytes back to plain ones; throws SealBroken or a zlib error when they were changed. */
export function decode(
  stored: AsyncIterable<Buffer>,
  codec: Pick<Codec, 'key'>,
  label: string,
): AsyncIterable<Buffer> {
  const opened = codec.key ? unseal(stored, codec.key, label) : stored;
  return through(opened, createGunzip({ chunkSize: CHUNK_BYTES }));
}

/** All of a small stored file (the schema), decoded. */
export async function decodeAll(
  stored: AsyncIterable<Buffer>,
  codec: Pick<Codec, 'key'>,
  label: string,
): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of decode(stored, codec, label)) parts.push(chunk);
  return Buffer.concat(parts);
}

export async function* bytesOf(buffer: Buffer): AsyncIterable<Buffer> {
  yield buffer;
}

/**
 * zlib's output pieces. Its default, 16 KiB, costs a callback, a buffer and a trip through every
 * stream after it per piece: decompressing a backup in 1 MiB pieces takes a third of the CPU.
 */
const CHUNK_BYTES = 1 << 20;

/** `source` through a transform stream; an error on either side ends the iteration with it. */
function through(source: AsyncIterable<Buffer>, transform: Duplex): AsyncIterable<Buffer> {
  // pipeline destroys `transform` with the error, which the consumer's iteration then throws.
  pipeline(Readable.from(source), transform).catch(() => {});
  return transform;
}
