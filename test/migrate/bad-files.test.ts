// Migration files launchdb refuses to read: bytes that are not UTF-8, a NUL byte, a symbolic link
// out of the project. Every layout's reader, `migrate up` and `migrate lint FILES` refuse them with
// the file and the byte offset (exit 2), and never show what a link points at.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MigrationLayout } from '../../src/core/config/types.js';
import { ProjectFolder } from '../../src/core/project-file.js';
import { matchHistory } from '../../src/stores/postgres/migrate/adopt/match-history.js';
import { readMigrations } from '../../src/stores/postgres/migrate/layouts/index.js';
import { checksumOf } from '../../src/stores/postgres/migrate/migration-files.js';
import { runCli } from '../helpers/cli.js';
import { type MigrationProject, migrationProject } from './helpers.js';

/** Where `bad` sits in the migration, and the text around it, for each test to place. */
const BEFORE = "create table caf (name text);\ninsert into caf values ('caf";
const AFTER = "');\n";
const latin1 = (head = '') =>
  Buffer.concat([Buffer.from(head + BEFORE), Buffer.from([0xe9]), Buffer.from(AFTER)]);
/** What an attacker's link would point at: its first word is what a parse error would echo. */
const SECRET = 'TOPSECRET-4f2a api_key=live_123\n';

/** One migration in each layout: its path, and what the layout needs around the SQL. */
const LAYOUTS: {
  layout: MigrationLayout;
  dir: string;
  file: string;
  head?: string;
  extra?: Record<string, string>;
}[] = [
  { layout: 'launchdb', dir: 'db/migrations', file: '20260101000000_caf.sql' },
  { layout: 'prisma', dir: 'prisma/migrations', file: '20260101000000_caf/migration.sql' },
  {
    layout: 'drizzle',
    dir: 'drizzle',
    file: '0000_caf.sql',
    extra: { 'meta/_journal.json': JSON.stringify({ entries: [{ idx: 0, when: 1, tag: '0000_caf' }] }) },
  },
  { layout: 'supabase', dir: 'supabase/migrations', file: '20260101000000_caf.sql' },
  { layout: 'flyway', dir: 'db/migration', file: 'V1__caf.sql' },
  { layout: 'dbmate', dir: 'db/migrations', file: '20260101000000_caf.sql', head: '-- migrate:up\n' },
  { layout: 'node-pg-migrate', dir: 'migrations', file: '1700000000000_caf.sql', head: '-- Up Migration\n' },
];

