// Where the control database is: flag, control.url, LAUNCHDB_CONTROL_URL, embedded; and bad URLs.
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { resolveControlTarget } from '../../src/control/control-target.js';
import { ConfigError, UsageError } from '../../src/core/errors.js';
import { Project } from '../../src/core/project.js';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

const ENVIRONMENTS = `environments: { development: { postgres: {} } }`;

describe('resolveControlTarget', () => {
  let project: TempProject | undefined;
  afterEach(() => {
    project?.remove();
    project = undefined;
  });

  async function load(control?: string, dotenv?: string): Promise<Project> {
    project = tempProject(
      `{ project: '{project}', ${ENVIRONMENTS}${control ? `, control: ${control}` : ''} }`,
    );
    if (dotenv) project.write('.env', dotenv);
    return Project.load(project.dir);
  }

  it('is embedded under .launchdb/control/postgres by default', async () => {
    const loaded = await load();
    expect(resolveControlTarget(loaded)).toEqual({
      backing: 'embedded',
      dataDir: join(loaded.root, '.launchdb', 'control', 'postgres'),
      location: '.launchdb/control/postgres',
    });
  });

  it('takes LAUNCHDB_CONTROL_URL from the project .env when the config names no URL', async () => {
    const loaded = await load(undefined, 'LAUNCHDB_CONTROL_URL=postgres://u:pw@db.internal:5433/control\n');
    expect(resolveControlTarget(loaded)).toMatchObject({
      backing: 'server',
      source: '$LAUNCHDB_CONTROL_URL',
      location: 'db.internal:5433/control',
    });
  });

  it('lets control.url win over the variable, and a flag win over both', async () => {
    const loaded = await load(
      `{ url: 'postgres://u:pw@config.internal/control' }`,
      'LAUNCHDB_CONTROL_URL=postgres://u:pw@variable.internal/control\n',
    );
    expect(resolveControlTarget(loaded)).toMatchObject({
      source: 'control.url',
      location: 'config.internal:5432/control',
    });
    expect(resolveControlTarget(loaded, { url: 'postgres://flag.internal/c' })).toMatchObject({
      source: '--control-url',
      location: 'flag.internal:5432/c',
    });
  });

  it("reads env('NAME') in control.url, naming the path when the variable is unset or not a URL", async () => {
    const loaded = await load(
      `{ url: env('TEAM_CONTROL_URL') }`,
      'TEAM_CONTROL_URL=postgres://team.internal/c\n',
    );
    expect(resolveControlTarget(loaded)).toMatchObject({ source: 'control.url (from $TEAM_CONTROL_URL)' });

    const unset = await load(`{ url: env('TEAM_CONTROL_URL_UNSET') }`);
    expect(() => resolveControlTarget(unset)).toThrow(UsageError);
    expect(() => resolveControlTarget(unset)).toThrow(
      'environment variable TEAM_CONTROL_URL_UNSET is not set (needed by control.url)',
    );

    const bad = await load(`{ url: env('TEAM_CONTROL_URL') }`, 'TEAM_CONTROL_URL=mysql://root:pw@db/c\n');
    expect(() => resolveControlTarget(bad)).toThrow(
      'control.url (from $TEAM_CONTROL_URL) is a mysql:// URL; launchdb attaches Postgres: give a postgres:// URL',
    );
  });

  it('refuses a LAUNCHDB_CONTROL_URL that is not a postgres URL, naming the variable and not the value', async () => {
    const loaded = await load(undefined, 'LAUNCHDB_CONTROL_URL=not a url with s3cret\n');
    expect(() => resolveControlTarget(loaded)).toThrow('$LAUNCHDB_CONTROL_URL is not a URL');
  });
});

describe('a bad control.url in the config', () => {
  const project = tempProject(
    `{ project: '{project}', ${ENVIRONMENTS}, control: { url: 'mysql://root:s3cret@db/control' } }`,
  );
  afterAll(() => project.remove());

  it('is one problem naming control.url', async () => {
    const error = await Project.load(project.dir).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual(['control.url: expected a postgres:// URL']);
  });

  it('stops any command with exit 2 and one line, without the password', async () => {
    const result = await runCli(['env', 'list'], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('control.url: expected a postgres:// URL');
    expect(result.stderr.trim().split('\n')[0]).toContain('control.url');
    expect(result.stderr).not.toContain('s3cret');
  });
});
