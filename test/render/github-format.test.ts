// --format github: GitHub Actions workflow commands with file, line and column, escaped as @actions/core
// escapes them, from migrate lint, scan code and check, with paths from the repository root.
import { mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderGithub } from '../../src/cli/render/github.js';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

const INDEX_MIGRATION = 'db/migrations/20260102000000_accounts_email.sql';

describe('--format github', () => {
  let repo: TempProject;
  let app: string;
  beforeAll(() => {
    // A repository whose launchdb project sits in a subfolder, as in a monorepo: GitHub places
    // annotations by paths from the repository root, so they must start with app/.
    repo = tempProject();
    mkdirSync(join(repo.dir, '.git'));
    app = join(repo.dir, 'app');
    mkdirSync(app);
    renameSync(join(repo.dir, 'launchdb.config.ts'), join(app, 'launchdb.config.ts'));
    repo.write(
      'app/db/migrations/20260101000000_accounts.sql',
      'CREATE TABLE accounts (id bigint PRIMARY KEY, email text);\n',
    );
    repo.write(
      `app/${INDEX_MIGRATION}`,
      'SET lock_timeout = 5000;\n  CREATE INDEX accounts_email ON accounts (email);\n',
    );
    repo.write(
      'app/src/routes.ts',
      [
        "import express from 'express';",
        "import { Pool } from 'pg';",
        'const app = express();',
        "app.get('/users', async (_req, res) => {",
        '  const pool = new Pool();',
        "  res.json((await pool.query('select 1')).rows);",
        '});',
        '',
      ].join('\n'),
    );
  });
  afterAll(() => repo.remove());

  it('gives migrate lint findings as ::error lines with file, line, col and the rule as title', async () => {
    const result = await runCli(['migrate', 'lint', '--format', 'github'], { cwd: app });
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n')).toEqual([
      `::error file=app/${INDEX_MIGRATION},line=2,col=3,endLine=2,title=create-index-not-concurrently::` +
        'CREATE INDEX accounts_email on accounts blocks every write to accounts until the index is built' +
        '%0Afix: CREATE INDEX CONCURRENTLY, in a migration whose first line is `-- launchdb:no-transaction`',
      '',
    ]);
    expect(result.stderr).toBe('');
  });

  it('names files given on the command line from the repository root too', async () => {
    const result = await runCli(['migrate', 'lint', INDEX_MIGRATION, '--format', 'github'], { cwd: app });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(new RegExp(`^::error file=app/${INDEX_MIGRATION},line=2,col=3,`));
  });

  it('gives scan code findings as workflow commands', async () => {
    const result = await runCli(['scan', 'code', '--format', 'github'], { cwd: app });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(
      /^::error file=app\/src\/routes\.ts,line=5,col=16,endLine=5,title=pool-per-request::new Pool\(\) in the Express route GET \/users opens a new pool on every request%0Afix: create the pool once at module scope/,
    );
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
  });

  it('places a check on the migration file it names, else on the config file, then gives the verdict', async () => {
    const result = await runCli(['check', '--only', 'schema,provisioning', '--format', 'github'], {
      cwd: app,
    });
    expect(result.code).toBe(1);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toContain(
      `::error file=app/db/migrations/20260101000000_accounts.sql,line=1,endLine=1,title=schema.migrations-pending::` +
        `2 migration(s) not applied: db/migrations/20260101000000_accounts.sql, ${INDEX_MIGRATION}` +
        '%0Afix: launchdb migrate up --env development',
    );
    // Never attached: the isolation check has no file to name.
    expect(
      lines.some((line) =>
        line.startsWith(
          '::error file=app/launchdb.config.ts,line=1,endLine=1,title=provisioning.isolation::',
        ),
      ),
    ).toBe(true);
    expect(lines.at(-1)).toMatch(/^launchdb check: not ready; \d+ checks in /);
  });

  it('refuses --format github with --json, naming both', async () => {
    const result = await runCli(['scan', 'code', '--json', '--format', 'github'], { cwd: app });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('give either --json or --format, not both');
  });
});

describe('workflow command escaping', () => {
  it('escapes %, CR and LF in the message, and also , and : in properties, as @actions/core does', () => {
    const out = renderGithub({
      annotations: [
        {
          rule: 'odd:rule,name',
          level: 'warning',
          message: 'used 100% of 5,000 slots: see\n::error::not a command\r',
          file: 'db/a,b:c%.sql',
          line: 3,
          column: 7,
        },
      ],
    });
    expect(out).toBe(
      '::warning file=db/a%2Cb%3Ac%25.sql,line=3,col=7,endLine=3,title=odd%3Arule%2Cname::' +
        'used 100%25 of 5,000 slots: see%0A::error::not a command%0D\n',
    );
    // A message of several lines stays one command: its second line cannot start another.
    expect(out.split('\n')).toHaveLength(2);
  });

  it('prints nothing when there is nothing to report and no summary', () => {
    expect(renderGithub({ annotations: [] })).toBe('');
  });
});
