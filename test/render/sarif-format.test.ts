// --format sarif: a SARIF 2.1.0 log, valid against the schema, from migrate lint, scan code and check,
// with the tool, its rules, and each finding at a path from the repository root.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { sarifErrors } from '../helpers/sarif-schema.js';

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: {
    physicalLocation: {
      artifactLocation: { uri: string; uriBaseId: string };
      region: { startLine: number; startColumn?: number };
    };
  }[];
}
interface SarifLog {
  version: string;
  runs: {
    tool: {
      driver: {
        name: string;
        version: string;
        informationUri: string;
        rules: { id: string; help: object }[];
      };
    };
    automationDetails: { id: string };
    results: SarifResult[];
  }[];
}

/** The log on stdout, after checking it against the schema and what every result must have. */
function sarifOf(stdout: string): SarifLog {
  const log = JSON.parse(stdout) as SarifLog;
  expect(sarifErrors(log)).toEqual([]);
  const [run] = log.runs;
  expect(run!.tool.driver).toMatchObject({
    name: 'launchdb',
    informationUri: expect.stringMatching(/^https:/),
  });
  expect(run!.tool.driver.version).toMatch(/^\d+\.\d+\.\d+/);
  for (const result of run!.results) {
    // Each result names a rule of the driver, at its index, and a place with a line.
    expect(run!.tool.driver.rules[result.ruleIndex]!.id).toBe(result.ruleId);
    expect(result.locations[0]!.physicalLocation.region.startLine).toBeGreaterThan(0);
  }
  return log;
}

/** `{ ruleId, level, uri, line, column }` of each result, for comparing. */
function placed(log: SarifLog) {
  return log.runs[0]!.results.map((result) => {
    const { artifactLocation, region } = result.locations[0]!.physicalLocation;
    return {
      ruleId: result.ruleId,
      level: result.level,
      uri: artifactLocation.uri,
      line: region.startLine,
      column: region.startColumn,
    };
  });
}

describe('--format sarif', () => {
  let project: TempProject;
  beforeAll(() => {
    project = tempProject();
    mkdirSync(`${project.dir}/.git`);
    project.write(
      'db/migrations/20260101000000_accounts.sql',
      'CREATE TABLE accounts (id bigint PRIMARY KEY, email text, seen timestamp);\n',
    );
    project.write(
      'db/migrations/20260102000000_accounts_email.sql',
      'SET lock_timeout = 5000;\nCREATE INDEX accounts_email ON accounts (email);\n',
    );
    project.write(
      'loose sql/odd #1.sql',
      'SET lock_timeout = 5000;\nALTER TABLE accounts DROP COLUMN email;\n',
    );
    project.write(
      'src/app/api/users/route.ts',
      [
        "import { Pool } from 'pg';",
        'export async function GET() {',
        '  const pool = new Pool();',
        "  return Response.json((await pool.query('select 1')).rows);",
        '}',
        '',
      ].join('\n'),
    );
  });
  afterAll(() => project.remove());

  it('gives migrate lint findings as a valid log, with every rule described', async () => {
    const result = await runCli(['migrate', 'lint', '--format', 'sarif'], { cwd: project.dir });
    expect(result.code).toBe(1);
    const log = sarifOf(result.stdout);
    expect(placed(log)).toEqual([
      {
        ruleId: 'prefer-timestamptz',
        level: 'warning',
        uri: 'db/migrations/20260101000000_accounts.sql',
        line: 1,
        column: expect.any(Number),
      },
      {
        ruleId: 'create-index-not-concurrently',
        level: 'error',
        uri: 'db/migrations/20260102000000_accounts_email.sql',
        line: 2,
        column: 1,
      },
    ]);
    const { driver } = log.runs[0]!.tool;
    expect(driver.rules.map((rule) => rule.id)).toEqual(
      expect.arrayContaining(['create-index-not-concurrently', 'drop-column', 'syntax-error']),
    );
    expect(driver.rules.find((rule) => rule.id === 'create-index-not-concurrently')).toMatchObject({
      shortDescription: { text: expect.stringContaining('CONCURRENTLY') },
      fullDescription: { text: expect.any(String) },
      help: { text: expect.stringContaining('fix: CREATE INDEX CONCURRENTLY') },
      defaultConfiguration: { level: 'error' },
    });
    expect(log.runs[0]!.automationDetails.id).toBe('launchdb/migrate-lint/');
    expect(log.runs[0]!.results[1]!.message.text).toContain('\nfix: CREATE INDEX CONCURRENTLY');
  });

  it('percent-encodes a path that is not a URI as it stands (a space, #)', async () => {
    const result = await runCli(['migrate', 'lint', 'loose sql/odd #1.sql', '--format', 'sarif'], {
      cwd: project.dir,
    });
    expect(result.code).toBe(1);
    expect(placed(sarifOf(result.stdout))).toEqual([
      { ruleId: 'drop-column', level: 'error', uri: 'loose%20sql/odd%20%231.sql', line: 2, column: 34 },
    ]);
  });

  it('gives scan code findings as a valid log', async () => {
    const result = await runCli(['scan', 'code', 'src', '--format', 'sarif'], { cwd: project.dir });
    expect(result.code).toBe(1);
    const log = sarifOf(result.stdout);
    expect(placed(log)).toEqual([
      { ruleId: 'pool-per-request', level: 'error', uri: 'src/app/api/users/route.ts', line: 3, column: 16 },
    ]);
    expect(log.runs[0]!.tool.driver.rules.map((rule) => rule.id)).toEqual([
      'pool-per-request',
      'client-not-released',
    ]);
    expect(log.runs[0]!.automationDetails.id).toBe('launchdb/scan-code/');
  });

  it('gives check findings as a valid log, on the migration file named or the config file', async () => {
    const result = await runCli(['check', '--only', 'schema,provisioning', '--format', 'sarif'], {
      cwd: project.dir,
    });
    expect(result.code).toBe(1);
    const log = sarifOf(result.stdout);
    const results = placed(log);
    expect(results).toContainEqual({
      ruleId: 'schema.migrations-pending',
      level: 'error',
      uri: 'db/migrations/20260101000000_accounts.sql',
      line: 1,
      column: undefined,
    });
    expect(results).toContainEqual({
      ruleId: 'provisioning.isolation',
      level: 'error',
      uri: 'launchdb.config.ts',
      line: 1,
      column: undefined,
    });
    // Every check that ran is a rule, passed or not; only the ones that did not pass are results.
    const rules = log.runs[0]!.tool.driver.rules.map((rule) => rule.id);
    expect(rules).toContain('provisioning.reachable');
    expect(results.map((r) => r.ruleId)).not.toContain('provisioning.reachable');
    expect(log.runs[0]!.automationDetails.id).toBe('launchdb/check/development/');
  });

  it('the schema check is not vacuous: it refuses a result without a message, and a relative informationUri', async () => {
    const result = await runCli(['scan', 'code', 'src', '--format', 'sarif'], { cwd: project.dir });
    const log = JSON.parse(result.stdout);
    delete log.runs[0].results[0].message;
    log.runs[0].tool.driver.informationUri = 'docs/CI.md';
    expect(sarifErrors(log)).toEqual([
      '/runs/0/tool/driver/informationUri: must match format "uri"',
      "/runs/0/results/0: must have required property 'message'",
    ]);
  });
});
