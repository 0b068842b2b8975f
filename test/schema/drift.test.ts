// Drift against real databases built by their migrations: none when untouched, each manual change reported.

import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Environment, Project } from '../../src/core/project.js';
import { drift as driftCheck } from '../../src/stores/postgres/checks/drift.js';
import { detectDrift } from '../../src/stores/postgres/schema/drift.js';
import { ReplayError } from '../../src/stores/postgres/schema/replay.js';
import { openServer } from '../../src/stores/postgres/server.js';
import { PostgresSession } from '../../src/stores/postgres/session.js';
import { resolvePostgresTarget } from '../../src/stores/postgres/target.js';
import { runCli } from '../helpers/cli.js';
import { adminQuery, BACKINGS, SERVER_URL, serverAvailable, uniqueName } from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { largeSchema } from './fixtures.js';
import { applyMigrations, type Live, liveProject, shadowsLeft, writeMigrations } from './live-project.js';

/** A small application's history: tables, an enum, a trigger, a view, RLS, a concurrent index, a dropped column. */
const MIGRATIONS: Record<string, string> = {
  '20260101000000_init.sql': `
create type order_status as enum ('new', 'paid', 'shipped');
create table users (
  id bigint generated always as identity primary key,
  email varchar(255) not null unique,
  name text not null default '',
  created_at timestamptz not null default now()
);
create table orders (
  id bigint generated always as identity primary key,
  user_id bigint not null references users (id) on delete cascade,
  status order_status not null default 'new',
  total numeric(12, 2) not null check (total >= 0),
  placed_at timestamptz not null default now()
);
create index orders_user_id_idx on orders (user_id);
comment on table orders is 'what people bought';
`,
  '20260102000000_touch_and_rls.sql': `
create function touch_placed_at() returns trigger language plpgsql as $$
begin
  new.placed_at := now();
  return new;
end $$;
revoke execute on function touch_placed_at() from public;
create trigger orders_touch before update on orders for each row execute function touch_placed_at();
create view paid_orders as select id, user_id, total from orders where status = 'paid';
alter table orders enable row level security;
create policy orders_owner on orders using (user_id = nullif(current_setting('app.user_id', true), '')::bigint);
`,
  '20260103000000_orders_placed_at.sql': `-- launchdb:no-transaction
create index concurrently orders_placed_at_idx on orders (placed_at);
`,
  '20260104000000_audit.sql': `
alter table users add column legacy_code text;
alter table users drop column legacy_code;
alter default privileges in schema public grant select on tables to public;
create table audit_log (id bigint generated always as identity primary key, at timestamptz default now(), what text);
`,
};