describe('reading migration files', () => {
  let root: string;
  let outside: string;
  beforeAll(() => {
    outside = mkdtempSync(join(tmpdir(), 'launchdb-outside-'));
    writeFileSync(join(outside, 'secret.txt'), SECRET);
  });
  afterAll(() => rmSync(outside, { recursive: true, force: true }));
  const fresh = () => {
    root = mkdtempSync(join(tmpdir(), 'launchdb-files-'));
    return root;
  };
  const write = (path: string, content: string | Buffer) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  };
  const refusal = (layout: MigrationLayout, dir: string) => {
    try {
      readMigrations(root, { layout, dir });
    } catch (error) {
      return (error as Error).message;
    }
    return 'read without complaint';
  };

  for (const { layout, dir, file, head = '', extra = {} } of LAYOUTS) {
    describe(`in the ${layout} layout`, () => {
      const setUp = (content: string | Buffer) => {
        fresh();
        for (const [path, text] of Object.entries(extra)) write(join(dir, path), text);
        write(join(dir, file), content);
      };

      it('refuses bytes that are not UTF-8, naming the file, the byte offset and the line', () => {
        setUp(latin1(head));
        const offset = Buffer.byteLength(head + BEFORE);
        const line = (head + BEFORE).split('\n').length;
        expect(refusal(layout, dir)).toContain(
          `${dir}/${file}: not UTF-8 at byte offset ${offset} (line ${line})`,
        );
        rmSync(root, { recursive: true, force: true });
      });

      it('refuses a NUL byte', () => {
        setUp(`${head}select 1;\nselect '\u0000';\n`);
        expect(refusal(layout, dir)).toContain(
          `${dir}/${file}: a NUL byte at byte offset ${Buffer.byteLength(`${head}select 1;\nselect '`)}`,
        );
        rmSync(root, { recursive: true, force: true });
      });

      it('refuses a symbolic link out of the project without showing what it points at', () => {
        fresh();
        for (const [path, text] of Object.entries(extra)) write(join(dir, path), text);
        mkdirSync(dirname(join(root, dir, file)), { recursive: true });
        symlinkSync(join(outside, 'secret.txt'), join(root, dir, file));
        const message = refusal(layout, dir);
        expect(message).toContain(`${dir}/${file}: leads outside the project through a symbolic link`);
        expect(message).not.toContain('TOPSECRET');
        expect(message).not.toContain(outside);
        rmSync(root, { recursive: true, force: true });
      });
    });
  }

  it('refuses a migrations folder that is itself a link out of the project', () => {
    fresh();
    const elsewhere = join(outside, 'migrations');
    mkdirSync(elsewhere, { recursive: true });
    writeFileSync(join(elsewhere, '20260101000000_a.sql'), SECRET);
    mkdirSync(join(root, 'db'));
    symlinkSync(elsewhere, join(root, 'db/migrations'));
    const message = refusal('launchdb', 'db/migrations');
    expect(message).toContain('db/migrations: leads outside the project through a symbolic link');
    expect(message).not.toContain('TOPSECRET');
    rmSync(root, { recursive: true, force: true });
  });

  it('follows links that stay inside the project, and reads a folder the config places outside it', () => {
    fresh();
    write('shared/create.sql', 'create table shared (id int);\n');
    mkdirSync(join(root, 'db/migrations'), { recursive: true });
    symlinkSync('../../shared/create.sql', join(root, 'db/migrations/20260101000000_shared.sql'));
    expect(readMigrations(root, { layout: 'launchdb', dir: 'db/migrations' }).map((m) => m.sql)).toEqual([
      'create table shared (id int);\n',
    ]);
    // A monorepo's shared folder, named by the config: the config says so, not a link.
    const sibling = join(outside, 'sibling');
    mkdirSync(sibling, { recursive: true });
    writeFileSync(join(sibling, '20260101000000_sibling.sql'), 'select 1;\n');
    expect(
      readMigrations(root, { layout: 'launchdb', dir: relative(root, sibling) }).map((m) => m.name),
    ).toEqual(['sibling']);
    rmSync(root, { recursive: true, force: true });
  });

  it('keeps the checksums launchdb recorded before: bytes hashed with line ends normalised equal the text hashed so', () => {
    fresh();
    // A line end split across the reader's 1 MiB reads, a lone CR, a byte-order mark, characters of
    // two to four bytes, and no line end at the end.
    const long = `-- ${'x'.repeat(1024 * 1024 - 4)}\r\nselect 'é ☃ 🎉';\rselect 2;\r\n`;
    const texts = [
      '\uFEFFselect 1;\r\nselect 2;\r\n',
      long,
      'select 1;\rselect 2;',
      'select 1;\n\n\r\n\r\r\n',
    ];
    for (const [index, text] of texts.entries()) {
      write(`db/${index}.sql`, text);
      const source = new ProjectFolder(root, 'db').file(`${index}.sql`);
      expect(source.measure().checksum).toBe(checksumOf(readFileSync(join(root, `db/${index}.sql`), 'utf8')));
    }
    rmSync(root, { recursive: true, force: true });
  });

  it("matches another tool's SHA-256 of the file's own bytes, byte-order mark and CRLF included", () => {
    fresh();
    write(
      'prisma/migrations/20260101000000_init/migration.sql',
      '\uFEFFcreate table a (id int);\r\n-- é\r\n',
    );
    const files = readMigrations(root, { layout: 'prisma', dir: 'prisma/migrations' });
    const bytes = readFileSync(join(root, 'prisma/migrations/20260101000000_init/migration.sql'));
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    // Matched by the hash alone: the row names no version.
    expect(matchHistory([{ label: 'renamed', sha256 }], files).applied.map((file) => file.name)).toEqual([
      'init',
    ]);
    rmSync(root, { recursive: true, force: true });
  });
});

