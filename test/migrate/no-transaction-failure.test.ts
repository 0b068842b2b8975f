// A no-transaction migration that fails inside a BEGIN block of its own leaves the session in an
// aborted transaction; the run ends it, so the migration lock is released and the connection goes
// back to the pool usable.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateUp } from '../../src/stores/postgres/migrate/apply.js';
import { readMigrationFiles } from '../../src/stores/postgres/migrate/migration-files.js';
import { type FreshDatabase, freshDatabase, serverAvailable } from '../helpers/databases.js';

describe.runIf(serverAvailable)('a no-transaction migration failing inside its own BEGIN block', () => {
  let fresh: FreshDatabase;
  let root: string;
  beforeAll(async () => {
    fresh = await freshDatabase('server');
    root = mkdtempSync(join(tmpdir(), 'launchdb-notx-'));
  });
  afterAll(async () => {
    await fresh?.drop();
    rmSync(root, { recursive: true, force: true });
  });

  it('fails, leaves nothing, and hands back a usable connection with the lock released', async () => {
    writeFileSync(
      join(root, '20260101000000_broken.sql'),
      '-- launchdb:no-transaction\nselect 1;\nbegin;\ncreate table half (id int);\nselect 1 / 0;\ncommit;\n',
    );
    const files = readMigrationFiles(root, '.');
    const run = await migrateUp(fresh.db, files, {
      lockTimeoutMs: 5_000,
      sessionLockTimeoutMs: 0,
      statementTimeoutMs: 0,
      location: 'test',
    });
    expect(run.failed?.error?.message).toContain('division by zero');
    // The pool's one connection: not stuck in the aborted transaction, not holding the lock.
    const { rows } = await fresh.db.query<{ locks: number; half: string | null }>(
      `select (select count(*)::int from pg_locks l join pg_stat_activity a on a.pid = l.pid
                where l.locktype = 'advisory' and a.datname = current_database()) as locks,
              to_regclass('half')::text as half`,
    );
    expect(rows[0]).toEqual({ locks: 0, half: null });
  });
});
