// Every extension PGlite ships, ready in each embedded database: their files are put in place as
// PGlite starts, and Postgres compiles an extension's code only when it first loads it. PGlite's own
// `extensions` option compiles each one named at every open (all of them doubled the time to open;
// and pg_stat_statements there rewrites the data dir's postgresql.conf, which then opens only with
// it), while which ones a data dir, a migration or a backup needs is known only once it is open.
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { Extension } from '@electric-sql/pglite';
import type { Queryable } from './database.js';

interface BundleFile {
  /** Relative to PGlite's installation: `lib/postgresql/pgcrypto.so`, `share/postgresql/extension/…`. */
  path: string;
  data: Uint8Array;
}

/** What of PGlite's Emscripten module this needs: its file system and where Postgres is installed in it. */
interface PGliteModule {
  FS: { mkdirTree(path: string): void; writeFile(path: string, data: Uint8Array): void };
  WASM_PREFIX: string;
}

/**
 * A PGlite extension making every shipped extension available. The bundles are unpacked (once per
 * process, on zlib's threads) while PGlite starts, and copied into its file system once it has.
 */
export function shippedExtensionFiles(): Extension {
  return {
    name: 'launchdb-shipped-extensions',
    setup: async (_pg, emscriptenOpts) => {
      const files = unpackedBundles();
      // Awaited in `init`; marked handled here so a PGlite that fails to start leaves no stray rejection.
      files.catch(() => {});
      let module: PGliteModule | undefined;
      const keep = (started: PGliteModule) => {
        module = started;
      };
      return {
        emscriptenOpts: { ...emscriptenOpts, preRun: [...(emscriptenOpts?.preRun ?? []), keep] },
        init: async () => {
          if (!module) throw new Error('PGlite started without running its preRun hooks');
          install(module, await files);
        },
      };
    },
  };
}

/**
 * Of `extensions` (names, or a snapshot's keys, quoted when not plain), those `db` cannot create,
 * sorted. Asked of the database itself: what it has is PGlite's own (plpgsql) and every bundle.
 */
export async function unavailableExtensions(db: Queryable, extensions: Iterable<string>): Promise<string[]> {
  const names = [...new Set([...extensions].map(unquoted))];
  if (names.length === 0) return [];
  const { rows } = await db.query<{ name: string }>(
    'select name from pg_available_extensions where name = any($1)',
    [names],
  );
  const available = new Set(rows.map((row) => row.name));
  return names.filter((name) => !available.has(name)).sort();
}

function unquoted(key: string): string {
  return key.startsWith('"') ? key.slice(1, -1).replaceAll('""', '"') : key;
}

/** One phrase for every message about extensions the embedded backing cannot give. */
export function notShipped(extensions: readonly string[]): string {
  const which = extensions.length === 1 ? 'extension' : 'extensions';
  return `${which} ${extensions.join(', ')}, which embedded Postgres (PGlite) does not ship`;
}

let unpacking: Promise<BundleFile[]> | undefined;

/** The packages holding bundles: PGlite's contrib, and pgvector, which PGlite ships apart. */
const BUNDLE_PACKAGES = ['@electric-sql/pglite', '@electric-sql/pglite-pgvector'];

/**
 * What embedded databases are built from, as `package version` for each package holding bundles
 * (PGlite itself first), and the bundles each ships: whatever a replay into PGlite makes follows from
 * these (drift's cache key).
 */
export function embeddedBuild(): { packages: string[]; extensions: string[] } {
  const require = createRequire(import.meta.url);
  const packages: string[] = [];
  const extensions: string[] = [];
  for (const name of BUNDLE_PACKAGES) {
    const dir = dirname(require.resolve(name));
    const { version } = JSON.parse(readFileSync(join(dir, '..', 'package.json'), 'utf8')) as {
      version: string;
    };
    packages.push(`${name} ${version}`);
    extensions.push(...readdirSync(dir).filter((file) => file.endsWith('.tar.gz')));
  }
  return { packages, extensions: extensions.sort() };
}

/** The bundles (`<name>.tar.gz` beside each package's entry point), unpacked once per process. */
function unpackedBundles(): Promise<BundleFile[]> {
  unpacking ??= (async () => {
    const require = createRequire(import.meta.url);
    const paths = BUNDLE_PACKAGES.flatMap((name) => {
      const dir = dirname(require.resolve(name));
      return readdirSync(dir)
        .filter((file) => file.endsWith('.tar.gz'))
        .map((file) => join(dir, file));
    });
    const tars = await Promise.all(paths.map(async (path) => gunzipAsync(await readFile(path))));
    return tars.flatMap(tarFiles);
  })();
  return unpacking;
}

const gunzipAsync = promisify(gunzip);

function install(module: PGliteModule, files: readonly BundleFile[]): void {
  const made = new Set<string>();
  for (const file of files) {
    const path = `${module.WASM_PREFIX}/${file.path}`;
    const dir = path.slice(0, path.lastIndexOf('/'));
    if (!made.has(dir)) module.FS.mkdirTree(dir);
    made.add(dir);
    module.FS.writeFile(path, file.data);
  }
}

/** The regular files of a ustar archive (PGlite's bundles hold nothing else). */
function tarFiles(tar: Buffer): BundleFile[] {
  const files: BundleFile[] = [];
  const field = (at: number, from: number, to: number) =>
    tar.toString('latin1', at + from, at + to).replace(/\0.*$/s, '');
  for (let at = 0; at + 512 <= tar.length; ) {
    if (tar[at] === 0) break; // the end-of-archive blocks
    const size = Number.parseInt(field(at, 124, 136).trim() || '0', 8);
    const type = field(at, 156, 157);
    const prefix = field(at, 345, 500);
    if (type === '0' || type === '') {
      const path = `${prefix ? `${prefix}/` : ''}${field(at, 0, 100)}`.replace(/^\.\//, '');
      files.push({ path, data: tar.subarray(at + 512, at + 512 + size) });
    }
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}
