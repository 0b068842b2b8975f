// A drill that cannot restore: a server backup whose schema needs an extension the embedded scratch
// does not have (dblink reaches other servers over the network, which PGlite cannot). The drill says
// what failed first, records no RTO, and never counts as a passed drill.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { adminQuery, serverAvailable, serverUrlFor, uniqueName } from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';

describe.skipIf(!serverAvailable)('a drill whose restore fails', () => {
  let project: TempProject;
  const database = uniqueName('ldb_drill_fail');
  const cli = (args: string[]) => runCli(args, { cwd: project.dir });

  beforeAll(async () => {
    await adminQuery(`create database ${database}`);
    project = tempProject(`{
      project: '{project}',
      environments: { production: { postgres: { url: '${serverUrlFor(database)}' } } },
    }`);
    const attached = await cli(['attach', 'postgres', '--env', 'production', '--confirm', 'production']);
    expect(attached.code, attached.stderr).toBe(0);
    await adminQuery(
      `create extension dblink;
       create table public.items (id int primary key, name text);
       insert into public.items select i, 'item ' || i from generate_series(1, 500) i;
       -- The drill log as launchdb made it before a failed drill recorded no RTO.
       create schema if not exists launchdb;
       create table launchdb.drills (
         id bigint generated always as identity primary key, backup_id text not null,
         ok boolean not null, scratch text not null, restore_ms integer not null,
         data_age_ms bigint not null, tables integer not null, rows bigint not null,
         problems jsonb not null default '[]', ran_at timestamptz not null default now(),
         ran_by text not null default current_user, ran_by_os_user text not null,
         launchdb_version text not null);`,
      [],
      database,
    );
  });

  afterAll(async () => {
    project?.remove();
    await adminQuery(`drop database if exists ${database} with (force)`).catch(() => {});
  });

  it('says the restore failed first, records the drill as failed with no RTO, and backups.drill fails', async () => {
    const drill = await cli(['backup', 'drill', '--env', 'production', '--fresh']);
    expect(drill.code, drill.stdout + drill.stderr).toBe(1);
    const [head, first] = drill.stdout.split('\n');
    expect(head).toContain('drill failed');
    expect(head).toContain('no RTO');
    expect(head).not.toMatch(/restored|\(RTO\)|\(RPO\)/);
    expect(first).toMatch(/first: the restore failed: .*dblink/);

    const json = await cli(['backup', 'drill', '--env', 'production', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, restoreMs: null, recorded: true });

    const { rows } = await adminQuery(
      'select ok, restore_ms, problems from launchdb.drills order by id',
      [],
      database,
    );
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row).toMatchObject({ ok: false, restore_ms: null });
      expect(row.problems[0]).toMatch(/^the restore failed: .*dblink/);
    }

    const check = await cli(['check', '--env', 'production', '--only', 'backups', '--json']);
    const outcome = JSON.parse(check.stdout).checks.find((c: { id: string }) => c.id === 'backups.drill');
    expect(outcome.status).toBe('fail');
    expect(outcome.summary).toMatch(/no drill has passed; .*the restore failed: .*dblink/);
  });
});
