// `launchdb scheduler status`: each declared job's last run, judgement, next slot and running claims,
// and the schedulers, from an embedded control database and from a server; nothing created to say
// "no runs"; exit 3 without the password when the control URL cannot be reached.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openControlDatabase } from '../../src/control/open-control.js';
import { Project } from '../../src/core/project.js';
import { type CliResult, runCli } from '../helpers/cli.js';
import { closedPort } from '../helpers/closed-port.js';
import { adminQuery, serverAvailable, serverUrlFor, uniqueName } from '../helpers/databases.js';
import type { TempProject } from '../helpers/project.js';
import { cronTwoHoursAgo, recordMixedRuns, scheduledProjects } from '../helpers/scheduled-runs.js';

const slots = cronTwoHoursAgo();
const project = scheduledProjects(slots.cron);
const status = (temp: TempProject, ...flags: string[]): Promise<CliResult> =>
  runCli(['scheduler', 'status', ...flags], { cwd: temp.dir });
const controlDir = (temp: TempProject) => join(temp.dir, '.launchdb/control/postgres');

interface StatusDocument {
  project: string;
  control: string | null;
  jobs: {
    job: string;
    environment: string;
    state: string;
    summary: string;
    judgedSlot: string | null;
    lastRun: {
      slot: string;
      result: string;
      by: string;
      exitCode: number | null;
      error: string | null;
    } | null;
    nextSlot: string | null;
    running: { slot: string; by: string; leaseLive: boolean }[];
  }[];
  schedulers: { id: string; host: string; pid: number; state: string; jobs: string[] }[];
}

