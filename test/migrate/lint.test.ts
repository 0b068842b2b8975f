import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type LintFinding,
  type LintOptions,
  lintMigrations,
  lintSql,
  RULES,
} from '../../src/stores/postgres/migrate/lint/lint.js';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

interface Case extends LintOptions {
  noTransaction?: boolean;
}

function lint(sql: string, options: Case = {}): Promise<LintFinding[]> {
  const { noTransaction = false, ...rest } = options;
  return lintSql({ file: 'm.sql', sql, noTransaction }, rest);
}

async function rules(sql: string, options: Case = {}): Promise<string[]> {
  return (await lint(sql, options)).map((finding) => finding.rule);
}

/** The findings of one rule, as `line:column`. */
async function at(rule: string, sql: string, options: Case = {}): Promise<string[]> {
  return (await lint(sql, options))
    .filter((finding) => finding.rule === rule)
    .map((finding) => `${finding.line}:${finding.column}`);
}

const NO_TX = { noTransaction: true };

describe('lint rules: each with a true positive and a safe negative', () => {
  it('create-index-not-concurrently: flags a plain CREATE INDEX on an existing table', async () => {
    expect(
      await at('create-index-not-concurrently', 'CREATE INDEX users_email_idx ON users (email);'),
    ).toEqual(['1:1']);
    const [finding] = await lint('CREATE UNIQUE INDEX users_email_idx ON users (email);');
    expect(finding).toMatchObject({ severity: 'error', file: 'm.sql' });
    expect(finding!.message).toContain('users');
    expect(finding!.fix).toContain('CONCURRENTLY');
  });

  it('create-index-not-concurrently: accepts CONCURRENTLY in a no-transaction file', async () => {
    const sql = '-- launchdb:no-transaction\nCREATE INDEX CONCURRENTLY users_email_idx ON users (email);';
    expect(await rules(sql, NO_TX)).toEqual([]);
  });

  it('drop-index-not-concurrently: flags DROP INDEX of an existing index, at its name', async () => {
    const findings = await lint('DROP INDEX IF EXISTS users_email_idx;');
    expect(findings.map((f) => [f.rule, f.severity, f.line, f.column])).toEqual([
      ['drop-index-not-concurrently', 'warning', 1, 22],
    ]);
  });

  it('drop-index-not-concurrently: accepts DROP INDEX CONCURRENTLY without a transaction', async () => {
    expect(await rules('DROP INDEX CONCURRENTLY users_email_idx;', NO_TX)).toEqual([]);
  });

  it('concurrently-in-transaction: flags CONCURRENTLY in a file that runs in a transaction', async () => {
    expect(await rules('CREATE INDEX CONCURRENTLY users_email_idx ON users (email);')).toEqual([
      'concurrently-in-transaction',
    ]);
    expect(await rules('DROP INDEX CONCURRENTLY users_email_idx;')).toEqual(['concurrently-in-transaction']);
    expect(await rules('REINDEX INDEX CONCURRENTLY users_email_idx;')).toEqual([
      'concurrently-in-transaction',
    ]);
  });

  it('concurrently-in-transaction: accepts CONCURRENTLY when the first line is -- launchdb:no-transaction', async () => {
    expect(await rules('REINDEX INDEX CONCURRENTLY users_email_idx;', NO_TX)).toEqual([]);
  });

  it('transaction-control: accepts plain BEGIN … COMMIT blocks, which launchdb folds into its transaction', async () => {
    // Prisma's enum change, between steps outside the block, as `prisma migrate dev` writes it.
    const sql = `-- CreateEnum
CREATE TYPE "Plan" AS ENUM ('FREE', 'PRO');

-- AlterEnum
BEGIN;
CREATE TYPE "Role_new" AS ENUM ('USER', 'ADMIN');
ALTER TYPE "Role" RENAME TO "Role_old";
ALTER TYPE "Role_new" RENAME TO "Role";
DROP TYPE "public"."Role_old";
COMMIT;

-- AlterEnum
START TRANSACTION;
CREATE TYPE "Plan_new" AS ENUM ('FREE');
END;
`;
    expect(await at('transaction-control', sql)).toEqual([]);
  });

  it('transaction-control: flags what the blocks cannot hold, and a BEGIN never committed', async () => {
    const findings = await lint('START TRANSACTION; SAVEPOINT a; ROLLBACK TO SAVEPOINT a; END;');
    expect(findings.map((f) => `${f.rule} ${f.line}:${f.column}`)).toEqual([
      'transaction-control 1:20',
      'transaction-control 1:33',
    ]);
    expect(findings[0]!.message).toContain("SAVEPOINT inside the file's own BEGIN … COMMIT");
    const stray = await lint('ALTER TABLE users ADD COLUMN nickname text;\nCOMMIT;\n');
    expect(stray.map((f) => `${f.line}:${f.column} ${f.message}`)).toEqual([
      "2:1 COMMIT with no BEGIN before it ends launchdb's transaction: a later failure leaves the change half applied and unrecorded",
    ]);
    expect(await at('transaction-control', 'BEGIN;\nBEGIN;\nselect 1;\nCOMMIT;\nCOMMIT;\n')).toEqual([
      '2:1',
      '5:1',
    ]);
    expect(
      await at('transaction-control', 'BEGIN ISOLATION LEVEL SERIALIZABLE;\nselect 1;\nCOMMIT;\n'),
    ).toEqual(['1:1', '3:1']);
    const unclosed = await lint('select 1;\nBEGIN;\nALTER TABLE users ADD COLUMN nickname text;\n');
    expect(unclosed.map((f) => `${f.rule} ${f.line}:${f.column} ${f.message}`)).toEqual([
      'transaction-control 2:1 BEGIN is never committed: the file does not say where its transaction ends',
    ]);
  });

  it('transaction-control: accepts a no-transaction file whose whole body is one BEGIN … COMMIT block', async () => {
    const sql =
      '-- launchdb:no-transaction\nBEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nUPDATE users SET nickname = name;\nCOMMIT;\n';
    expect(await at('transaction-control', sql, NO_TX)).toEqual([]);
  });

  it('transaction-control: flags a no-transaction file with statements outside its block, or a block never committed', async () => {
    const after = await lint(
      '-- launchdb:no-transaction\nBEGIN;\nALTER TABLE users ADD COLUMN nickname text;\nCOMMIT;\nCREATE INDEX CONCURRENTLY users_nickname_idx ON users (nickname);\nselect 1;\n',
      NO_TX,
    );
    expect(
      after.filter((f) => f.rule === 'transaction-control').map((f) => `${f.line}:${f.column} ${f.message}`),
    ).toEqual([
      "5:1 a statement after the file's COMMIT runs on its own: a failure from here leaves the block applied and the migration unrecorded",
    ]);
    const before =
      '-- launchdb:no-transaction\nCREATE INDEX CONCURRENTLY i ON users (email);\nBEGIN;\nselect 1;\nCOMMIT;\n';
    expect(await at('transaction-control', before, NO_TX)).toEqual(['3:1', '5:1']);
    expect(await at('transaction-control', '-- launchdb:no-transaction\nBEGIN;\nselect 1;\n', NO_TX)).toEqual(
      ['2:1'],
    );
    expect(await at('transaction-control', '-- launchdb:no-transaction\nBEGIN;\nROLLBACK;\n', NO_TX)).toEqual(
      ['2:1', '3:1'],
    );
  });

  it('transaction-control: accepts the same change without them', async () => {
    expect(await rules('ALTER TABLE users ADD COLUMN nickname text;')).toEqual([]);
  });

  it('missing-lock-timeout: flags risky DDL once per file when neither the file nor the session sets lock_timeout', async () => {
    const sql = 'ALTER TABLE users ADD COLUMN nickname text;\nALTER TABLE users ADD COLUMN bio text;\n';
    const findings = await lint(sql, { sessionLockTimeout: false });
    expect(findings.map((f) => [f.rule, f.severity, f.line, f.column])).toEqual([
      ['missing-lock-timeout', 'warning', 1, 1],
    ]);
    const off = await rules(`SET lock_timeout = 0;\n${sql}`, { sessionLockTimeout: false });
    expect(off).toEqual(['missing-lock-timeout']);
  });

  it('missing-lock-timeout: is satisfied by SET lock_timeout in the file, or by the session setting it', async () => {
    const sql = 'ALTER TABLE users ADD COLUMN nickname text;';
    expect(await rules(`SET lock_timeout = '2s';\n${sql}`, { sessionLockTimeout: false })).toEqual([]);
    expect(await rules(`SET LOCAL lock_timeout TO 2000;\n${sql}`, { sessionLockTimeout: false })).toEqual([]);
    expect(
      await rules(`SELECT set_config('lock_timeout', '3s', true);\n${sql}`, { sessionLockTimeout: false }),
    ).toEqual([]);
    expect(await rules(sql)).toEqual([]); // default: the migration session sets it
    expect(
      await rules('CREATE TABLE t (id bigint);\nALTER TABLE t ADD COLUMN a text;', {
        sessionLockTimeout: false,
      }),
    ).toEqual([]);
  });

  it('add-column-not-null-without-default: flags NOT NULL without a default, at the column', async () => {
    expect(
      await at('add-column-not-null-without-default', 'ALTER TABLE users ADD COLUMN age int NOT NULL;'),
    ).toEqual(['1:30']);
    expect(await rules('ALTER TABLE users ADD COLUMN age int NOT NULL DEFAULT NULL;')).toEqual([
      'add-column-not-null-without-default',
    ]);
  });

  it('add-column-not-null-without-default: accepts a constant default or a nullable column', async () => {
    expect(await rules("ALTER TABLE users ADD COLUMN plan text NOT NULL DEFAULT 'free';")).toEqual([]);
    expect(await rules('ALTER TABLE users ADD COLUMN age int;')).toEqual([]);
  });

  it('add-column-volatile-default: flags a default computed per row, at the call', async () => {
    const sql = 'ALTER TABLE users\n  ADD COLUMN token uuid DEFAULT gen_random_uuid();';
    expect(await at('add-column-volatile-default', sql)).toEqual(['2:33']);
    expect(
      await rules('ALTER TABLE users ADD COLUMN seen_at timestamptz DEFAULT clock_timestamp();'),
    ).toEqual(['add-column-volatile-default']);
    expect(await rules('ALTER TABLE users ADD COLUMN n bigserial;')).toEqual(['add-column-volatile-default']);
    expect(await rules('ALTER TABLE users ADD COLUMN r float8 DEFAULT (random() * 10);')).toEqual([
      'add-column-volatile-default',
    ]);
  });

  it('add-column-volatile-default: accepts now() and constants, which Postgres 11+ adds without a rewrite', async () => {
    expect(
      await rules('ALTER TABLE users ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();'),
    ).toEqual([]);
    expect(await rules('ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;')).toEqual([]);
  });

  it('set-not-null-without-check: flags SET NOT NULL without a validated CHECK, at the column', async () => {
    const sql = 'ALTER TABLE users ALTER COLUMN email SET NOT NULL;';
    expect(await at('set-not-null-without-check', sql)).toEqual(['1:32']);
    const unvalidated = `ALTER TABLE users ADD CONSTRAINT email_nn CHECK (email IS NOT NULL) NOT VALID;\n${sql}`;
    expect(await rules(unvalidated)).toEqual(['set-not-null-without-check']);
  });

  it('set-not-null-without-check: accepts SET NOT NULL after the CHECK was validated in an earlier migration', async () => {
    const findings = await lintMigrations([
      {
        file: '1.sql',
        sql: 'ALTER TABLE users ADD CONSTRAINT email_nn CHECK (email IS NOT NULL) NOT VALID;',
        noTransaction: false,
      },
      { file: '2.sql', sql: 'ALTER TABLE users VALIDATE CONSTRAINT email_nn;', noTransaction: false },
      {
        file: '3.sql',
        sql: 'ALTER TABLE public.users ALTER COLUMN email SET NOT NULL;',
        noTransaction: false,
      },
    ]);
    expect(findings).toEqual([]);
  });

  it('alter-column-type: flags a type change on an existing table', async () => {
    const sql = 'ALTER TABLE orders ALTER COLUMN total TYPE numeric(12, 2);';
    expect(await at('alter-column-type', sql)).toEqual(['1:33']);
    expect(await rules('ALTER TABLE orders ALTER total SET DATA TYPE bigint;')).toEqual([
      'alter-column-type',
    ]);
  });

  it('alter-column-type: accepts type changes on a table created in the same file', async () => {
    expect(
      await rules(
        'CREATE TABLE orders (id bigint, total int);\nALTER TABLE orders ALTER COLUMN total TYPE bigint;',
      ),
    ).toEqual([]);
  });

  it('varchar-length-change: flags ALTER COLUMN TYPE varchar(n) on an existing table', async () => {
    const findings = await lint('ALTER TABLE users ALTER COLUMN name TYPE varchar(40);');
    expect(findings.map((f) => [f.rule, f.severity])).toEqual([['varchar-length-change', 'warning']]);
    expect(findings[0]!.message).toContain('varchar(40)');
  });

  it('varchar-length-change: accepts varchar on a new table', async () => {
    expect(
      await rules('CREATE TABLE t (name varchar(10));\nALTER TABLE t ALTER COLUMN name TYPE varchar(40);'),
    ).toEqual([]);
  });

  it('foreign-key-without-not-valid: flags a validating foreign key, including one inline in ADD COLUMN', async () => {
    const sql =
      'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);';
    expect(await at('foreign-key-without-not-valid', sql)).toEqual(['1:24']);
    const inline = await lint('ALTER TABLE orders ADD COLUMN user_id bigint REFERENCES users (id);');
    expect(inline.map((f) => f.rule)).toEqual(['foreign-key-without-not-valid']);
    expect(inline[0]!.fix).toContain('without REFERENCES');
  });

  it('foreign-key-without-not-valid: accepts NOT VALID, and foreign keys of a new table', async () => {
    const sql =
      'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;';
    expect(await rules(sql)).toEqual([]);
    expect(
      await rules(
        'CREATE TABLE orders (id bigint, user_id bigint);\nALTER TABLE orders ADD FOREIGN KEY (user_id) REFERENCES users (id);',
      ),
    ).toEqual([]);
  });

  it('check-without-not-valid: flags a validating CHECK on an existing table', async () => {
    expect(
      await at('check-without-not-valid', 'ALTER TABLE orders ADD CONSTRAINT positive CHECK (total > 0);'),
    ).toEqual(['1:24']);
  });

  it('check-without-not-valid: accepts CHECK … NOT VALID', async () => {
    expect(await rules('ALTER TABLE orders ADD CONSTRAINT positive CHECK (total > 0) NOT VALID;')).toEqual(
      [],
    );
  });

  it('unique-without-index: flags UNIQUE and PRIMARY KEY constraints that build their own index', async () => {
    expect(await rules('ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);')).toEqual([
      'unique-without-index',
    ]);
    expect(await rules('ALTER TABLE users ADD PRIMARY KEY (id);')).toEqual(['unique-without-index']);
  });

  it('unique-without-index: accepts UNIQUE USING INDEX of an index built concurrently', async () => {
    expect(
      await rules('ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_idx;'),
    ).toEqual([]);
  });

  it('validate-in-same-transaction: flags VALIDATE in the transaction that added the constraint NOT VALID', async () => {
    const sql =
      'ALTER TABLE orders ADD CONSTRAINT positive CHECK (total > 0) NOT VALID;\nALTER TABLE orders VALIDATE CONSTRAINT positive;';
    expect(await at('validate-in-same-transaction', sql)).toEqual(['2:40']);
  });

  it('validate-in-same-transaction: accepts VALIDATE in a later migration', async () => {
    const findings = await lintMigrations([
      {
        file: '1.sql',
        sql: 'ALTER TABLE orders ADD CONSTRAINT positive CHECK (total > 0) NOT VALID;',
        noTransaction: false,
      },
      { file: '2.sql', sql: 'ALTER TABLE orders VALIDATE CONSTRAINT positive;', noTransaction: false },
    ]);
    expect(findings).toEqual([]);
  });

  it('drop-column: flags dropping a column of an existing table, at the column', async () => {
    expect(await at('drop-column', 'ALTER TABLE users DROP COLUMN legacy_id;')).toEqual(['1:31']);
  });

  it('drop-column: accepts dropping a column of a table created in the same file', async () => {
    expect(await rules('CREATE TABLE t (a int, b int);\nALTER TABLE t DROP COLUMN b;')).toEqual([]);
  });

  it('drop-table: flags dropping an existing table', async () => {
    expect(await at('drop-table', 'DROP TABLE IF EXISTS sessions;')).toEqual(['1:22']);
  });

  it('drop-table: accepts dropping a table created earlier in the same file', async () => {
    expect(await rules('CREATE TABLE scratch (id bigint);\nDROP TABLE scratch;')).toEqual([]);
  });

  it('drop-database: flags DROP DATABASE', async () => {
    expect(await rules('DROP DATABASE shop_production;')).toEqual(['drop-database']);
  });

  it('drop-database: accepts dropping other objects that are not data, like a view', async () => {
    expect(await rules('DROP VIEW active_users;')).toEqual([]);
  });

  it('truncate-cascade: flags TRUNCATE … CASCADE', async () => {
    expect(await at('truncate-cascade', 'TRUNCATE sessions CASCADE;')).toEqual(['1:19']);
  });

  it('truncate-cascade: accepts TRUNCATE of named tables', async () => {
    expect(await rules('TRUNCATE sessions, session_events;')).toEqual([]);
  });

  it('rename-column: flags renaming a column of an existing table', async () => {
    expect(await at('rename-column', 'ALTER TABLE users RENAME COLUMN name TO full_name;')).toEqual(['1:33']);
  });

  it('rename-column: accepts renaming a column of a new table', async () => {
    expect(await rules('CREATE TABLE t (a int);\nALTER TABLE t RENAME COLUMN a TO b;')).toEqual([]);
  });

  it('rename-table: flags renaming an existing table', async () => {
    expect(await at('rename-table', 'ALTER TABLE users RENAME TO accounts;')).toEqual(['1:13']);
  });

  it('rename-table: accepts renaming a table created in the same file, and tracks its new name', async () => {
    const sql = 'CREATE TABLE t (a int);\nALTER TABLE t RENAME TO u;\nCREATE INDEX u_a_idx ON u (a);';
    expect(await rules(sql)).toEqual([]);
  });

  it('prefer-bigint-identity: flags int and serial primary keys, at the type', async () => {
    expect(
      await at('prefer-bigint-identity', 'CREATE TABLE users (id serial PRIMARY KEY, name text);'),
    ).toEqual(['1:24']);
    expect(await rules('CREATE TABLE users (id integer, name text, PRIMARY KEY (id));')).toEqual([
      'prefer-bigint-identity',
    ]);
    expect(await rules('CREATE TABLE users (id bigserial PRIMARY KEY);')).toEqual(['prefer-bigint-identity']);
  });

  it('prefer-bigint-identity: accepts bigint identity keys and composite keys', async () => {
    expect(await rules('CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);')).toEqual(
      [],
    );
    expect(
      await rules('CREATE TABLE memberships (user_id int, team_id int, PRIMARY KEY (user_id, team_id));'),
    ).toEqual([]);
  });

  it('prefer-timestamptz: flags timestamp without time zone', async () => {
    expect(await at('prefer-timestamptz', 'CREATE TABLE events (at timestamp NOT NULL);')).toEqual(['1:25']);
    expect(await rules('ALTER TABLE events ADD COLUMN seen timestamp without time zone;')).toEqual([
      'prefer-timestamptz',
    ]);
  });

  it('prefer-timestamptz: accepts timestamptz', async () => {
    expect(await rules('CREATE TABLE events (at timestamptz, b timestamp with time zone);')).toEqual([]);
  });

  it('prefer-text-over-char: flags char(n)', async () => {
    expect(await rules('CREATE TABLE countries (code char(2));')).toEqual(['prefer-text-over-char']);
    expect(await rules('CREATE TABLE countries (code character(2));')).toEqual(['prefer-text-over-char']);
  });

  it('prefer-text-over-char: accepts text and varchar', async () => {
    expect(await rules('CREATE TABLE countries (code text, name varchar(80));')).toEqual([]);
  });

  it('prefer-jsonb: flags json', async () => {
    expect(await rules('CREATE TABLE events (payload json);')).toEqual(['prefer-jsonb']);
  });

  it('prefer-jsonb: accepts jsonb', async () => {
    expect(await rules('CREATE TABLE events (payload jsonb);')).toEqual([]);
  });

  it('identifier-too-long: flags a name over 63 bytes, once, at its first use', async () => {
    const long = 'a'.repeat(64);
    const sql = `CREATE TABLE ${long} (id bigint);\nCREATE INDEX ix ON ${long} (id);`;
    expect(await at('identifier-too-long', sql)).toEqual(['1:14']);
    // 32 two-byte letters: 32 characters, 64 bytes.
    expect(await rules(`CREATE TABLE t ("${'é'.repeat(32)}" int);`)).toEqual(['identifier-too-long']);
  });

  it('identifier-too-long: accepts a name of exactly 63 bytes', async () => {
    expect(await rules(`CREATE TABLE ${'a'.repeat(63)} (id bigint);`)).toEqual([]);
  });

  it('syntax-error: reports the parser error at its line and column', async () => {
    const findings = await lint('CREATE TABLE t (id bigint);\n\nALTER TABEL t ADD COLUMN a text;\n');
    expect(findings).toEqual([
      {
        rule: 'syntax-error',
        severity: 'error',
        file: 'm.sql',
        line: 3,
        column: 7,
        message: 'syntax error at or near "TABEL"',
        fix: expect.stringContaining('correct the SQL'),
      },
    ]);
  });

  it('syntax-error: counts columns in characters after multibyte text, and reports the end of input', async () => {
    expect(await at('syntax-error', "COMMENT ON TABLE t IS 'ünïcødé';\nSELECT 'ü' FORM t;")).toEqual([
      '2:17',
    ]);
    expect(await at('syntax-error', 'SELECT 1;\nCREATE')).toEqual(['2:7']);
    expect(await at('syntax-error', "SELECT 'unterminated;")).toEqual(['1:8']);
  });

  it('places findings right in files with a byte-order mark, CRLF line ends and nested comments', async () => {
    const sql =
      '\uFEFFALTER TABLE users DROP COLUMN a;\r\n/* a /* nested */ note */\r\n  DROP TABLE users;\r\n';
    expect((await lint(sql)).map((f) => `${f.rule} ${f.line}:${f.column}`)).toEqual([
      'drop-column 1:31',
      'drop-table 3:14',
    ]);
    expect(await rules('-- only a comment\n')).toEqual([]);
  });

  it('every rule in the registry has a kebab-case id, a severity, a summary and a fix', () => {
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^[a-z]+(-[a-z0-9]+)*$/);
      expect(['error', 'warning']).toContain(rule.severity);
      expect(rule.summary.length).toBeGreaterThan(10);
      expect(rule.fix.length).toBeGreaterThan(10);
    }
    expect(new Set(RULES.map((rule) => rule.id)).size).toBe(RULES.length);
  });

  it('documents every rule, with its severity, in docs/MIGRATIONS.md under ## Lint', () => {
    const docs = readFileSync(new URL('../../docs/MIGRATIONS.md', import.meta.url), 'utf8');
    const lint = docs.slice(docs.indexOf('\n## Lint\n'));
    for (const rule of [...RULES, { id: 'syntax-error', severity: 'error' }]) {
      expect(lint).toMatch(new RegExp(`\\| \`${rule.id}\` +\\| ${rule.severity} +\\|`));
    }
  });
});

