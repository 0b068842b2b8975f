import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readMigrationLayout, readMigrations } from '../../src/stores/postgres/migrate/layouts/index.js';
import type { MigrationFile } from '../../src/stores/postgres/migrate/migration-files.js';
import { type TempProject, tempProject } from '../helpers/project.js';

let project: TempProject;
beforeEach(() => {
  project = tempProject();
});
afterEach(() => project.remove());

const write = (files: Record<string, string>) => {
  for (const [file, text] of Object.entries(files)) project.write(file, text);
};
const read = (layout: Parameters<typeof readMigrations>[1]['layout'], dir: string) =>
  readMigrations(project.dir, { layout, dir });
const versions = (files: MigrationFile[]) => files.map((file) => file.version);
const problems = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the layout to be refused');
};
/** The 1-based line of `text` in the migration's SQL: sections keep the file's own lines. */
const lineOf = (sql: string, text: string) => sql.slice(0, sql.indexOf(text)).split('\n').length;

describe('the prisma layout', () => {
  it('reads each folder’s migration.sql in timestamp order, with the baseline folder first', () => {
    write({
      'prisma/migrations/migration_lock.toml': 'provider = "postgresql"',
      'prisma/migrations/20240106093000_add_posts/migration.sql': 'CREATE TABLE "Post" (id int);',
      'prisma/migrations/0_init/migration.sql': 'CREATE TABLE "User" (id int);',
      'prisma/migrations/20240105120000_add_email/migration.sql': 'ALTER TABLE "User" ADD email text;',
    });
    const files = read('prisma', 'prisma/migrations');
    expect(versions(files)).toEqual(['00000000000000', '20240105120000', '20240106093000']);
    expect(files.map((file) => file.name)).toEqual(['init', 'add_email', 'add_posts']);
    expect(files[2]!.file).toBe('prisma/migrations/20240106093000_add_posts/migration.sql');
  });

  it('names a folder without migration.sql and one off the naming', () => {
    write({
      'prisma/migrations/20240105120000_init/README.md': 'oops',
      'prisma/migrations/init/migration.sql': 'select 1;',
    });
    const message = problems(() => read('prisma', 'prisma/migrations'));
    expect(message).toContain('prisma/migrations/20240105120000_init: has no migration.sql');
    expect(message).toContain('prisma/migrations/init: expected a <yyyymmddhhmmss>_<name> folder');
  });

  it('refuses a folder holding only a data script, as Prisma does (P3015), saying so and what to do', () => {
    // prisma migrate deploy lists every folder as a migration and stops at one without migration.sql.
    write({
      'prisma/migrations/migration_lock.toml': 'provider = "postgresql"',
      'prisma/migrations/20240105120000_init/migration.sql': 'CREATE TABLE "User" (id int);',
      'prisma/migrations/20240106093000_backfill_names/backfill.ts': 'await prisma.user.updateMany({});\n',
    });
    let refused: unknown;
    try {
      read('prisma', 'prisma/migrations');
    } catch (error) {
      refused = error;
    }
    expect(refused).toMatchObject({ exitCode: 2 });
    expect((refused as Error).message).toBe(
      'prisma/migrations/20240106093000_backfill_names: has no migration.sql; Prisma stops at it too (P3015, "Could not find the migration file")',
    );
    expect((refused as { fix: string }).fix).toContain(
      'restore a missing migration.sql or delete its folder',
    );
  });
});

