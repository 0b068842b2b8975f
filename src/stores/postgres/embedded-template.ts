// A new embedded database starts as a copy of a pristine one: PGlite's initdb takes seconds, a copy
// of its result a fraction of one. The pristine copy is cached per PGlite version, outside projects.
import { cpSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';

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
  if (existsSync(join(dataDir, 'PG_VERSION'))) return PGlite.create(dataDir);
  const template = templateDir();
  if (existsSync(join(template, 'PG_VERSION'))) {
    cpSync(template, dataDir, { recursive: true });
    return PGlite.create(dataDir);
  }
  const fresh = await PGlite.create(dataDir);
  await fresh.close();
  saveTemplate(dataDir, template);
  return PGlite.create(dataDir);
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
    rmSync(draft, { recursive: true, force: true });
  }
}
