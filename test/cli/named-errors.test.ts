// Known conditions are named, not reported as "(an unexpected error…)": a path that is a file where a
// folder is needed (or the reverse), a table name that is not one, a table whose name holds a path.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbedded } from '../../src/stores/postgres/embedded.js';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

let project: TempProject;
const cli = (args: string[]) => runCli(args, { cwd: project.dir });

beforeAll(async () => {
  project = tempProject(`{
    project: '{project}',
    environments: {
      development: { postgres: {} },
      unreachable: { postgres: { url: 'postgresql://app@127.0.0.1:1/shop' } },
    },
  }`);
  expect((await cli(['attach', 'postgres', '--env', 'development'])).code).toBe(0);
});
afterAll(() => project.remove());

describe('paths', () => {
  it('--target naming a file: names the file that is not a folder', async () => {
    project.write('not-a-folder', 'x');
    const result = await cli(['backup', 'create', '--target', 'not-a-folder']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`${join(project.dir, 'not-a-folder')} is a file, not a folder`);
    expect(result.stderr).not.toContain('unexpected error');
    expect(result.stderr).not.toContain('ENOTDIR');
  });

  it('--junit naming a folder: says it is a folder', async () => {
    const result = await cli(['check', '--junit', project.dir]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`cannot open ${project.dir}: it is a folder, not a file`);
    expect(result.stderr).not.toContain('unexpected error');
  });
});

describe('backup export --tables', () => {
  it.each(['../../etc/passwd', 'a.b.c', '"unterminated', 'shop..users'])(
    'refuses %s before connecting, naming it',
    async (name) => {
      // The environment's server refuses connections: exit 2, not 3, shows nothing was tried.
      const result = await cli(['backup', 'export', '--env', 'unreachable', '--tables', `users,${name}`]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`--tables: "${name}" is not a table name`);
    },
  );

  it('keeps the files in the folder whatever the table is named', async () => {
    const db = await openEmbedded(join(project.dir, '.launchdb', 'development', 'postgres'));
    try {
      await db.query(
        `create table "../../../../escaped" (id int); insert into "../../../../escaped" values (1)`,
      );
    } finally {
      await db.close();
    }
    const result = await cli([
      'backup',
      'export',
      '--env',
      'development',
      '--tables',
      'public."../../../../escaped"',
      '--out',
      'exports/one',
    ]);
    expect(result.code).toBe(0);
    expect(readdirSync(join(project.dir, 'exports', 'one')).sort()).toEqual([
      'SHA256SUMS',
      'public...%2F..%2F..%2F..%2Fescaped.csv',
    ]);
    expect(existsSync(join(project.dir, 'escaped.csv'))).toBe(false);
  });
});
