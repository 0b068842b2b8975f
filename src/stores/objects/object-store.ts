// What launchdb reads and writes in an environment's object storage, whatever holds it: a folder
// (embedded) or an S3-compatible bucket. Keys are relative to the environment's root (its bucket, or
// its prefix in a shared one); launchdb's own marker lives under `.launchdb/` and is never listed.

export interface StoredObject {
  /** The key relative to the environment's root: `avatars/42.png`. */
  key: string;
  /** Bytes. */
  size: number;
}

export interface ObjectStore {
  /** Where, for output: `.launchdb/<env>/objects`, or `host:port/bucket/prefix` (never a secret). */
  readonly location: string;
  /** Every object under `prefix` (default all), in key order, streamed: a bucket may hold millions. */
  list(prefix?: string): AsyncIterable<StoredObject>;
  /** The object's bytes, streamed; a missing key rejects with an error whose `code` is `NoSuchKey`. */
  read(key: string): AsyncIterable<Buffer>;
  /** Writes (replaces) an object. */
  write(key: string, body: Buffer | string): Promise<void>;
  /** The object's size, or undefined when there is none. */
  head(key: string): Promise<StoredObject | undefined>;
  /** Deletes an object; a missing one is not an error. */
  remove(key: string): Promise<void>;
  close(): Promise<void>;
}

/** The error `read` rejects with for a missing key: its `code` is `NoSuchKey`. */
export function noSuchKey(key: string, location: string): Error {
  return Object.assign(new Error(`no object ${key} in ${location}`), { code: 'NoSuchKey' });
}