describe('the drizzle layout', () => {
  const journal = (entries: { idx: number; when: number; tag: string }[]) =>
    JSON.stringify({
      version: '7',
      dialect: 'postgresql',
      entries: entries.map((e) => ({ ...e, version: '7', breakpoints: true })),
    });

  it('follows the journal, keeping statement breakpoints as comments in one batch', () => {
    write({
      'drizzle/0000_first.sql':
        'CREATE TABLE "a" ("id" integer);\n--> statement-breakpoint\nCREATE TABLE "b" ("id" integer);',
      'drizzle/0001_second.sql': 'CREATE TABLE "c" ("id" integer);',
      'drizzle/meta/_journal.json': journal([
        { idx: 1, when: 1717516800000, tag: '0001_second' },
        { idx: 0, when: 1717430400000, tag: '0000_first' },
      ]),
      'drizzle/meta/0000_snapshot.json': '{}',
    });
    const files = read('drizzle', 'drizzle');
    expect(versions(files)).toEqual(['0000', '0001']);
    expect(files.map((file) => file.name)).toEqual(['first', 'second']);
    expect(files[0]!.sql).toContain('--> statement-breakpoint');
  });

  it('names entries missing a file, and a missing journal', () => {
    write({
      'drizzle/0000_first.sql': 'CREATE TABLE "a" ("id" integer);',
      'drizzle/meta/_journal.json': journal([
        { idx: 0, when: 1, tag: '0000_first' },
        { idx: 1, when: 2, tag: '0001_gone' },
      ]),
    });
    const message = problems(() => read('drizzle', 'drizzle'));
    expect(message).toContain('drizzle/0001_gone.sql: listed in meta/_journal.json but missing');
    write({ 'other/0000_x.sql': 'select 1;' });
    expect(problems(() => read('drizzle', 'other'))).toContain('other/meta/_journal.json is missing');
  });

  it('passes over a .sql file the journal does not list, as drizzle does, with a note', () => {
    // drizzle's migrator reads meta/_journal.json and runs each entry's file; nothing else.
    write({
      'drizzle/0000_first.sql': 'CREATE TABLE "a" ("id" integer);',
      'drizzle/0001_scratch.sql': 'DROP TABLE "a";',
      'drizzle/meta/_journal.json': journal([{ idx: 0, when: 1717430400123, tag: '0000_first' }]),
    });
    const reading = readMigrationLayout(project.dir, { layout: 'drizzle', dir: 'drizzle' });
    expect(reading.files.map((file) => file.file)).toEqual(['drizzle/0000_first.sql']);
    expect(reading.notes).toEqual([
      'drizzle/0001_scratch.sql is not in meta/_journal.json: drizzle does not run it, nor does launchdb',
    ]);
  });
});

describe('the supabase layout', () => {
  it('reads timestamped files in order and refuses a name off the pattern', () => {
    write({
      'supabase/migrations/20240202113000_create_posts.sql': 'create table posts (id int);',
      'supabase/migrations/20240201101500_create_profiles.sql': 'create table profiles (id int);',
    });
    expect(versions(read('supabase', 'supabase/migrations'))).toEqual(['20240201101500', '20240202113000']);
    write({ 'supabase/migrations/create_things.sql': 'select 1;' });
    expect(problems(() => read('supabase', 'supabase/migrations'))).toContain(
      'supabase/migrations/create_things.sql: expected <yyyymmddhhmmss>_<name>.sql',
    );
  });
});

describe('the flyway layout', () => {
  it('orders versions numerically, part by part, in any subfolder, and skips undo files', () => {
    write({
      'db/migration/V10__ten.sql': 'select 10;',
      'db/migration/V2__two.sql': 'select 2;',
      'db/migration/V1.1__one_one.sql': 'select 11;',
      'db/migration/V1__one.sql': 'select 1;',
      'db/migration/release/V1_2__one_two.sql': 'select 12;',
      'db/migration/U2__two.sql': 'select -2;',
    });
    const files = read('flyway', 'db/migration');
    expect(files.map((file) => file.name)).toEqual(['one', 'one_one', 'one_two', 'two', 'ten']);
    expect(versions(files)).toEqual([...versions(files)].sort());
    expect(files[1]!.version).toBe('00000000000001.00000000000001');
    expect(files[2]!.file).toBe('db/migration/release/V1_2__one_two.sql');
  });

  it('runs a script configured with executeInTransaction=false outside a transaction', () => {
    write({
      'db/migration/V1__index.sql': 'create index concurrently i on t (a);',
      'db/migration/V1__index.sql.conf': 'executeInTransaction=false\n',
      'db/migration/V2__plain.sql': 'select 1;',
    });
    expect(read('flyway', 'db/migration').map((file) => file.noTransaction)).toEqual([true, false]);
  });

  it('refuses repeatable migrations and callbacks, and counts V1.0 as V1', () => {
    write({
      'db/migration/V1__one.sql': 'select 1;',
      'db/migration/V1.0__again.sql': 'select 1;',
      'db/migration/R__views.sql': 'create view v as select 1;',
      'db/migration/afterMigrate.sql': 'grant select on all tables in schema public to app;',
    });
    const message = problems(() => read('flyway', 'db/migration'));
    expect(message).toContain('db/migration/R__views.sql: repeatable migrations are not supported');
    expect(message).toContain('db/migration/afterMigrate.sql: callbacks are not supported');
    expect(message).toContain('version 00000000000001 is also');
  });
});

