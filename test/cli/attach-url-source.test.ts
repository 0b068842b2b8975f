// Which URL attach uses, and says it uses: an explicit --admin-url wins over an exported
// DATABASE_URL, and the target printed first names where the URL came from.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { adminQuery, SERVER_URL, serverAvailable, serverUrlFor, uniqueName } from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';

describe.runIf(serverAvailable)('attach with DATABASE_URL exported', () => {
  let project: TempProject;
  let other: string;
  const saved = process.env.DATABASE_URL;

  beforeAll(async () => {
    other = uniqueName('ldb_other');
    await adminQuery(`create database ${other}`);
    project = tempProject(`{
      project: '{project}',
      environments: { preview: { postgres: {} }, review: { postgres: {} } },
    }`);
    process.env.DATABASE_URL = serverUrlFor(other);
  });

  afterAll(async () => {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
    for (const database of [other, `${project?.name}_preview`]) {
      await adminQuery(`drop database if exists ${database} with (force)`).catch(() => {});
    }
    for (const kind of ['owner', 'app', 'readonly']) {
      await adminQuery(`drop role if exists ${project?.name}_preview_${kind}`).catch(() => {});
    }
    project?.remove();
  });

  it('provisions with an explicit --admin-url, and the target names the flag', async () => {
    const result = await runCli(
      ['attach', 'postgres', '--env', 'preview', '--admin-url', SERVER_URL, '--json'],
      {
        cwd: project.dir,
      },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ mode: 'provision', source: '--admin-url' });
    expect(result.stderr.split('\n')[0]).toMatch(
      /^target: .*provision on server .*\/p_\w+_preview \(from --admin-url\)$/,
    );
    const { rows } = await adminQuery('select 1 from pg_database where datname = $1', [
      `${project.name}_preview`,
    ]);
    expect(rows).toHaveLength(1);
    // The exported database was not attached.
    const marked = await adminQuery(`select to_regclass('launchdb.environment') as marker`, [], other);
    expect(marked.rows[0].marker).toBeNull();
  });

  it('names the variable when the URL came from one', async () => {
    const result = await runCli(['attach', 'postgres', '--env', 'review', '--json'], { cwd: project.dir });
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ mode: 'url', source: '$DATABASE_URL' });
    expect(result.stderr.split('\n')[0]).toMatch(/^target: .*Postgres server .* \(from \$DATABASE_URL\)$/);
    await adminQuery('drop schema launchdb cascade', [], other);
  });
});
