// Files a tool passes over are passed over by launchdb too, and said so: a `.sql` file that
// drizzle's journal does not list is noted by `migrate status` and `migrate up`, never run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES } from './adopt-fixtures.js';
import { type MigrationProject, migrationProject } from './helpers.js';

const NOTE =
  'drizzle/0003_manual_cleanup.sql is not in meta/_journal.json: drizzle does not run it, nor does launchdb';

describe('a drizzle .sql file the journal does not list', () => {
  const drizzle = FIXTURES.find((fixture) => fixture.tool === 'drizzle')!;
  let p: MigrationProject;
  beforeAll(async () => {
    p = await migrationProject('embedded', `migrations: { layout: 'drizzle' },`);
    for (const [file, text] of Object.entries(drizzle.files)) p.project.write(file, text);
    // Written by hand beside drizzle-kit's files, never added to the journal.
    p.project.write('drizzle/0003_manual_cleanup.sql', 'DROP TABLE "posts";\n');
  });
  afterAll(async () => p?.remove());

  it('migrate up applies the journal’s migrations only, with a note, in text and in --json', async () => {
    const dry = await p.cli(['migrate', 'up', '--env', p.env, '--dry-run', '--json']);
    expect(dry.code).toBe(0);
    const plan = JSON.parse(dry.stdout);
    expect(plan.results.map((r: { version: string }) => r.version)).toEqual(drizzle.versions);
    expect(plan.notes).toEqual([NOTE]);

    const run = await p.cli(['migrate', 'up', '--env', p.env]);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(`note: ${NOTE}`);
    expect(run.stdout).toContain('3 applied');
    expect(await p.query(`select to_regclass('posts')::text as posts`)).toEqual([{ posts: 'posts' }]);
  });

  it('migrate status notes it too, and counts nothing pending', async () => {
    const text = await p.cli(['migrate', 'status', '--env', p.env]);
    expect(text.code).toBe(0);
    expect(text.stderr).toContain(`note: ${NOTE}`);
    const json = JSON.parse((await p.cli(['migrate', 'status', '--env', p.env, '--json'])).stdout);
    expect(json.notes).toEqual([NOTE]);
    expect(json.counts).toMatchObject({ applied: 3, pending: 0 });
  });
});