describe('lint: objects created earlier in the same file', () => {
  it('exempts a new table from the rules that need existing rows, but not from type rules', async () => {
    const sql = [
      'CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, user_id bigint, placed timestamp);',
      'CREATE INDEX orders_user_idx ON orders (user_id);',
      'ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id);',
      'ALTER TABLE orders ADD COLUMN code text NOT NULL, ADD COLUMN token uuid DEFAULT gen_random_uuid();',
      'ALTER TABLE orders ALTER COLUMN user_id SET NOT NULL, ADD CONSTRAINT orders_code_key UNIQUE (code);',
    ].join('\n');
    expect(await rules(sql, { sessionLockTimeout: false })).toEqual(['prefer-timestamptz']);
  });

  it('does not exempt a table created in an earlier migration', async () => {
    const findings = await lintMigrations([
      { file: '1.sql', sql: 'CREATE TABLE orders (id bigint);', noTransaction: false },
      { file: '2.sql', sql: 'CREATE INDEX orders_id_idx ON orders (id);', noTransaction: false },
    ]);
    expect(findings.map((f) => `${f.file} ${f.rule}`)).toEqual(['2.sql create-index-not-concurrently']);
  });

  it('tells tables apart by schema, with public the same as no schema', async () => {
    expect(await rules('CREATE TABLE public.t (a int);\nCREATE INDEX ON t (a);')).toEqual([]);
    expect(await rules('CREATE TABLE billing.t (a int);\nCREATE INDEX ON t (a);')).toEqual([
      'create-index-not-concurrently',
    ]);
  });
});

