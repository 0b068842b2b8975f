// `check` records its report in the verdict history and `history` reads it back: embedded through a
// pending file that the next opener ingests once, on a server directly, and never at the cost of
// the check's exit code.
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HistoryRun } from '../../src/control/check-history.js';
import type { CheckRunRecord } from '../../src/control/check-run.js';
import { type CliResult, runCli } from '../helpers/cli.js';
import { closedPort } from '../helpers/closed-port.js';
import { adminQuery, serverAvailable, serverUrlFor, uniqueName } from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';

const PROJECT_CONFIG = `{ project: '{project}', environments: { development: { postgres: {} } } }`;

let project: TempProject;
const cli = (argv: string[]): Promise<CliResult> => runCli(argv, { cwd: project.dir });
const pendingDir = () => join(project.dir, '.launchdb/control/pending');
const pendingFiles = () => (existsSync(pendingDir()) ? readdirSync(pendingDir()) : []);
/** The checks of one area only: a check on an embedded environment in about a second. */
const check = (...flags: string[]) => cli(['check', '--only', 'provisioning', '--json', ...flags]);

async function history(
  ...flags: string[]
): Promise<{ project: string; environment: string; runs: HistoryRun[] }> {
  const result = await cli(['history', '--json', ...flags]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

beforeEach(() => {
  project = tempProject(PROJECT_CONFIG);
});
afterEach(() => project.remove());

describe('verdict history, embedded control database', () => {
  it('check leaves its run pending; history ingests it, shows it and removes the file', async () => {
    const checked = await check();
    expect(checked.stderr).toBe('');
    const report = JSON.parse(checked.stdout);
    const [file, ...others] = pendingFiles();
    expect(others).toEqual([]);
    const record = JSON.parse(readFileSync(join(pendingDir(), file!), 'utf8')) as CheckRunRecord;
    expect(record).toMatchObject({
      project: project.name,
      environment: 'development',
      verdict: report.verdict,
    });
    expect(record.checks.map((c) => c.id)).toEqual(report.checks.map((c: { id: string }) => c.id));

    const document = await history();
    expect(document.project).toBe(project.name);
    expect(document.environment).toBe('development');
    expect(document.runs).toHaveLength(1);
    const [run] = document.runs;
    expect(run).toMatchObject({
      verdict: report.verdict,
      startedAt: record.startedAt,
      actor: record.actor,
      changed: [],
    });
    expect(run!.counts.fail).toBe(
      report.checks.filter((c: { status: string }) => c.status === 'fail').length,
    );
    expect(pendingFiles()).toEqual([]);

    const text = await cli(['history']);
    expect(text.stdout).toContain(`verdict history of ${project.name}, environment development: 1 run`);
    expect(text.stdout).toContain(report.verdict);
  });

  it('shows which checks changed status between two runs, newest first', async () => {
    await check(); // never attached: provisioning.isolation fails
    expect((await cli(['attach', 'postgres'])).code).toBe(0);
    await check();
    const { runs } = await history();
    expect(runs).toHaveLength(2);
    expect(runs[0]!.startedAt > runs[1]!.startedAt).toBe(true);
    expect(runs[0]!.changed).toContainEqual({ id: 'provisioning.isolation', from: 'fail', to: 'pass' });
    expect(runs[1]!.changed).toEqual([]);
    const text = await cli(['history']);
    expect(text.stdout).toContain('provisioning.isolation: fail → pass');
    // --since keeps the change against the run before the window.
    const recent = await history('--since', runs[0]!.startedAt);
    expect(recent.runs).toHaveLength(1);
    expect(recent.runs[0]!.changed).toContainEqual({
      id: 'provisioning.isolation',
      from: 'fail',
      to: 'pass',
    });
  });

  it('--no-record records nothing', async () => {
    const checked = await check('--no-record');
    expect(checked.stderr).toBe('');
    expect(pendingFiles()).toEqual([]);
    expect((await history()).runs).toEqual([]);
  });

  it('a pending run already ingested (a crash before its file was removed) is not recorded twice', async () => {
    await check();
    const [file] = pendingFiles();
    const kept = join(project.dir, 'kept.json');
    copyFileSync(join(pendingDir(), file!), kept);
    expect((await history()).runs).toHaveLength(1);
    copyFileSync(kept, join(pendingDir(), file!));
    expect((await history()).runs).toHaveLength(1);
    expect(pendingFiles()).toEqual([]);
  });

  it('a pending file that is not a run is left in place and named; a bad --since is exit 2', async () => {
    project.write('.launchdb/control/pending/torn.json', '{"runKey": "x", "verd');
    const result = await cli(['history']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('.launchdb/control/pending/torn.json is not a check run; left in place\n');
    expect(pendingFiles()).toEqual(['torn.json']);
    const bad = await cli(['history', '--since', 'yesterday']);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')[0]).toContain('--since');
  });

  it('history on a project never checked says so, and creates nothing', async () => {
    const result = await cli(['history', '--env', 'development']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `no check runs recorded for ${project.name}, environment development: \`launchdb check --env development\` records one\n`,
    );
    expect(existsSync(join(project.dir, '.launchdb/control'))).toBe(false);
  });

  it('an unreachable control URL never changes check’s exit code: stderr says so, the run waits pending', async () => {
    const unrecorded = await check('--no-record');
    const port = await closedPort();
    project.write('.env', `LAUNCHDB_CONTROL_URL=postgresql://ldb:s3cret-pw@127.0.0.1:${port}/control\n`);
    const checked = await check();
    expect(checked.code).toBe(unrecorded.code);
    expect(JSON.parse(checked.stdout).verdict).toBe(JSON.parse(unrecorded.stdout).verdict);
    const lines = checked.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('could not record this check in the control database');
    expect(lines[0]).toContain(`127.0.0.1:${port}`);
    expect(checked.stderr).not.toContain('s3cret-pw');
    expect(pendingFiles()).toHaveLength(1);
  });
});

describe.skipIf(!serverAvailable)('verdict history, a server control database', () => {
  const databases: string[] = [];
  afterAll(async () => {
    for (const name of databases) await adminQuery(`drop database if exists ${name} with (force)`);
  });

  it('check records directly, with nothing left pending, and history reads it', async () => {
    const name = uniqueName('ldbh');
    databases.push(name);
    await adminQuery(`create database ${name}`);
    project.write('.env', `LAUNCHDB_CONTROL_URL=${serverUrlFor(name)}\n`);
    const checked = await check();
    expect(checked.stderr).toBe('');
    expect(pendingFiles()).toEqual([]);
    const { rows } = await adminQuery(
      'select environment, verdict, run_key from launchdb_control.check_runs where project = $1',
      [project.name],
      name,
    );
    expect(rows).toEqual([
      {
        environment: 'development',
        verdict: JSON.parse(checked.stdout).verdict,
        run_key: expect.any(String),
      },
    ]);
    const { runs } = await history();
    expect(runs).toHaveLength(1);
  });
});