async function document(temp: TempProject, ...flags: string[]): Promise<StatusDocument> {
  const result = await status(temp, '--json', ...flags);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

/** What the mixed runs come to, whichever control database holds them. */
function expectMixed(doc: StatusDocument) {
  const job = (name: string, env = 'production') =>
    doc.jobs.find((j) => j.job === name && j.environment === env)!;
  expect(doc.jobs.map((j) => `${j.job} ${j.environment}`)).toEqual([
    'backup production',
    'drill production',
    'verify production',
    'check production',
    'drill staging',
  ]);
  expect(job('backup')).toMatchObject({
    state: 'ok',
    judgedSlot: slots.due.toISOString(),
    lastRun: { slot: slots.due.toISOString(), result: 'ok', by: 'web-1:4242:ab', exitCode: 0 },
    nextSlot: new Date(slots.due.getTime() + 86_400_000).toISOString(),
    running: [],
  });
  expect(job('drill')).toMatchObject({
    state: 'problem',
    lastRun: { result: 'failed', exitCode: 1, error: expect.stringContaining('relation "orders"') },
  });
  expect(job('drill').summary).toContain('failed (exit 1)');
  expect(job('drill').summary).not.toContain('stack');
  expect(job('verify')).toMatchObject({ state: 'missed', judgedSlot: slots.due.toISOString() });
  expect(job('verify').summary).toContain('has no run: no scheduler ran it');
  expect(job('check')).toMatchObject({
    state: 'ok',
    judgedSlot: slots.before.toISOString(),
    running: [{ slot: slots.due.toISOString(), by: 'web-2:77:cd', leaseLive: true }],
  });
  expect(job('drill', 'staging').state).toBe('problem');
  expect(doc.schedulers.map((s) => [s.host, s.state])).toEqual([
    ['web-1', 'live'],
    ['web-9', 'stale'],
  ]);
}

function expectMixedText(result: CliResult, name: string) {
  expect(result.code).toBe(0);
  expect(result.stderr).toBe('');
  const lines = result.stdout.split('\n');
  expect(lines[0]).toMatch(new RegExp(`^scheduler of ${name}: 5 jobs, control database `));
  const row = (job: string, env: string) =>
    lines.find((line) => line.startsWith(job) && line.includes(` ${env} `))!;
  expect(row('backup', 'production')).toMatch(
    / ok +\d{4}-\d\d-\d\d \d\d:\d\d UTC +ok +\d+ ms +web-1:4242:ab /,
  );
  expect(row('verify', 'production')).toContain('missed');
  expect(result.stdout).toContain('drill on production: the slot of ');
  expect(result.stdout).toContain('failed (exit 1)');
  expect(result.stdout).toMatch(/check on production: running the slot of .* on web-2:77:cd, lease until /);
  expect(result.stdout).toContain('schedulers: 1 live of 2');
  expect(result.stdout).toMatch(/live +web-1 +pid 4242 /);
  expect(result.stdout).toMatch(/stale +web-9 +pid 99 /);
}

describe('scheduler status, embedded control database', () => {
  it('no jobs declared: says so with the config to add, exit 0, creating nothing', async () => {
    const temp = project(`{ project: '{project}', environments: { production: { postgres: {} } } }`);
    const result = await status(temp);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('no scheduled jobs declared in launchdb.config.ts');
    expect(result.stdout).toContain("{ job: 'backup', env: 'production', cron: '0 3 * * *'");
    expect(await document(temp)).toEqual({ project: temp.name, control: null, jobs: [], schedulers: [] });
    expect(existsSync(join(temp.dir, '.launchdb'))).toBe(false);
  });

  it('jobs declared, never run: each never ran, and no control database is created to say it', async () => {
    const temp = project();
    const doc = await document(temp);
    expect(doc.control).toBe('.launchdb/control/postgres');
    expect(doc.jobs.map((j) => j.state)).toEqual([
      'never-ran',
      'never-ran',
      'never-ran',
      'never-ran',
      'never-ran',
    ]);
    expect(doc.schedulers).toEqual([]);
    const text = await status(temp, '--env', 'staging');
    expect(text.stdout).toContain('1 job on staging');
    expect(text.stdout).toContain('drill on staging: never ran');
    expect(text.stdout).toContain('schedulers: none has registered; start `launchdb scheduler run`');
    expect(existsSync(controlDir(temp))).toBe(false);
    const unknown = await status(temp, '--env', 'prod');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('environment "prod" is not declared');
  });

  it('reads the runs and schedulers recorded there: human and --json, --env filters', async () => {
    const temp = project();
    const control = await openControlDatabase(await Project.load(temp.dir));
    try {
      await recordMixedRuns(control.db, temp.name, slots);
    } finally {
      await control.close();
    }
    expectMixed(await document(temp));
    expectMixedText(await status(temp), temp.name);
  });
});

describe.skipIf(!serverAvailable)('scheduler status, a server control database', () => {
  const database = uniqueName('ldbss');
  beforeAll(async () => {
    await adminQuery(`create database ${database}`);
  });
  afterAll(async () => {
    await adminQuery(`drop database if exists ${database} with (force)`);
  });

  it('reads the runs every scheduler shares: human and --json, --env filters', async () => {
    const temp = project();
    const url = serverUrlFor(database);
    temp.write('.env', `LAUNCHDB_CONTROL_URL=${url}\n`);
    const control = await openControlDatabase(await Project.load(temp.dir));
    try {
      await recordMixedRuns(control.db, temp.name, slots);
    } finally {
      await control.close();
    }
    const doc = await document(temp);
    expect(doc.control).toBe(`127.0.0.1:5432/${database}`);
    expectMixed(doc);
    expectMixedText(await status(temp), temp.name);
    const staging = await document(temp, '--env', 'staging');
    expect(staging.jobs.map((j) => `${j.job} ${j.environment} ${j.state}`)).toEqual([
      'drill staging problem',
    ]);
  });

  it('an unreachable control URL is exit 3 naming host and port, never the password', async () => {
    const temp = project();
    const port = await closedPort();
    temp.write('.env', `LAUNCHDB_CONTROL_URL=postgresql://ldb:s3cret-pw@127.0.0.1:${port}/control\n`);
    const result = await status(temp, '--connect-timeout', '2000');
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`127.0.0.1:${port}`);
    expect(result.stderr).toContain('$LAUNCHDB_CONTROL_URL');
    expect(`${result.stdout}${result.stderr}`).not.toContain('s3cret-pw');
    // Named on the command line, as `scheduler run` takes it, it wins over the variable.
    const flagged = await status(temp, '--control-url', `postgresql://ldb:s3cret-pw@127.0.0.1:${port}/other`);
    expect(flagged.code).toBe(3);
    expect(flagged.stderr).toContain(
      `control database (--control-url): cannot reach Postgres at 127.0.0.1:${port}`,
    );
    expect(flagged.stderr).not.toContain('s3cret-pw');
  });
});
