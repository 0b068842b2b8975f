// Migrations that hold their own BEGIN … COMMIT, as their tools write them: Prisma's enum changes,
// and a dbmate `transaction:false` file whose whole up section is one block. launchdb runs each in
// one transaction with its history row, with the file unedited, so adopt and verify see it unchanged.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKINGS, serverAvailable } from '../helpers/databases.js';
import { PRISMA_HISTORY_TABLE, prismaHistoryRow } from './adopt-fixtures.js';
import { type MigrationProject, migrationProject } from './helpers.js';
import { DROP_GUEST_ROLE, INIT, PLANS, PRISMA_ENUM_FILES } from './prisma-enum-fixture.js';

interface RunResult {
  version: string;
  status: string;
  error?: { message: string; code?: string; file: string };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const enumValues = async (p: MigrationProject, type: string) =>
  (await p.query<{ value: string }>(`select unnest(enum_range(null::"${type}"))::text as value`)).map(
    (row) => row.value,
  );
const typesNamed = async (p: MigrationProject, pattern: string) =>
  (
    await p.query<{ name: string }>(
      `select typname as name from pg_type where typname like '${pattern}' and typtype = 'e' order by 1`,
    )
  ).map((row) => row.name);
const history = (p: MigrationProject) =>
  p.query<{ version: string; checksum: string; source: string }>(
    'select version, checksum, source from launchdb.migrations order by version',
  );
const up = async (p: MigrationProject) => {
  const result = await p.cli(['migrate', 'up', '--env', p.env, '--json']);
  const results: RunResult[] = result.stdout ? JSON.parse(result.stdout).results : [];
  return { ...result, results };
};

async function prismaProject(backing: 'embedded' | 'server'): Promise<MigrationProject> {
  const p = await migrationProject(backing, `migrations: { layout: 'prisma' },`);
  for (const [file, text] of Object.entries(PRISMA_ENUM_FILES)) p.project.write(file, text);
  return p;
}

describe.each(BACKINGS)('own BEGIN … COMMIT blocks on %s Postgres', (backing) => {
  const skip = backing === 'server' && !serverAvailable;
  const test = skip ? it.skip : it;

  describe("Prisma's enum changes, applied by launchdb", () => {
    let p: MigrationProject;
    beforeAll(async () => {
      if (skip) return;
      p = await prismaProject(backing);
      const init = await p.cli(['migrate', 'up', '--env', p.env, '--to', INIT.version]);
      if (init.code !== 0) throw new Error(init.stderr);
      await p.query(
        `insert into "User" (email, name, role) values ('ann@example.com', 'Ann', 'GUEST'), ('bob@example.com', 'Bob', 'ADMIN')`,
      );
    });
    afterAll(async () => p?.remove());

    test('a value still in use fails the change, leaving nothing of it and no history row', async () => {
      const run = await up(p);
      expect(run.code).toBe(1);
      expect(run.results.map((r) => [r.version, r.status])).toEqual([
        [DROP_GUEST_ROLE.version, 'failed'],
        [PLANS.version, 'skipped'],
      ]);
      expect(run.results[0]!.error).toMatchObject({
        code: '22P02',
        file: DROP_GUEST_ROLE.file,
        message: 'invalid input value for enum "Role_new": "GUEST"',
      });
      expect(await enumValues(p, 'Role')).toEqual(['USER', 'ADMIN', 'GUEST']);
      expect(await typesNamed(p, 'Role%')).toEqual(['Role']);
      expect((await history(p)).map((row) => row.version)).toEqual([INIT.version]);
    });

    test('a failure after the file’s own COMMIT takes its block back too: the migration is one transaction', async () => {
      await p.query(
        `update "User" set role = 'USER' where role = 'GUEST'; insert into "User" (email, name, role) values ('bob2@example.com', 'Bob', 'USER')`,
      );
      const run = await up(p);
      expect(run.code).toBe(1);
      expect(run.results.map((r) => [r.version, r.status])).toEqual([
        [DROP_GUEST_ROLE.version, 'applied'],
        [PLANS.version, 'failed'],
      ]);
      expect(run.results[1]!.error).toMatchObject({ code: '23505', file: PLANS.file });
      // Prisma would have committed the Status change at the file's COMMIT; launchdb kept none of it.
      expect(await enumValues(p, 'Status')).toEqual(['ACTIVE', 'SUSPENDED', 'DELETED']);
      expect(await typesNamed(p, 'Plan%')).toEqual([]);
      expect(await typesNamed(p, 'Status%')).toEqual(['Status']);
      expect(await enumValues(p, 'Role')).toEqual(['USER', 'ADMIN']);
      expect((await history(p)).map((row) => row.version)).toEqual([INIT.version, DROP_GUEST_ROLE.version]);
    });

    test('once the data allows it, every file applies as written, recorded with its own checksum', async () => {
      await p.query(`delete from "User" where email = 'bob2@example.com'`);
      const run = await up(p);
      expect(run.stderr).not.toContain('error');
      expect(run.code).toBe(0);
      expect(run.results.map((r) => [r.version, r.status])).toEqual([[PLANS.version, 'applied']]);
      expect(await enumValues(p, 'Status')).toEqual(['ACTIVE', 'SUSPENDED']);
      const users = await p.query<{ name: string; role: string; status: string; plan: string }>(
        'select name, role::text, status::text, plan::text from "User" order by name',
      );
      expect(users).toEqual([
        { name: 'Ann', role: 'USER', status: 'ACTIVE', plan: 'FREE' },
        { name: 'Bob', role: 'ADMIN', status: 'ACTIVE', plan: 'FREE' },
      ]);
      expect(
        (
          await p.query<{ role: string }>(
            `insert into "User" (email, name) values ('cy@example.com', 'Cy') returning role::text`,
          )
        )[0],
      ).toEqual({ role: 'USER' });
      expect((await history(p)).map((row) => [row.version, row.checksum])).toEqual(
        [INIT, DROP_GUEST_ROLE, PLANS].map((m) => [m.version, sha256(m.sql)]),
      );
      const verify = await p.cli(['migrate', 'verify', '--env', p.env]);
      expect(verify.code).toBe(0);
      expect(verify.stdout).toContain('3 applied migrations match their files; 0 do not');
    });
  });

  describe("Prisma's enum changes, applied by Prisma, then adopted", () => {
    let p: MigrationProject;
    beforeAll(async () => {
      if (skip) return;
      p = await prismaProject(backing);
      // As `prisma migrate deploy` runs them: each script as it is, in one simple query.
      for (const migration of [INIT, DROP_GUEST_ROLE]) await p.query(migration.sql);
      await p.query(
        [
          PRISMA_HISTORY_TABLE,
          prismaHistoryRow(INIT.name, INIT.sql, 'applied'),
          prismaHistoryRow(DROP_GUEST_ROLE.name, DROP_GUEST_ROLE.sql, 'applied'),
        ].join('\n'),
      );
    });
    afterAll(async () => p?.remove());

    test('adopt records the enum change unchanged, up applies the next one, verify finds every file as applied', async () => {
      const adopted = await p.cli(['migrate', 'adopt', '--from', 'prisma', '--env', p.env, '--json']);
      expect(adopted.code).toBe(0);
      const document = JSON.parse(adopted.stdout);
      expect(document.adopted.map((m: { version: string }) => m.version)).toEqual([
        INIT.version,
        DROP_GUEST_ROLE.version,
      ]);
      expect(document.changed).toEqual([]);

      const run = await up(p);
      expect(run.code).toBe(0);
      expect(run.results.map((r) => [r.version, r.status])).toEqual([[PLANS.version, 'applied']]);
      expect(await enumValues(p, 'Status')).toEqual(['ACTIVE', 'SUSPENDED']);

      const verify = await p.cli(['migrate', 'verify', '--env', p.env, '--json']);
      expect(verify.code).toBe(0);
      expect(JSON.parse(verify.stdout)).toEqual({ verified: 3, problems: [] });
      const again = JSON.parse(
        (await p.cli(['migrate', 'adopt', '--from', 'prisma', '--env', p.env, '--json'])).stdout,
      );
      expect(again.alreadyRecorded.map((m: { version: string }) => m.version)).toEqual([
        INIT.version,
        DROP_GUEST_ROLE.version,
      ]);
      expect(again.changed).toEqual([]);
    });
  });

  describe('a dbmate transaction:false file that is one BEGIN … COMMIT block', () => {
    let p: MigrationProject;
    const users = '20240301120000';
    const nicknames = '20240310120000';
    beforeAll(async () => {
      if (skip) return;
      p = await migrationProject(backing, `migrations: { layout: 'dbmate' },`);
      p.project.write(
        `db/migrations/${users}_create_users.sql`,
        '-- migrate:up\ncreate table users (\n  id bigserial primary key,\n  email text not null unique\n);\n\n-- migrate:down\ndrop table users;\n',
      );
      p.project.write(
        `db/migrations/${nicknames}_nicknames.sql`,
        `-- migrate:up transaction:false
BEGIN;
ALTER TABLE users ADD COLUMN nickname text;
UPDATE users SET nickname = nullif(split_part(email, '@', 1), '');
ALTER TABLE users ALTER COLUMN nickname SET NOT NULL;
COMMIT;

-- migrate:down transaction:false
ALTER TABLE users DROP COLUMN nickname;
`,
      );
      const first = await p.cli(['migrate', 'up', '--env', p.env, '--to', users]);
      if (first.code !== 0) throw new Error(first.stderr);
      await p.query(`insert into users (email) values ('@example.com')`);
    });
    afterAll(async () => p?.remove());

    test('runs atomically with its history row: a failure leaves nothing, a success is recorded', async () => {
      const failed = await up(p);
      expect(failed.code).toBe(1);
      expect(failed.results[0]).toMatchObject({
        version: nicknames,
        status: 'failed',
        error: { code: '23502' },
      });
      expect(
        await p.query(
          `select column_name from information_schema.columns where table_name = 'users' and column_name = 'nickname'`,
        ),
      ).toEqual([]);
      expect((await history(p)).map((row) => row.version)).toEqual([users]);

      await p.query(`update users set email = 'dee@example.com'`);
      const applied = await up(p);
      expect(applied.code).toBe(0);
      expect(await p.query('select nickname from users')).toEqual([{ nickname: 'dee' }]);
      expect((await history(p)).map((row) => row.version)).toEqual([users, nicknames]);
      expect((await p.cli(['migrate', 'verify', '--env', p.env])).code).toBe(0);
    });
  });
});
