// After `migrate adopt`, the adopted tool's own history (its table, sequence, indexes, drizzle's
// schema) is that tool's record, not a change to the schema: drift leaves it out, and only it.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Project } from '../../src/core/project.js';
import { migrationSettings } from '../../src/stores/postgres/migrate/migration-settings.js';
import { detectDrift } from '../../src/stores/postgres/schema/drift.js';
import { resolvePostgresTarget } from '../../src/stores/postgres/target.js';
import { BACKINGS, SERVER_URL, serverAvailable } from '../helpers/databases.js';
import { FIXTURES, type ToolFixture } from '../migrate/adopt-fixtures.js';
import { type MigrationProject, migrationProject, migrationProjects } from '../migrate/helpers.js';

/** What the tool did (its files, the first two migrations, its history), then `migrate adopt`. */
async function adoptedProject(
  make: (extraConfig: string) => Promise<MigrationProject>,
  fixture: ToolFixture,
) {
  const p = await make(`migrations: { layout: '${fixture.tool}' },`);
  for (const [file, text] of Object.entries(fixture.files)) p.project.write(file, text);
  await p.query([...fixture.applied, fixture.history].join('\n;\n'));
  const adopted = await p.cli(['migrate', 'adopt', '--from', fixture.tool, '--env', p.env]);
  if (adopted.code !== 0) throw new Error(`adopt failed: ${adopted.stderr}`);
  return p;
}

/** Drift as `migrate drift` runs it: the project's layout and folder; a server shadow on a server. */
async function driftOf(p: MigrationProject) {
  const project = await Project.load(p.project.dir);
  const env = project.environment(p.env);
  const target = resolvePostgresTarget(env)!;
  const { layout, dir } = migrationSettings(project);
  return detectDrift(env, target, {
    layout,
    migrationsDir: dir,
    adminUrl: target.backing === 'server' ? SERVER_URL : null,
  });
}

describe.each(BACKINGS)('drift after migrate adopt, on %s', (backing) => {
  const skip = backing === 'server' && !serverAvailable;
  const make = migrationProjects(backing);

  describe.each(FIXTURES)('from $tool', (fixture) => {
    let p: MigrationProject;
    beforeAll(async () => {
      if (!skip) p = await adoptedProject(make, fixture);
    });
    afterAll(async () => p?.remove());

    it.skipIf(skip)(`leaves ${fixture.table} out, and still reports a manual change`, async () => {
      const clean = await driftOf(p);
      expect(clean.items.map((item) => item.sentence)).toEqual([]);
      expect(clean.migrations).toBe(2);
      // The project is this test's alone (removed after it): the table is left in place.
      await p.query('create table manual_notes (id int)');
      const dirty = await driftOf(p);
      expect(dirty.items.map((item) => item.sentence)).toEqual([
        'table manual_notes exists in development but in no migration',
      ]);
    });
  });
});

describe('drift after adopting Prisma and moving its files into launchdb layout', () => {
  const prisma = FIXTURES.find((fixture) => fixture.tool === 'prisma')!;
  let p: MigrationProject;
  beforeAll(async () => {
    p = await adoptedProject((extraConfig) => migrationProject('embedded', extraConfig), prisma);
    // The history says `adopt:prisma`: that, not the layout, now tells drift whose table it is.
    const config = join(p.project.dir, 'launchdb.config.ts');
    writeFileSync(config, readFileSync(config, 'utf8').replace("migrations: { layout: 'prisma' },", ''));
    for (const [file, text] of Object.entries(prisma.files)) {
      const folder = /^prisma\/migrations\/(\d{14})_(\w+)\/migration\.sql$/.exec(file);
      if (folder) p.migration(folder[1]!, folder[2]!, text);
    }
  });
  afterAll(async () => p?.remove());

  it('still leaves _prisma_migrations out', async () => {
    const result = await driftOf(p);
    expect(result.items.map((item) => item.sentence)).toEqual([]);
    expect(result.migrations).toBe(2);
  });
});

describe.skipIf(!serverAvailable)('drift on a project that adopted nothing', () => {
  let p: MigrationProject;
  beforeAll(async () => {
    p = await migrationProject('server');
  });
  afterAll(async () => p?.remove());

  it("reports another tool's history table as it reports any table", async () => {
    await p.query(
      'create table public._prisma_migrations (id varchar(36) primary key, checksum varchar(64))',
    );
    const result = await driftOf(p);
    expect(result.items.map((item) => item.sentence)).toEqual([
      'table _prisma_migrations exists in development but in no migration',
    ]);
  });
});