describe('migrate up and migrate lint on bad files, embedded', () => {
  let p: MigrationProject;
  let outside: string;
  beforeAll(async () => {
    p = await migrationProject('embedded');
    outside = mkdtempSync(join(tmpdir(), 'launchdb-outside-'));
    writeFileSync(join(outside, 'secret.sql'), SECRET);
  });
  afterAll(async () => {
    await p?.remove();
    rmSync(outside, { recursive: true, force: true });
  });
  const clear = () => {
    rmSync(join(p.project.dir, 'db/migrations'), { recursive: true, force: true });
    mkdirSync(join(p.project.dir, 'db/migrations'), { recursive: true });
  };
  const tables = async () =>
    (
      await p.query<{ name: string }>(`select tablename as name from pg_tables where schemaname = 'public'`)
    ).map((row) => row.name);

  it('refuses a migration that is not UTF-8 before applying anything, naming the file and byte offset', async () => {
    clear();
    p.migration('20260101000000', 'first', 'create table first_one (id int);');
    writeFileSync(join(p.project.dir, 'db/migrations/20260101000001_latin1.sql'), latin1());
    const result = await p.cli(['migrate', 'up', '--env', p.env]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `db/migrations/20260101000001_latin1.sql: not UTF-8 at byte offset ${Buffer.byteLength(BEFORE)} (line 2)`,
    );
    expect(await tables()).not.toContain('first_one');
    expect(await tables()).not.toContain('caf');
  });

  it('refuses a migration linked out of the project without echoing a word of it', async () => {
    clear();
    symlinkSync(join(outside, 'secret.sql'), join(p.project.dir, 'db/migrations/20260101000002_leak.sql'));
    const result = await p.cli(['migrate', 'up', '--env', p.env]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('db/migrations/20260101000002_leak.sql: leads outside the project');
    expect(`${result.stdout}${result.stderr}`).not.toContain('TOPSECRET');
  });

  it('applies a migration that starts with a byte-order mark (as Windows editors write), and drift is clean', async () => {
    clear();
    writeFileSync(
      join(p.project.dir, 'db/migrations/20260101000003_bom.sql'),
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('create table with_bom (id int);\n')]),
    );
    const result = await p.cli(['migrate', 'up', '--env', p.env]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(await tables()).toContain('with_bom');
    expect((await p.cli(['migrate', 'verify', '--env', p.env])).code).toBe(0);
    expect((await p.cli(['migrate', 'drift', '--env', p.env])).code).toBe(0);
  });

  it('migrate lint FILES refuses the same files', async () => {
    clear();
    writeFileSync(join(p.project.dir, 'latin1.sql'), latin1());
    symlinkSync(join(outside, 'secret.sql'), join(p.project.dir, 'leak.sql'));
    const encoded = await runCli(['migrate', 'lint', 'latin1.sql'], { cwd: p.project.dir });
    expect(encoded.code).toBe(2);
    expect(encoded.stderr).toContain(`latin1.sql: not UTF-8 at byte offset ${Buffer.byteLength(BEFORE)}`);
    const linked = await runCli(['migrate', 'lint', 'leak.sql'], { cwd: p.project.dir });
    expect(linked.code).toBe(2);
    expect(linked.stderr).toContain('leak.sql: leads outside the project');
    expect(`${linked.stdout}${linked.stderr}`).not.toContain('TOPSECRET');
  });
});