describe('lint suppression', () => {
  const drop = 'ALTER TABLE users DROP COLUMN legacy_id;';

  it('ignores a rule for the next statement with -- launchdb-lint-ignore RULE', async () => {
    expect(await rules(`-- launchdb-lint-ignore drop-column -- unused since v2\n${drop}`)).toEqual([]);
    // Only that statement, and only that rule.
    expect(await rules(`-- launchdb-lint-ignore drop-column\n${drop}\n${drop}`)).toEqual(['drop-column']);
    expect(await rules(`-- launchdb-lint-ignore rename-column\n${drop}`)).toEqual(['drop-column']);
  });

  it('takes several rules, a comment at the end of the statement, or a block comment', async () => {
    const sql = 'ALTER TABLE users DROP COLUMN a, ALTER COLUMN b TYPE bigint;';
    expect(await rules(`-- launchdb-lint-ignore drop-column, alter-column-type\n${sql}`)).toEqual([]);
    expect(await rules(`${drop} -- launchdb-lint-ignore drop-column\n${drop}`)).toEqual(['drop-column']);
    expect(await rules(`/* launchdb-lint-ignore drop-column */ ${drop}`)).toEqual([]);
  });

  it('ignores a rule for the whole file with -- launchdb-lint-ignore-file RULE', async () => {
    expect(await rules(`${drop}\n${drop}\n-- launchdb-lint-ignore-file drop-column\n`)).toEqual([]);
  });

  it('does not read directives inside string literals', async () => {
    expect(await rules(`SELECT '-- launchdb-lint-ignore drop-column';\n${drop}`)).toEqual(['drop-column']);
  });
});

