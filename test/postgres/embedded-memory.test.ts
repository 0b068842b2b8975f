// In-memory embedded databases (the drift shadow): seeded from a cached template tarball, which is
// made on first use, replaced when damaged, and optional when the cache cannot be written.
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openInMemory } from '../../src/stores/postgres/embedded.js';
import { templateTarball } from '../../src/stores/postgres/embedded-template.js';

const INITDB_MS = 120_000;

describe('openInMemory', () => {
  let cache: string;
  const saved = process.env.LAUNCHDB_CACHE_DIR;
  beforeEach(() => {
    cache = mkdtempSync(join(tmpdir(), 'launchdb-cache-'));
    process.env.LAUNCHDB_CACHE_DIR = cache;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.LAUNCHDB_CACHE_DIR;
    else process.env.LAUNCHDB_CACHE_DIR = saved;
    rmSync(cache, { recursive: true, force: true });
  });

  async function tables(db: Awaited<ReturnType<typeof openInMemory>>): Promise<string[]> {
    const { rows } = await db.query<{ name: string }>(
      `select relname::text as name from pg_class where relkind = 'r' and relnamespace = 'public'::regnamespace`,
    );
    return rows.map((row) => row.name);
  }

  it(
    'makes the tarball once, then opens pristine databases from it, touching nothing on disk',
    async () => {
      const first = await openInMemory();
      try {
        await first.query('create table scratch (id int)');
        expect(await tables(first)).toEqual(['scratch']);
      } finally {
        await first.close();
      }
      const tarball = templateTarball();
      expect(tarball).toBe(join(cache, 'pglite-0.5.14-template.tar'));
      const made = statSync(tarball).mtimeMs;

      const second = await openInMemory();
      try {
        expect(await tables(second)).toEqual([]);
        const { rows } = await second.query<{ user: string }>('select current_user::text as user');
        expect(rows[0]?.user).toBe('postgres');
      } finally {
        await second.close();
      }
      expect(statSync(tarball).mtimeMs).toBe(made);
      // No data dir or lock file: the only thing in the cache is the tarball.
      expect(existsSync(join(cache, 'pglite-0.5.14-template'))).toBe(false);
    },
    INITDB_MS,
  );

  it(
    'replaces a damaged tarball instead of failing',
    async () => {
      const tarball = templateTarball();
      writeFileSync(tarball, 'not a tarball');
      const db = await openInMemory();
      try {
        expect(await tables(db)).toEqual([]);
      } finally {
        await db.close();
      }
      expect(statSync(tarball).size).toBeGreaterThan(1_000_000);
    },
    INITDB_MS,
  );

  it(
    'still opens when the cache cannot be written',
    async () => {
      const blocker = join(cache, 'file');
      writeFileSync(blocker, '');
      process.env.LAUNCHDB_CACHE_DIR = join(blocker, 'cache'); // under a file: mkdir fails, even as root
      const db = await openInMemory();
      try {
        expect(await tables(db)).toEqual([]);
      } finally {
        await db.close();
      }
      expect(existsSync(templateTarball())).toBe(false);
    },
    INITDB_MS,
  );
});