describe.each(BACKINGS)('migrate drift on %s', (backing) => {
  const skip = backing === 'server' && !serverAvailable;
  const role = uniqueName('ldbt_drift_reader');
  let live: Live;

  beforeAll(async () => {
    if (skip) return;
    live = await liveProject(backing, MIGRATIONS);
    if (backing === 'server') await adminQuery(`create role ${role}`);
    else await live.use((db) => db.query(`create role ${role}`));
  });
  afterAll(async () => {
    await live?.drop();
    if (backing === 'server' && serverAvailable) await adminQuery(`drop role if exists ${role}`);
  });

  it.skipIf(skip)('finds no drift on a database built by the migrations', async () => {
    const before = backing === 'server' ? await shadowsLeft(live) : [];
    const result = await live.use((db) => detectDrift(live.env, live.target, { live: db }));
    expect(result.items).toEqual([]);
    expect(result.shadow).toBe(backing);
    expect(result.migrations).toBe(4);
    expect(result.notes).toEqual([]);
    if (backing === 'server') expect(await shadowsLeft(live)).toEqual(before);
  });

  it.skipIf(skip)('reports a manual column, index, grant and policy, each once', async () => {
    await live.use((db) =>
      db.query(`alter table users add column nickname text;
        create index users_name_idx on users (name);
        grant select on orders to ${role};
        create policy orders_admin on orders for delete using (true);`),
    );
    try {
      const result = await live.use((db) => detectDrift(live.env, live.target, { live: db }));
      expect(result.items.map((item) => item.sentence)).toEqual([
        'column users.nickname exists in staging but in no migration',
        'index users_name_idx exists in staging but in no migration',
        'policy orders_admin on orders exists in staging but in no migration',
        `grant SELECT on table orders to ${role} exists in staging but in no migration`,
      ]);
      expect(result.items.map((item) => [item.kind, item.change])).toEqual([
        ['column', 'extra'],
        ['index', 'extra'],
        ['policy', 'extra'],
        ['grant', 'extra'],
      ]);

      // The CLI says the same, and exits 1.
      const cli = await runCli(['migrate', 'drift', '--env', 'staging', '--json'], { cwd: live.project.dir });
      expect(cli.code).toBe(1);
      const document = JSON.parse(cli.stdout);
      expect(Object.keys(document)).toEqual(
        expect.arrayContaining(['project', 'environment', 'drift', 'shadow', 'durationMs']),
      );
      expect(document).toMatchObject({ project: live.env.project, environment: 'staging', shadow: backing });
      expect(document.drift).toHaveLength(4);
      const text = await runCli(['migrate', 'drift', '--env', 'staging'], { cwd: live.project.dir });
      expect(text.code).toBe(1);
      expect(text.stdout).toContain('  - column users.nickname exists in staging but in no migration');
    } finally {
      await live.use((db) =>
        db.query(`alter table users drop column nickname; drop index users_name_idx;
          revoke select on orders from ${role}; drop policy orders_admin on orders;`),
      );
    }
  });

  it.skipIf(skip)('says "no drift" and exits 0 from the CLI when there is none', async () => {
    const result = await runCli(['migrate', 'drift', '--env', 'staging'], { cwd: live.project.dir });
    expect(result.stderr).toContain('comparing');
    expect(result.stdout).toMatch(
      /^no drift: .* is what the migrations make \(4 applied migrations in db\/migrations/,
    );
    expect(result.code).toBe(0);
  });

  it.skipIf(skip)(
    'is the schema.drift check: pass, fail with the sentences, skip without migrations',
    async () => {
      const project = await Project.load(live.project.dir);
      const session = new PostgresSession(live.env, live.target, {
        connectTimeoutMs: 10_000,
        command: 'test',
      });
      const ctx = { project, env: live.env, postgres: session, now: new Date() };
      try {
        expect(await driftCheck.run(ctx)).toMatchObject({ status: 'pass' });
        await (await session.db()).query('alter table orders alter column total drop not null');
        const failed = await driftCheck.run(ctx);
        expect(failed.status).toBe('fail');
        expect(failed.summary).toContain(
          'column orders.total is nullable in staging but NOT NULL in the migrations',
        );
        expect((failed.details as { items: unknown[] }).items).toHaveLength(1);
        await (await session.db()).query('alter table orders alter column total set not null');
        const config = { ...project.config, migrations: { dir: 'db/nothing-here' } };
        const empty = { ...ctx, project: new Project({ config, file: project.file, root: project.root }) };
        expect(await driftCheck.run(empty)).toMatchObject({ status: 'skip' });
      } finally {
        await session.close();
      }
    },
  );

  it.skipIf(skip)(
    'names the file and line of an applied migration that does not replay, and leaves no shadow behind',
    async () => {
      const before = backing === 'server' ? await shadowsLeft(live) : [];
      // Applied on a table made by hand, which no migration makes: live it ran, in the shadow it cannot.
      live.project.write(
        'db/migrations/20260105000000_broken.sql',
        'select 1;\n\ninsert into nope select id from users;\n',
      );
      await live.use(async (db) => {
        await db.query('create table nope (id bigint)');
        await applyMigrations(db, live.project.dir);
      });
      try {
        const error = await live
          .use((db) => detectDrift(live.env, live.target, { live: db }))
          .catch((e) => e);
        expect(error).toBeInstanceOf(ReplayError);
        expect(error.message).toContain('migration db/migrations/20260105000000_broken.sql:3 fails');
        expect(error.message).toContain('relation "nope" does not exist');
        if (backing === 'server') expect(await shadowsLeft(live)).toEqual(before);
      } finally {
        rmSync(join(live.project.dir, 'db/migrations/20260105000000_broken.sql'));
        await live.use((db) =>
          db.query(`delete from launchdb.migrations where version = '20260105000000'; drop table nope`),
        );
      }
    },
  );
});

describe.skipIf(!serverAvailable)('migrate drift against a server without an admin URL', () => {
  let live: Live;
  beforeAll(async () => {
    live = await liveProject('server', MIGRATIONS);
  });
  afterAll(() => live?.drop());

  it('replays into an embedded shadow and compares across major versions without false drift', async () => {
    const result = await detectDrift(live.env, live.target, { adminUrl: null });
    expect(result.shadow).toBe('embedded');
    expect(result.versions).toEqual({ live: 15, shadow: 18 });
    expect(result.notes.join(' ')).toContain('views are compared by the columns they return');
    expect(result.items).toEqual([]);
  });
});

describe.skipIf(!serverAvailable)('migrate drift on an environment launchdb attach provisioned', () => {
  let project: TempProject;
  let database: string;
  let env: Environment;

  beforeAll(async () => {
    project = tempProject(
      `{ project: '{project}', environments: { staging: { postgres: { adminUrl: '${SERVER_URL}' } } } }`,
    );
    writeMigrations(project, MIGRATIONS);
    const attached = await runCli(['attach', 'postgres', '--env', 'staging', '--json'], { cwd: project.dir });
    expect(attached.code).toBe(0);
    env = (await Project.load(project.dir)).environment('staging');
    const target = resolvePostgresTarget(env)!;
    if (target.backing !== 'server') throw new Error('expected a server target');
    database = target.database;
    // The migrations run as the owner role, as `migrate up` would run them.
    const owner = await openServer(target.migrationUrl);
    try {
      await applyMigrations(owner, project.dir);
    } finally {
      await owner.close();
    }
  });
  afterAll(async () => {
    if (database) {
      await adminQuery(`drop database if exists ${database} with (force)`);
      for (const kind of ['app', 'readonly', 'owner'])
        await adminQuery(`drop role if exists ${database}_${kind}`);
    }
    project?.remove();
  });

  it("sees attach's grants and role names as the environment's, not as drift", async () => {
    const result = await detectDrift(env, resolvePostgresTarget(env)!);
    expect(result.shadow).toBe('server');
    expect(result.items).toEqual([]);
  });

  it('still reports a privilege beyond what attach grants the app role', async () => {
    await adminQuery(
      `grant truncate on orders to ${database}_app; revoke select on users from ${database}_readonly`,
      [],
      database,
    );
    try {
      const result = await detectDrift(env, resolvePostgresTarget(env)!);
      expect(result.items.map((item) => item.sentence)).toEqual([
        'grant TRUNCATE on table orders to app exists in staging but in no migration',
        'grant SELECT on table users to readonly is missing from staging',
      ]);
    } finally {
      await adminQuery(
        `revoke truncate on orders from ${database}_app; grant select on users to ${database}_readonly`,
        [],
        database,
      );
    }
  });
});

describe.each(BACKINGS)('migrate drift on a large real-world-like schema, %s', (backing) => {
  const skip = backing === 'server' && !serverAvailable;
  const files = Object.fromEntries(
    largeSchema(300).map((sql, i) => [`20260201${String(i).padStart(6, '0')}_part.sql`, sql]),
  );
  let live: Live;
  beforeAll(async () => {
    if (!skip) live = await liveProject(backing, files);
  }, 300_000);
  afterAll(() => live?.drop());

  it.skipIf(skip)(
    'shows no false drift on 300 tables with foreign keys, indexes, views, functions, triggers and policies',
    async () => {
      const result = await live.use((db) => detectDrift(live.env, live.target, { live: db }));
      expect(result.migrations).toBe(12);
      expect(result.items).toEqual([]);
    },
    300_000,
  );
});