describe('launchdb migrate lint', () => {
  let project: TempProject;
  const clean = 'db/migrations/20260101000000_create_users.sql';
  const risky = 'db/migrations/20260102000000_index_users.sql';
  const warned = 'db/migrations/20260103000000_events.sql';
  beforeAll(() => {
    project = tempProject();
    project.write(
      clean,
      'CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text);\n',
    );
    project.write(risky, '-- add the email index\nCREATE INDEX users_email_idx ON users (email);\n');
    project.write(warned, 'CREATE TABLE events (id bigint PRIMARY KEY, payload json);\n');
  });
  afterAll(() => project.remove());

  it('lints every migration of the project and exits 1 on an error', async () => {
    const result = await runCli(['migrate', 'lint'], { cwd: project.dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain(`${risky}:2:1  error  create-index-not-concurrently`);
    expect(result.stdout).toContain('  fix: CREATE INDEX CONCURRENTLY');
    expect(result.stdout).toContain(`${warned}:1:53  warning  prefer-jsonb`);
    expect(result.stdout).toContain('1 error, 1 warning in 3 files');
  });

  it('prints file:line:col: rule: message with --format compact', async () => {
    const result = await runCli(['migrate', 'lint', '--format', 'compact'], { cwd: project.dir });
    expect(result.code).toBe(1);
    expect(result.stdout.trimEnd().split('\n')).toEqual([
      `${risky}:2:1: create-index-not-concurrently: CREATE INDEX users_email_idx on users blocks every write to users until the index is built`,
      `${warned}:1:53: prefer-jsonb: events.payload is json: it is stored as text, re-parsed on every access, cannot be indexed or compared with =`,
    ]);
  });

  it('prints one JSON document with --json', async () => {
    const result = await runCli(['migrate', 'lint', '--json'], { cwd: project.dir });
    expect(result.code).toBe(1);
    const document = JSON.parse(result.stdout);
    expect(Object.keys(document)).toEqual(['files', 'findings', 'errors', 'warnings']);
    expect(document).toMatchObject({ files: 3, errors: 1, warnings: 1 });
    expect(document.findings[0]).toEqual({
      rule: 'create-index-not-concurrently',
      severity: 'error',
      file: risky,
      line: 2,
      column: 1,
      message: expect.stringContaining('users_email_idx'),
      fix: expect.stringContaining('CONCURRENTLY'),
    });
  });

  it('lints only the files given, and exits 0 when only warnings remain', async () => {
    const result = await runCli(['migrate', 'lint', clean, warned], { cwd: project.dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('0 errors, 1 warning in 2 files');
    const none = await runCli(['migrate', 'lint', clean], { cwd: project.dir });
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('no problems in 1 file');
  });

  it('exits 2 naming a file that does not exist, and on an unknown --format', async () => {
    const missing = await runCli(['migrate', 'lint', clean, 'db/migrations/nope.sql'], { cwd: project.dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file: db/migrations/nope.sql');
    const format = await runCli(['migrate', 'lint', '--format', 'xml'], { cwd: project.dir });
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('unknown --format "xml"');
  });

  it('exits 1 on a syntax error, naming file:line:col', async () => {
    const other = tempProject();
    try {
      other.write(
        'db/migrations/20260101000000_bad.sql',
        'CREATE TABLE t (id bigint);\nCREATE TABEL u (id bigint);\n',
      );
      const result = await runCli(['migrate', 'lint', '--format', 'compact'], { cwd: other.dir });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe(
        'db/migrations/20260101000000_bad.sql:2:8: syntax-error: syntax error at or near "TABEL"\n',
      );
    } finally {
      other.remove();
    }
  });

  it('warns about missing lock_timeout only when the config turns the session timeout off', async () => {
    const other = tempProject(`{
  project: '{project}',
  environments: { development: { postgres: {} } },
  migrations: { dir: 'sql', sessionLockTimeout: 0 },
}`);
    try {
      other.write('sql/20260101000000_alter.sql', 'ALTER TABLE users ADD COLUMN nickname text;\n');
      const result = await runCli(['migrate', 'lint', '--format', 'compact'], { cwd: other.dir });
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('sql/20260101000000_alter.sql:1:1: missing-lock-timeout: ');
    } finally {
      other.remove();
    }
  });

  it('lints files given outside any project, with the defaults', async () => {
    const loose = mkdtempSync(join(tmpdir(), 'launchdb-loose-'));
    try {
      writeFileSync(join(loose, 'one.sql'), 'ALTER TABLE users DROP COLUMN legacy;\n');
      const result = await runCli(['migrate', 'lint', 'one.sql', '--format', 'compact'], { cwd: loose });
      expect(result.code).toBe(1);
      expect(result.stdout).toBe(
        'one.sql:1:31: drop-column: dropping users.legacy breaks the app version still running during the deploy, and the data is gone\n',
      );
      // Without files to lint there is nothing to do but find the project's migrations.
      expect((await runCli(['migrate', 'lint'], { cwd: loose })).code).toBe(2);
    } finally {
      rmSync(loose, { recursive: true, force: true });
    }
  });

  it('says so, and exits 0, when the project has no migrations yet', async () => {
    const empty = tempProject();
    try {
      const result = await runCli(['migrate', 'lint'], { cwd: empty.dir });
      expect(result.code).toBe(0);
      expect(result.stdout).toBe('no migration files in db/migrations\n');
    } finally {
      empty.remove();
    }
  });

  it('exits 2 when a migration file name does not follow the layout', async () => {
    const other = tempProject();
    try {
      other.write('db/migrations/add_users.sql', 'CREATE TABLE users (id bigint);\n');
      const result = await runCli(['migrate', 'lint'], { cwd: other.dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('add_users.sql');
    } finally {
      other.remove();
    }
  });
});
