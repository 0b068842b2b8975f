// A tool's history table that launchdb's role may not read: `migrate adopt` names the table, the
// role and the GRANT that fixes it (exit 3, the store refused us), and the GRANT as printed works.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { adminQuery, serverAvailable, serverUrlFor, uniqueName } from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { FIXTURES } from './adopt-fixtures.js';

describe.skipIf(!serverAvailable)('migrate adopt when the history table is not ours to read', () => {
  const dbmate = FIXTURES.find((fixture) => fixture.tool === 'dbmate')!;
  const role = uniqueName('ldb_adopter');
  const database = uniqueName('ldb_adopt');
  let project: TempProject;
  const cli = (args: string[]) => runCli(args, { cwd: project.dir });
  // dbmate ran as the superuser: its table belongs to it, and nothing was granted.
  const asSuperuser = (sql: string) => adminQuery(sql, [], database);

  beforeAll(async () => {
    await adminQuery(`create role ${role} login`);
    await adminQuery(`create database ${database} owner ${role}`);
    project = tempProject(`{
      project: '{project}',
      environments: { development: { postgres: { url: '${serverUrlFor(database, role)}' } } },
      migrations: { layout: 'dbmate' },
    }`);
    for (const [file, text] of Object.entries(dbmate.files)) project.write(file, text);
    const attached = await cli(['attach', 'postgres', '--env', 'development']);
    if (attached.code !== 0) throw new Error(attached.stderr);
    await asSuperuser([...dbmate.applied, dbmate.history].join('\n;\n'));
  });
  afterAll(async () => {
    project?.remove();
    await adminQuery(`drop database if exists ${database} with (force)`);
    await adminQuery(`drop role if exists ${role}`);
  });

  it('exits 3 naming the table, the role and the GRANT, instead of an unexpected error', async () => {
    const refused = await cli(['migrate', 'adopt', '--from', 'dbmate', '--env', 'development']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).not.toContain('unexpected');
    expect(refused.stderr).toContain(
      `refused role ${role} permission to read public.schema_migrations, where dbmate records its migrations`,
    );
    expect(refused.stderr).toContain(`run: GRANT SELECT ON "public"."schema_migrations" TO "${role}";`);
  });

  it('adopts once the GRANT it printed is run', async () => {
    await asSuperuser(`GRANT SELECT ON "public"."schema_migrations" TO "${role}";`);
    const adopted = await cli(['migrate', 'adopt', '--from', 'dbmate', '--env', 'development', '--json']);
    expect(adopted.code).toBe(0);
    expect(JSON.parse(adopted.stdout).adopted.map((m: { version: string }) => m.version)).toEqual(
      dbmate.versions.slice(0, 2),
    );
  });

  it('names the schema USAGE too when the history sits in a schema we may not enter', async () => {
    await asSuperuser(
      'create schema supabase_migrations; create table supabase_migrations.schema_migrations (version text not null primary key);',
    );
    const refused = await cli(['migrate', 'adopt', '--from', 'supabase', '--env', 'development']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(
      `run: GRANT USAGE ON SCHEMA "supabase_migrations" TO "${role}"; GRANT SELECT ON "supabase_migrations"."schema_migrations" TO "${role}";`,
    );
  });
});