describe('the dbmate layout', () => {
  it('runs only the up section, on the file’s own lines, with its transaction option', () => {
    write({
      'db/migrations/20240302120000_index.sql':
        '-- migrate:up transaction:false\ncreate index concurrently i on posts (author_id);\n\n-- migrate:down transaction:false\ndrop index concurrently i;\n',
      'db/migrations/20240301120000_users.sql':
        '-- the users\n-- migrate:up\ncreate table users (id bigserial primary key);\n\n-- migrate:down\ndrop table users;\n',
    });
    const [users, index] = read('dbmate', 'db/migrations');
    expect(versions([users!, index!])).toEqual(['20240301120000', '20240302120000']);
    expect(users!.sql).not.toContain('drop table');
    expect(lineOf(users!.sql, 'create table users')).toBe(3);
    expect([users!.noTransaction, index!.noTransaction]).toEqual([false, true]);
    // The down section is no part of the checksum: editing it does not count as changing the migration.
    const before = users!.checksum;
    write({
      'db/migrations/20240301120000_users.sql':
        '-- the users\n-- migrate:up\ncreate table users (id bigserial primary key);\n\n-- migrate:down\ndrop table if exists users;\n',
    });
    expect(read('dbmate', 'db/migrations')[0]!.checksum).toBe(before);
  });

  it('names a file with no up section and one with statements before it', () => {
    write({
      'db/migrations/20240301120000_a.sql': 'create table a (id int);\n',
      'db/migrations/20240302120000_b.sql': 'create table b (id int);\n-- migrate:up\nselect 1;\n',
    });
    const message = problems(() => read('dbmate', 'db/migrations'));
    expect(message).toContain('20240301120000_a.sql: has no `-- migrate:up` line');
    expect(message).toContain('20240302120000_b.sql: has statements before `-- migrate:up`');
  });
});

describe('the node-pg-migrate layout', () => {
  it('orders ms and UTC timestamps together, and runs only the up section', () => {
    write({
      'migrations/20240401200000000_utc.sql':
        '-- Up Migration\nCREATE TABLE b (id int);\n\n-- Down Migration\nDROP TABLE b;\n',
      'migrations/1712000000000_ms.sql':
        '-- Up Migration\nCREATE TABLE a (id int);\n-- Down Migration\nDROP TABLE a;\n',
      'migrations/1712600000000_plain.sql': 'CREATE TABLE c (id int);\n',
      'migrations/.eslintrc.json': '{}',
    });
    const files = read('node-pg-migrate', 'migrations');
    expect(files.map((file) => file.name)).toEqual(['ms', 'utc', 'plain']);
    expect(versions(files)).toEqual(['20240401193320000', '20240401200000000', '20240408181320000']);
    expect(files[0]!.sql).not.toContain('DROP TABLE');
    expect(lineOf(files[1]!.sql, 'CREATE TABLE b')).toBe(2);
  });

  it('refuses JavaScript migrations it cannot run and a down section with no up', () => {
    write({
      'migrations/1712000000000_seed.js': 'exports.up = (pgm) => {};',
      'migrations/1712000000001_down.sql': '-- Down Migration\nDROP TABLE a;\n',
    });
    const message = problems(() => read('node-pg-migrate', 'migrations'));
    expect(message).toContain(
      'migrations/1712000000000_seed.js: JavaScript and TypeScript migrations cannot be read',
    );
    expect(message).toContain('has a `-- Down Migration` section but no `-- Up Migration`');
  });
});

describe('every layout', () => {
  it('reads a missing folder as no migrations', () => {
    for (const layout of [
      'launchdb',
      'prisma',
      'drizzle',
      'supabase',
      'flyway',
      'dbmate',
      'node-pg-migrate',
    ] as const) {
      expect(read(layout, 'nowhere')).toEqual([]);
    }
  });

  it('refuses a migration with no SQL in it', () => {
    write({ 'supabase/migrations/20240201101500_empty.sql': '-- nothing yet\n' });
    expect(problems(() => read('supabase', 'supabase/migrations'))).toContain('has no SQL statement');
  });
});
