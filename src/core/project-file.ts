// Reads the files a project holds (migrations, seeds) as launchdb must: only from inside the project,
// only as UTF-8 text, in pieces so a large file never sits in memory whole, with a checksum of its bytes.
import { createHash, type Hash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readdirSync, readSync, realpathSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { TextDecoder } from 'node:util';
import { UsageError } from './errors.js';

/** Bytes read at a time; a piece is at least this long unless the file ends, and ends at a line end. */
const READ_BYTES = 64 * 1024;
const LF = 0x0a;
const CR = 0x0d;

/**
 * A folder of the project, named relative to its root. What is read through it must resolve inside
 * the project root; a folder the config itself places outside the root (`../shared/migrations`) is
 * trusted as its own boundary, since the config said so, but a symbolic link never widens one.
 */
export class ProjectFolder {
  readonly absolute: string;
  /** The folder as messages name it, relative to the project root. */
  readonly shown: string;
  private readonly root: string;
  private readonly lexicalBoundary: string;
  private boundary: string | undefined;

  constructor(root: string, dir: string) {
    this.root = resolve(root);
    this.absolute = resolve(this.root, dir);
    this.shown = shownPath(this.root, this.absolute);
    this.lexicalBoundary = isInside(this.root, this.absolute) ? this.root : this.absolute;
  }

  /** The entries of the folder, sorted; undefined when it does not exist. `recursive` lists every level (Flyway). */
  list(options: { recursive?: boolean } = {}): string[] | undefined {
    let real: string;
    try {
      real = realpathSync(this.absolute);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    this.refuseOutside(real, this.shown);
    return readdirSync(real, { recursive: options.recursive === true, encoding: 'utf8' }).sort();
  }

  /** A file of the folder by its name (or path below it). */
  file(name: string): ProjectFile {
    const path = join(this.absolute, name);
    return new ProjectFile(path, shownPath(this.root, path), (real, shown) =>
      this.refuseOutside(real, shown),
    );
  }

  private refuseOutside(real: string, shown: string): void {
    this.boundary ??= realpathSync(this.lexicalBoundary);
    if (isInside(this.boundary, real)) return;
    // The target is never named nor read: its name or first line could be what the link was made to leak.
    throw new UsageError(
      `${shown}: leads outside the project through a symbolic link; launchdb reads migrations and seeds only from inside the project`,
      { fix: 'put the file itself in the project, or point the link at a file inside it' },
    );
  }
}

/** One file of a project folder, read through the checks of its folder. */
export class ProjectFile {
  constructor(
    /** The path as the folder names it, before links are followed. */
    readonly path: string,
    /** Relative to the project root, for messages. */
    readonly shown: string,
    private readonly refuseOutside: (real: string, shown: string) => void,
  ) {}

  /**
   * The file's text in pieces that each end at a line end (the last where the file ends), after
   * refusing a file outside the project, a NUL byte, and bytes that are not UTF-8 (naming the byte
   * offset). A byte-order mark is kept, as `readFileSync(path, 'utf8')` keeps it. `start`/`end`
   * read a byte range; `checksum` is fed every byte read; `expect` refuses the file, once read,
   * when its checksum is no longer that one (it changed since launchdb first read it).
   */
  *pieces(
    options: { start?: number; end?: number; checksum?: ContentChecksum; expect?: string } = {},
  ): Generator<string> {
    const checksum = options.checksum ?? (options.expect === undefined ? undefined : new ContentChecksum());
    yield* this.read(options.start, options.end, checksum);
    if (options.expect !== undefined && checksum!.digest() !== options.expect) {
      throw new UsageError(`${this.shown}: changed while launchdb was using it`, {
        fix: 'leave the file as it is while launchdb runs, then run again',
      });
    }
  }

  private *read(start: number | undefined, endAt: number | undefined, checksum: ContentChecksum | undefined) {
    const real = this.realPath();
    this.refuseOutside(real, this.shown);
    const fd = openSync(real, 'r');
    try {
      const end = Math.min(endAt ?? Number.POSITIVE_INFINITY, fstatSync(fd).size);
      const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
      let position = start ?? 0;
      // Bytes read but not yet given out: the start of a line the next read finishes.
      let carry = Buffer.alloc(0);
      let carryAt = position;
      let lines = 0;
      while (position < end || carry.length > 0) {
        let buffer = carry;
        if (position < end) {
          const chunk = Buffer.allocUnsafe(Math.min(READ_BYTES, end - position));
          const read = readSync(fd, chunk, 0, chunk.length, position);
          position = read === 0 ? end : position + read;
          buffer =
            carry.length === 0 ? chunk.subarray(0, read) : Buffer.concat([carry, chunk.subarray(0, read)]);
        }
        const cut = position < end ? buffer.lastIndexOf(LF) + 1 : buffer.length;
        if (cut === 0) {
          carry = buffer; // a line longer than one read: read on
          continue;
        }
        const piece = buffer.subarray(0, cut);
        const text = this.decode(decoder, piece, carryAt, start === undefined ? lines : undefined);
        checksum?.update(piece);
        lines += countLines(piece);
        carry = buffer.subarray(cut);
        carryAt += cut;
        yield text;
      }
    } finally {
      closeSync(fd);
    }
  }

  /** The whole text, for files read at once (a config beside migrations, a small file). */
  text(): string {
    return [...this.pieces()].join('');
  }

  /** Reads the file through once: refused as `pieces` refuses it, or its checksum and size in bytes. */
  measure(): { checksum: string; size: number } {
    const checksum = new ContentChecksum();
    const pieces = this.pieces({ checksum });
    while (!pieces.next().done) {
      // Each piece is checked as it is read, and dropped.
    }
    return { checksum: checksum.digest(), size: checksum.size };
  }

  private realPath(): string {
    try {
      return realpathSync(this.path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      throw new UsageError(`${this.shown}: no such file (or a symbolic link to nothing)`, {
        fix: 'restore the file, or remove the link',
      });
    }
  }

  /** `linesBefore` counts the lines before `piece` when reading began at the file's start, for messages. */
  private decode(
    decoder: TextDecoder,
    piece: Buffer,
    offset: number,
    linesBefore: number | undefined,
  ): string {
    const nul = piece.indexOf(0);
    let text: string | undefined;
    let bad = -1;
    try {
      text = decoder.decode(piece);
    } catch {
      bad = Math.max(0, firstInvalidUtf8(piece));
    }
    const at = nul !== -1 && (bad === -1 || nul < bad) ? nul : bad;
    if (at === -1) return text!;
    const line =
      linesBefore === undefined ? '' : ` (line ${linesBefore + countLines(piece.subarray(0, at)) + 1})`;
    const where = `byte offset ${offset + at}${line}`;
    throw at === nul
      ? new UsageError(
          `${this.shown}: a NUL byte at ${where}; SQL and seed files are text and cannot hold one`,
          {
            fix: 'remove it; a file full of NUL bytes is binary or UTF-16: save it as UTF-8 text',
          },
        )
      : new UsageError(`${this.shown}: not UTF-8 at ${where}`, {
          fix: 'save the file as UTF-8, e.g. `iconv -f LATIN1 -t UTF-8 FILE`; launchdb reads no other encoding',
        });
  }
}

/**
 * SHA-256 of a file's bytes with every line end (`\r\n`, a lone `\r`) as `\n`, hex. For valid UTF-8
 * this equals hashing the decoded text with its line ends normalised, as launchdb always did, so
 * recorded checksums stay valid.
 */
export class ContentChecksum {
  private readonly hash: Hash = createHash('sha256');
  private pendingCr = false;
  /** Bytes fed, before normalising. */
  size = 0;

  update(bytes: Uint8Array): void {
    this.size += bytes.length;
    let from = 0;
    if (this.pendingCr && bytes.length > 0) {
      this.pendingCr = false;
      this.hash.update(NEWLINE);
      if (bytes[0] === LF) from = 1;
    }
    for (let cr = indexOf(bytes, CR, from); cr !== -1; cr = indexOf(bytes, CR, from)) {
      this.hash.update(bytes.subarray(from, cr));
      if (cr === bytes.length - 1) {
        this.pendingCr = true; // a `\n` may open the next bytes
        from = bytes.length;
        break;
      }
      this.hash.update(NEWLINE);
      from = bytes[cr + 1] === LF ? cr + 2 : cr + 1;
    }
    this.hash.update(bytes.subarray(from));
  }

  digest(): string {
    if (this.pendingCr) this.hash.update(NEWLINE);
    this.pendingCr = false;
    return this.hash.digest('hex');
  }
}

const NEWLINE = Buffer.from('\n');

function indexOf(bytes: Uint8Array, byte: number, from: number): number {
  return from >= bytes.length ? -1 : bytes.indexOf(byte, from);
}

function countLines(bytes: Uint8Array): number {
  let lines = 0;
  for (let at = bytes.indexOf(LF); at !== -1; at = bytes.indexOf(LF, at + 1)) lines++;
  return lines;
}

/** The offset of the first byte that does not begin or continue a well-formed UTF-8 sequence. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let at = 0;
  while (at < bytes.length) {
    const lead = bytes[at]!;
    if (lead < 0x80) {
      at++;
      continue;
    }
    // Unicode's table of well-formed sequences: the second byte's range depends on the lead.
    const [length, low, high] =
      lead >= 0xc2 && lead <= 0xdf
        ? [2, 0x80, 0xbf]
        : lead === 0xe0
          ? [3, 0xa0, 0xbf]
          : lead === 0xed
            ? [3, 0x80, 0x9f]
            : lead >= 0xe1 && lead <= 0xef
              ? [3, 0x80, 0xbf]
              : lead === 0xf0
                ? [4, 0x90, 0xbf]
                : lead === 0xf4
                  ? [4, 0x80, 0x8f]
                  : lead >= 0xf1 && lead <= 0xf3
                    ? [4, 0x80, 0xbf]
                    : [0, 0, 0];
    if (length === 0 || at + length > bytes.length) return at;
    const second = bytes[at + 1]!;
    if (second < low || second > high) return at;
    for (let next = 2; next < length; next++) {
      const byte = bytes[at + next]!;
      if (byte < 0x80 || byte > 0xbf) return at;
    }
    at += length;
  }
  return -1;
}

function isInside(folder: string, path: string): boolean {
  const rel = relative(folder, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

function shownPath(root: string, path: string): string {
  return relative(root, path) || '.';
}
