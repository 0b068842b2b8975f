import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProjectFolder } from '../../src/core/project-file.js';
import { openEmbedded } from '../../src/stores/postgres/embedded.js';
import { matchHistory } from '../../src/stores/postgres/migrate/adopt/match-history.js';
import { type MigrationFile, migrationFromFile } from '../../src/stores/postgres/migrate/migration-files.js';
import { runCli } from '../helpers/cli.js';
import { BACKINGS, serverAvailable } from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { FIXTURES, type ToolFixture } from './adopt-fixtures.js';
import { type MigrationProject, migrationProject, migrationProjects } from './helpers.js';

const history = (p: MigrationProject) =>
  p.query<{ version: string; name: string; source: string }>(
    'select version, name, source from launchdb.migrations order by version',
  );

/** What the tool did: the project's files, the first two migrations applied, its history recording them. */
async function toolProject(
  make: (extraConfig: string) => Promise<MigrationProject>,
  fixture: ToolFixture,
  layout = true,
) {
  const p = await make(layout ? `migrations: { layout: '${fixture.tool}' },` : '');
  for (const [file, text] of Object.entries(fixture.files)) p.project.write(file, text);
  // One batch: each embedded query opens the database anew.
  await p.query([...fixture.applied, fixture.history].join('\n;\n'));
  return p;
}

describe('matching a history to the files', () => {
  let project: TempProject;
  beforeAll(() => {
    project = tempProject();
  });
  afterAll(() => project.remove());
  const file = (version: string, name: string, sql: string): MigrationFile => {
    writeFileSync(join(project.dir, `${version}_${name}.sql`), sql);
    const source = new ProjectFolder(project.dir, '.').file(`${version}_${name}.sql`);
    return migrationFromFile(source, { version, name }).migration;
  };
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

  it('counts every migration up to a baseline as applied', () => {
    const files = [file('1', 'a', 'select 1;'), file('2', 'b', 'select 2;'), file('3', 'c', 'select 3;')];
    const match = matchHistory([{ label: 'baseline at V2', upTo: '2' }], files);
    expect(match.applied.map((each) => each.version)).toEqual(['1', '2']);
  });

  it('matches by content hash when the row names no version, and flags a file changed since', () => {
    const files = [file('1', 'a', 'select 1;'), file('2', 'b', 'select 2;\r\n')];
    const match = matchHistory(
      [
        { label: 'by hash', sha256: sha256('select 1;') },
        { label: 'edited', version: '2', sha256: sha256('select 22;') },
        { label: 'gone', sha256: sha256('select 3;') },
      ],
      files,
    );
    expect(match.applied.map((each) => each.version)).toEqual(['1', '2']);
    expect(match.changed.map((each) => each.version)).toEqual(['2']);
    expect(match.unmatched).toEqual([{ label: 'gone' }]);
    // Line endings alone are no change: Prisma accepts either.
    expect(
      matchHistory([{ label: 'crlf', version: '2', sha256: sha256('select 2;\n') }], files).changed,
    ).toEqual([]);
  });

  it('reports failed attempts only while no later row applied them', () => {
    const files = [file('1', 'a', 'select 1;'), file('2', 'b', 'select 2;')];
    const match = matchHistory(
      [
        { label: '1_a', version: '1', ignored: 'rolled back' },
        { label: '1_a', version: '1' },
        { label: '2_b', version: '2', ignored: 'failed' },
      ],
      files,
    );
    expect(match.applied.map((each) => each.version)).toEqual(['1']);
    expect(match.ignored).toEqual([{ label: '2_b', reason: 'failed' }]);
  });
});

