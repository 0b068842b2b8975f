// URLs are checked where they enter (flag, its -file twin, a variable, the config) and refused unless
// they are postgres:// URLs that parse, naming where they came from and never echoing them. A URL
// flag also reads from a file or a variable, so a password need not sit in argv.
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args.js';
import { COMMANDS } from '../../src/cli/commands.js';
import { readSecrets } from '../../src/core/secrets.js';
import { runCli } from '../helpers/cli.js';
import { adminQuery, serverAvailable, serverUrlFor, uniqueName } from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';

const SECRET = 'hunter2secret';
let project: TempProject;
beforeAll(() => {
  project = tempProject(`{
    project: '{project}',
    environments: {
      development: { postgres: {} },
      staging: { postgres: {} },
      fromvar: { postgres: { url: env('LAUNCHDB_TEST_MYSQL_URL') } },
      badadmin: { postgres: { adminUrl: env('LAUNCHDB_TEST_BROKEN_URL') } },
    },
  }`);
});
afterAll(() => project.remove());
afterEach(() => {
  delete process.env.LAUNCHDB_SCRATCH_URL;
  delete process.env.LAUNCHDB_TEST_MYSQL_URL;
  delete process.env.LAUNCHDB_TEST_BROKEN_URL;
});

const cli = (args: string[]) => runCli(args, { cwd: project.dir });
const spec = (name: string) => COMMANDS.find((command) => command.name === name)!;

