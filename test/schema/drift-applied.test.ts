// Drift compares the database with the migrations it applied, replayed in the order it applied them:
// a pending migration is schema.migrations-pending's business, never drift.
import { beforeAll, describe, expect } from 'vitest';
import { Project } from '../../src/core/project.js';
import { drift as driftCheck } from '../../src/stores/postgres/checks/drift.js';
import { migrationsPending } from '../../src/stores/postgres/checks/migrations-pending.js';
import { detectDrift } from '../../src/stores/postgres/schema/drift.js';
import { PostgresSession } from '../../src/stores/postgres/session.js';
import { resolvePostgresTarget } from '../../src/stores/postgres/target.js';
import { BACKINGS, SERVER_URL } from '../helpers/databases.js';
import { type MigrationProject, withMigrationProject } from '../migrate/helpers.js';

/** The project's `development`, as drift and the checks see it; a server one gets a server shadow. */
async function environmentOf(p: MigrationProject) {
  const project = await Project.load(p.project.dir);
  const env = project.environment(p.env);
  const target = resolvePostgresTarget(env)!;
  return { project, env, target, adminUrl: target.backing === 'server' ? SERVER_URL : null };
}

describe.each(BACKINGS)('drift replays only the applied migrations, on %s', (backing) => {
  let p: MigrationProject;
  const test = withMigrationProject(backing, (made) => {
    p = made;
  });
  beforeAll(async () => {
    if (!p) return;
    p.migration(
      '20260101000000',
      'users',
      'create table users (id bigint primary key, email text not null);',
    );
    p.migration('20260102000000', 'orders', 'create table orders (id bigint primary key, user_id bigint);');
    const up = await p.cli(['migrate', 'up', '--env', p.env]);
    expect(up.code).toBe(0);
  });

  test('a pending migration is not drift; schema.migrations-pending fails it', async () => {
    p.migration(
      '20260103000000',
      'invoices',
      'create table invoices (id bigint primary key, total numeric);',
    );
    const { project, env, target, adminUrl } = await environmentOf(p);
    const result = await detectDrift(env, target, { adminUrl });
    expect(result.items).toEqual([]);
    expect(result.migrations).toBe(2);
    expect(result.notes.join('\n')).toContain(
      '1 migration not applied yet is left out (schema.migrations-pending reports it): db/migrations/20260103000000_invoices.sql',
    );

    const session = new PostgresSession(env, target, { connectTimeoutMs: 10_000, command: 'test' });
    const ctx = { project, env, postgres: session, now: new Date() };
    try {
      expect(await driftCheck.run(ctx)).toMatchObject({
        status: 'pass',
        // Perhaps from the cache detectDrift filled above (embedded: the same shadow).
        summary: expect.stringMatching(
          /^no drift: the schema is what the 2 applied migrations in db\/migrations make( \(expected schema from cache\))?$/,
        ),
      });
      expect(await migrationsPending.run(ctx)).toMatchObject({ status: 'fail' });
    } finally {
      await session.close();
    }
    // The CLI says the same, and exits 0.
    const cli = await p.cli(['migrate', 'drift', '--env', p.env, '--json']);
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.stdout)).toMatchObject({ drift: [], migrations: 2 });
  });

  test('replays in the order the migrations were applied, an out-of-order one last', async () => {
    // Applied before the older file below: the older one alters what this one creates.
    p.migration('20260104000000', 'tags', 'create table tags (id bigint primary key);');
    expect((await p.cli(['migrate', 'up', '--env', p.env])).code).toBe(0);
    p.migration('20260103500000', 'tag_names', 'alter table tags add column name text;');
    const late = await p.cli(['migrate', 'up', '--env', p.env, '--allow-out-of-order']);
    expect(late.code, late.stderr).toBe(0);
    const { env, target, adminUrl } = await environmentOf(p);
    const result = await detectDrift(env, target, { adminUrl });
    expect(result.items).toEqual([]);
    expect(result.migrations).toBe(5);
  });
});
