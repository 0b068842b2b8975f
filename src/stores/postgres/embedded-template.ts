// A new embedded database starts as a copy of a pristine one: PGlite's initdb takes seconds, a copy
// of its result a fraction of one. The pristine copy is cached per PGlite version, outside projects:
// as a folder for databases on disk, and as a tarball for databases kept in memory.
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { PGlite, PGliteOptions } from '@electric-sql/pglite';
import { shippedExtensionFiles } from './embedded-extensions.js';

/** The PGlite version launchdb pins; a template made by another version is never used. */
const PGLITE_VERSION = '0.5.14';

export function templateDir(): string {
  const cache =
    process.env.LAUNCHDB_CACHE_DIR ||
    join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'launchdb');
  return join(cache, `pglite-${PGLITE_VERSION}-template`);
}

/** Opens PGlite on `dataDir`, seeding a new data dir from the cached template, or making the template. */
export async function createPGlite(dataDir: string): Promise<PGlite> {
  const { PGlite } = await import('@electric-sql/pglite');
  if (existsSync(join(dataDir, 'PG_VERSION'))) return PGlite.create(dataDir, withExtensions());
  const template = templateDir();
  if (existsSync(join(template, 'PG_VERSION'))) {
    cpSync(template, dataDir, { recursive: true });
    return PGlite.create(dataDir, withExtensions());
  }
  const fresh = await PGlite.create(dataDir);
  await fresh.close();
  saveTemplate(dataDir, template);
  return PGlite.create(dataDir, withExtensions());
}

/** Every PGlite launchdb uses can create any extension PGlite ships; the template itself has none. */
function withExtensions(options: PGliteOptions = {}): PGliteOptions {
  return { ...options, extensions: { shipped: shippedExtensionFiles() } };
}

/** Copied under a private name, then renamed into place, so a reader never sees half a template. */
function saveTemplate(dataDir: string, template: string): void {
  const draft = `${template}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(template), { recursive: true });
    cpSync(dataDir, draft, { recursive: true });
    renameSync(draft, template);
  } catch {
    // Caching is an optimisation: an unwritable cache or a concurrent writer costs only time.
    // (rmSync throws ENOTDIR when the cache's path runs through a file, hence the guard.)
    if (existsSync(draft)) rmSync(draft, { recursive: true, force: true });
  }
}

/** The template as the tarball PGlite's `loadDataDir` takes, beside the folder. */
export function templateTarball(): string {
  return `${templateDir()}.tar`;
}

/**
 * Opens PGlite in memory, seeded from the cached template tarball, or making the tarball. A
 * throwaway database (the drift shadow) is faster in memory: on disk each table costs file creations
 * (replaying 2,000 tables took 17.8 s there, 14.1 s in memory). Loading the tarball (40 MB; gzip
 * loaded no faster) takes 2–3 s with PGlite's start, where initdb in memory takes 5–8 s.
 */
export async function createMemoryPGlite(): Promise<PGlite> {
  const { PGlite } = await import('@electric-sql/pglite');
  const tarball = templateTarball();
  if (existsSync(tarball)) {
    try {
      return await PGlite.create(withExtensions({ loadDataDir: new Blob([readFileSync(tarball)]) }));
    } catch {
      // A damaged tarball costs an initdb, not a failure: the fresh one below replaces it.
    }
  }
  const fresh = await PGlite.create(withExtensions());
  await saveTemplateTarball(fresh, tarball);
  return fresh;
}

/** Dumped after a checkpoint, written under a private name, renamed into place (as `saveTemplate`). */
async function saveTemplateTarball(fresh: PGlite, tarball: string): Promise<void> {
  const draft = `${tarball}.${process.pid}.tmp`;
  try {
    await fresh.exec('checkpoint');
    const dump = await fresh.dumpDataDir('none');
    mkdirSync(dirname(tarball), { recursive: true });
    writeFileSync(draft, new Uint8Array(await dump.arrayBuffer()));
    renameSync(draft, tarball);
  } catch {
    // As for the folder: only time is lost. (rmSync throws ENOTDIR, not ENOENT, when the cache's
    // path runs through a file, hence the guard.)
    if (existsSync(draft)) rmSync(draft, { force: true });
  }
}