describe("migrate new in another tool's layout", () => {
  it('refuses, naming the command that tool creates migrations with', async () => {
    const project = tempProject(
      `{ project: '{project}', environments: { development: { postgres: {} } }, migrations: { layout: 'prisma' } }`,
    );
    try {
      const result = await runCli(['migrate', 'new', 'add_tags'], { cwd: project.dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("follow prisma's layout (prisma/migrations)");
      expect(result.stderr).toContain('npx prisma migrate dev --create-only --name add_tags');
    } finally {
      project.remove();
    }
  });
});

describe.each(BACKINGS)('migrate adopt on %s Postgres', (backing) => {
  const skip = backing === 'server' && !serverAvailable;
  const test = skip ? it.skip : it;
  const make = migrationProjects(backing);

  describe.each(FIXTURES)('from $tool', (fixture) => {
    let p: MigrationProject;
    beforeAll(async () => {
      if (!skip) p = await toolProject(make, fixture);
    });
    afterAll(async () => p?.remove());
    const [first, second, third] = fixture.versions;

    test('records exactly the migrations the tool applied, running none', async () => {
      const result = await p.cli(['migrate', 'adopt', '--from', fixture.tool, '--env', p.env, '--json']);
      expect(result.stderr).not.toContain('Error');
      expect(result.code).toBe(0);
      const document = JSON.parse(result.stdout);
      expect(document.table).toBe(fixture.table);
      expect(document.adopted.map((m: { version: string }) => m.version)).toEqual([first, second]);
      expect(document.alreadyRecorded).toEqual([]);
      expect(document.unmatched).toEqual([]);
      expect(document.ignored).toEqual([]);
      expect(document.changed).toEqual([]);
      const rows = await history(p);
      expect(rows.map((row) => [row.version, row.source])).toEqual([
        [first, `adopt:${fixture.tool}`],
        [second, `adopt:${fixture.tool}`],
      ]);
    });

    test('status then shows two applied and one pending', async () => {
      const result = await p.cli(['migrate', 'status', '--env', p.env, '--json']);
      expect(result.code).toBe(0);
      const status = JSON.parse(result.stdout);
      expect(status.counts).toEqual({ applied: 2, pending: 1, outOfOrder: 0, changed: 0, missing: 0 });
      expect(status.migrations.map((m: { version: string; state: string }) => [m.version, m.state])).toEqual([
        [first, 'applied'],
        [second, 'applied'],
        [third, 'pending'],
      ]);
    });

    test('up applies only the newer migration', async () => {
      const result = await p.cli(['migrate', 'up', '--env', p.env, '--json']);
      expect(result.stderr).not.toContain('Error');
      expect(result.code).toBe(0);
      const run = JSON.parse(result.stdout);
      expect(run.results.map((r: { version: string; status: string }) => [r.version, r.status])).toEqual([
        [third, 'applied'],
      ]);
      // One query for both facts: each embedded query opens the database anew.
      const [after] = await p.query<{ made: boolean; history: string[][] }>(
        `select to_regclass('${fixture.third}') is not null as made,
                json_agg(json_build_array(version, source) order by version) as history
           from launchdb.migrations`,
      );
      expect(after).toEqual({
        made: true,
        history: [
          [first, `adopt:${fixture.tool}`],
          [second, `adopt:${fixture.tool}`],
          [third, 'launchdb'],
        ],
      });
    });

    test('a second adopt records nothing new', async () => {
      const result = await p.cli(['migrate', 'adopt', '--from', fixture.tool, '--env', p.env, '--json']);
      expect(result.code).toBe(0);
      const document = JSON.parse(result.stdout);
      expect(document.adopted).toEqual([]);
      expect(document.alreadyRecorded.map((m: { version: string }) => m.version)).toEqual([first, second]);
      expect((await history(p)).length).toBe(3);
    });

    test('reports a history row that names no file, and does not record it', async () => {
      await p.query(fixture.orphan.sql);
      const result = await p.cli(['migrate', 'adopt', '--from', fixture.tool, '--env', p.env]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('1 history row');
      expect(result.stdout).toContain(fixture.orphan.label);
      expect(result.stdout).toContain('adopted 0, already recorded 2, unmatched 1');
      expect((await history(p)).length).toBe(3);
    });

    test('a missing history table is bad input naming the table and the tool', async () => {
      await p.query(`drop table ${fixture.table}`);
      const result = await p.cli(['migrate', 'adopt', '--from', fixture.tool, '--env', p.env]);
      expect(result.code).toBe(2);
      const table = fixture.table.split('.').at(-1)!;
      expect(result.stderr).toContain(`has no ${table} table`);
      expect(result.stderr.toLowerCase()).toContain(fixture.tool);
    });
  });

  describe('when the config names no layout', () => {
    const fixture = FIXTURES.find((each) => each.tool === 'supabase')!;
    let p: MigrationProject;
    beforeAll(async () => {
      if (!skip) p = await toolProject(make, fixture, false);
    });
    afterAll(async () => p?.remove());

    test("reads the files with the tool's layout, and says how to make that permanent", async () => {
      const result = await p.cli(['migrate', 'adopt', '--from', 'supabase', '--env', p.env]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain(
        'recorded supabase/migrations/20240201101500_create_profiles.sql as applied',
      );
      expect(result.stdout).toContain('adopted 2, already recorded 0, unmatched 0');
      expect(result.stderr).toContain("set migrations: { layout: 'supabase' } in the config");
    });

    test('refuses an unknown tool, and a tool whose table is not there, changing nothing', async () => {
      const unknown = await p.cli(['migrate', 'adopt', '--from', 'prsima', '--env', p.env]);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain('did you mean --from prisma?');
      const absent = await p.cli(['migrate', 'adopt', '--from', 'flyway', '--env', p.env]);
      expect(absent.code).toBe(2);
      expect(absent.stderr).toContain(
        'has no flyway_schema_history table, where Flyway records its migrations',
      );
      expect((await p.cli(['migrate', 'adopt', '--env', p.env])).code).toBe(2);
    });
  });
});

describe('migrate adopt on a guarded environment', () => {
  const fixture = FIXTURES.find((each) => each.tool === 'dbmate')!;
  let p: MigrationProject;
  const production = async (sql: string) => {
    const db = await openEmbedded(join(p.project.dir, '.launchdb', 'production', 'postgres'));
    try {
      return (await db.query<{ version: string }>(sql)).rows;
    } finally {
      await db.close();
    }
  };
  beforeAll(async () => {
    p = await migrationProject('embedded', `migrations: { layout: 'dbmate' },`);
    for (const [file, text] of Object.entries(fixture.files)) p.project.write(file, text);
    const attached = await p.cli(['attach', 'postgres', '--env', 'production', '--confirm', 'production']);
    if (attached.code !== 0) throw new Error(attached.stderr);
    for (const sql of fixture.applied) await production(sql);
    await production(fixture.history);
  });
  afterAll(async () => p?.remove());

  it('records nothing without the name typed or --confirm', async () => {
    const refused = await p.cli(['migrate', 'adopt', '--from', 'dbmate', '--env', 'production']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('pass --confirm production');
    const mistyped = await p.cli(['migrate', 'adopt', '--from', 'dbmate', '--env', 'production'], {
      answers: ['staging'],
    });
    expect(mistyped.code).toBe(2);
    expect(await production("select to_regclass('launchdb.migrations')::text as version")).toEqual([
      { version: null },
    ]);
  });

  it('adopts once the name is typed', async () => {
    const typed = await p.cli(['migrate', 'adopt', '--from', 'dbmate', '--env', 'production'], {
      answers: ['production'],
    });
    expect(typed.code).toBe(0);
    expect(typed.stderr).toContain('target: project');
    expect(typed.stdout).toContain('adopted 2, already recorded 0, unmatched 0');
    expect(await production('select version from launchdb.migrations order by version')).toEqual([
      { version: '20240301120000' },
      { version: '20240302120000' },
    ]);
  });
});
