// Large migrations and seeds are read, checked and applied a chunk at a time: the CLI runs them in a
// heap far smaller than the file, one failure still leaves nothing behind, and positions stay right.
import { join } from 'node:path';
import { describe, expect } from 'vitest';
import { runBin } from '../helpers/cli.js';
import { BACKINGS } from '../helpers/databases.js';
import { SMALL_HEAP, SMALL_HEAP_MB, writeLines } from '../helpers/large-file.js';

const TABLE = 'create table items (id bigint primary key, name text not null, note text);\n';

import { type MigrationProject, withMigrationProject } from './helpers.js';

const insert = (i: number) =>
  `insert into items (id, name, note) values (${2 * i}, 'item ${i}', 'a ''quoted'' note; with a semicolon'), (${2 * i + 1}, $$dollar; quoted$$, null);\n`;

for (const backing of BACKINGS) {
  describe(`large files on ${backing} Postgres`, () => {
    let p: MigrationProject;
    const it = withMigrationProject(backing, (made) => {
      p = made;
    });
    const path = (file: string) => join(p.project.dir, file);
    const count = async (sql: string) => Number((await p.query<{ n: string }>(sql))[0]!.n);

    it(`applies a 16 MB migration in one transaction with a ${SMALL_HEAP_MB} MB heap`, async () => {
      p.migration('20260101000000', 'items', TABLE);
      const lines = writeLines(path('db/migrations/20260101000001_load.sql'), 16, insert);
      const result = await runBin(['migrate', 'up', '--env', p.env], {
        cwd: p.project.dir,
        env: SMALL_HEAP,
        timeoutMs: 240_000,
      });
      expect(result.stderr).not.toContain('heap');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('2 applied');
      expect(await count('select count(*) as n from items')).toBe(2 * lines);
    }, 300_000);

    it('leaves nothing of a large migration that fails near its end, naming the line and column', async () => {
      const file = 'db/migrations/20260101000002_fails_late.sql';
      const lines = writeLines(
        path(file),
        1,
        (i) => `insert into items (id, name) values (${10_000_000 + i}, 'late');\n`,
        'create table made_early (id int);\n',
        'select 1;\n  insert into nowhere values (1);\n',
      );
      const result = await p.cli(['migrate', 'up', '--env', p.env]);
      expect(result.code).toBe(1);
      expect(result.stdout).toContain(`${file}:${lines + 3}:15: relation "nowhere" does not exist (42P01)`);
      expect(await count(`select count(*) as n from pg_tables where tablename = 'made_early'`)).toBe(0);
      expect(await count('select count(*) as n from items where id >= 10000000')).toBe(0);
      expect(await count(`select count(*) as n from launchdb.migrations where name = 'fails_late'`)).toBe(0);
    }, 120_000);

    it('refuses a syntax error deep in a large migration before applying anything', async () => {
      const file = 'db/migrations/20260101000002_fails_late.sql';
      const lines = writeLines(path(file), 1, (i) => `select ${i};\n`, '', 'selec 1;\n');
      const result = await p.cli(['migrate', 'up', '--env', p.env]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `${file}:${lines + 1}:1: syntax error at or near "selec"; nothing was applied`,
      );
    }, 120_000);
  });
}