describe('a URL that is not Postgres', () => {
  it('is refused from --url, naming the flag and the scheme', async () => {
    const result = await cli([
      'attach',
      'postgres',
      '--env',
      'staging',
      '--url',
      `mysql://root:${SECRET}@127.0.0.1:5432/x`,
    ]);
    expect(result.code).toBe(2);
    // One line, and no word of an audit trail the never-attached environment does not have.
    expect(result.stderr.trim()).toBe(
      'error: --url is a mysql:// URL; launchdb attaches Postgres: give a postgres:// URL',
    );
    expect(result.stderr).not.toContain(SECRET);
  });

  it('is refused from backup restore --to, which also takes an environment name', async () => {
    const result = await cli([
      'backup',
      'restore',
      'staging-20260101-000000-a1b2',
      '--to',
      `mysql://a:${SECRET}@h/x`,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--to is a mysql:// URL');
    expect(result.stderr).not.toContain(SECRET);
  });

  it('is refused from a variable, naming it', async () => {
    process.env.LAUNCHDB_SCRATCH_URL = `mysql://a:${SECRET}@h/x`;
    const result = await cli(['backup', 'drill', '--env', 'staging']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('$LAUNCHDB_SCRATCH_URL is a mysql:// URL');
    expect(result.stderr).not.toContain(SECRET);
  });

  it("is refused from attach's DATABASE_URL in a .env file", async () => {
    project.write('.env.staging', `DATABASE_URL=mysql://root:${SECRET}@127.0.0.1:5432/x\n`);
    try {
      const result = await cli(['attach', 'postgres', '--env', 'staging']);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('$DATABASE_URL is a mysql:// URL');
      expect(result.stderr).not.toContain(SECRET);
    } finally {
      project.write('.env.staging', '');
    }
  });

  it("is refused from the config's env('NAME'), naming the config path and the variable", async () => {
    process.env.LAUNCHDB_TEST_MYSQL_URL = `mysql://a:${SECRET}@h/x`;
    const result = await cli(['check', '--env', 'fromvar']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'environments.fromvar.postgres.url (from $LAUNCHDB_TEST_MYSQL_URL) is a mysql:// URL',
    );
    expect(result.stderr).not.toContain(SECRET);
  });
});

describe('a URL that does not parse', () => {
  it('names the flag and says to percent-encode the password, without echoing it', async () => {
    const result = await cli([
      'attach',
      'postgres',
      '--env',
      'staging',
      '--admin-url',
      `postgres://admin:${SECRET}/x@db/postgres`,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('error: --admin-url is not a valid URL');
    expect(result.stderr).toContain('percent-encode @ : / ? #');
    expect(result.stderr).not.toContain(SECRET);
    expect(result.stderr).not.toContain('Invalid URL');
  });

  it('names the config path and variable of an env() URL', async () => {
    process.env.LAUNCHDB_TEST_BROKEN_URL = `postgres://admin:${SECRET}/x@db/postgres`;
    const result = await cli(['attach', 'postgres', '--env', 'badadmin']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'environments.badadmin.postgres.adminUrl (from $LAUNCHDB_TEST_BROKEN_URL) is not a valid URL',
    );
    expect(result.stderr).not.toContain(SECRET);
  });

  it('names the config path of a URL written in the config', async () => {
    const broken = tempProject(`{
      project: '{project}',
      environments: { production: { postgres: { url: 'postgres://app:${SECRET}/x@db/shop' } } },
    }`);
    try {
      const result = await runCli(['check', '--env', 'production'], { cwd: broken.dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('environments.production.postgres.url: expected a URL that parses');
      expect(result.stderr).not.toContain(SECRET);
    } finally {
      broken.remove();
    }
  });

  it('is not a URL at all', async () => {
    const result = await cli(['backup', 'drill', '--scratch-url', 'localhost:5432']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--scratch-url is not a URL');
  });
});

describe('a URL from a file or a variable, kept out of argv', () => {
  const environment = (variables: Record<string, string> = {}, warnings: string[] = []) => ({
    cwd: project.dir,
    variables,
    warn: (line: string) => warnings.push(line),
  });

  it('reads --to-file without its trailing newline', () => {
    project.write('restore.url', 'postgres://app:pw@db.internal/shop\n');
    chmodSync(join(project.dir, 'restore.url'), 0o600);
    const warnings: string[] = [];
    const input = parseArgs(
      spec('backup restore'),
      ['ID', '--to-file', 'restore.url'],
      environment({}, warnings),
    );
    expect(input.flags.to).toBe('postgres://app:pw@db.internal/shop');
    expect(warnings).toEqual([]);
  });

  it('warns when other users can read the file', () => {
    project.write('open.url', 'postgres://app:pw@db.internal/shop\n');
    chmodSync(join(project.dir, 'open.url'), 0o644);
    const warnings: string[] = [];
    parseArgs(spec('backup drill'), ['--scratch-url-file', 'open.url'], environment({}, warnings));
    expect(warnings).toEqual([
      '--scratch-url-file open.url can be read by other users (mode 0644): chmod 600 open.url',
    ]);
  });

  it('refuses a file that is missing or empty, naming the flag', async () => {
    const missing = await cli(['backup', 'drill', '--scratch-url-file', 'nowhere.url']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--scratch-url-file nowhere.url: no such file or folder');
    project.write('empty.url', '\n');
    const empty = await cli(['backup', 'drill', '--scratch-url-file', 'empty.url']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('--scratch-url-file empty.url is empty');
  });

  it('reads LAUNCHDB_RESTORE_TO and LAUNCHDB_SCRATCH_URL when the flag is not given; the flag wins', () => {
    const variables = {
      LAUNCHDB_RESTORE_TO: 'postgres://app:pw@db.internal/restored',
      LAUNCHDB_SCRATCH_URL: 'postgres://admin:pw@db.internal/postgres',
    };
    expect(parseArgs(spec('backup restore'), ['ID'], environment(variables)).flags.to).toBe(
      variables.LAUNCHDB_RESTORE_TO,
    );
    expect(
      parseArgs(spec('backup restore'), ['ID', '--to', 'staging'], environment(variables)).flags.to,
    ).toBe('staging');
    expect(parseArgs(spec('backup drill'), [], environment(variables)).flags['scratch-url']).toBe(
      variables.LAUNCHDB_SCRATCH_URL,
    );
  });

  it('leaves DATABASE_URL to attach, which reads it after the config', () => {
    const input = parseArgs(spec('attach'), ['postgres'], environment({ DATABASE_URL: 'postgres://a@h/x' }));
    expect(input.flags.url).toBeUndefined();
  });

  it.skipIf(!serverAvailable)(
    'attaches with --url-file on a real server and records the URL as read',
    async () => {
      const database = uniqueName('ldb_urlfile');
      await adminQuery(`create database ${database}`);
      try {
        project.write('app.url', `${serverUrlFor(database)}\n`);
        chmodSync(join(project.dir, 'app.url'), 0o600);
        const result = await cli(['attach', 'postgres', '--env', 'staging', '--url-file', 'app.url']);
        expect(result.stderr).not.toContain('warning');
        expect(result.code).toBe(0);
        expect(readSecrets(join(project.dir, '.launchdb'), 'staging').DATABASE_URL).toBe(
          serverUrlFor(database),
        );
      } finally {
        await adminQuery(`drop database if exists ${database} with (force)`);
      }
    },
  );
});
