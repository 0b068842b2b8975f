// The `<area>.<job>-ran` checks through `launchdb check`: one per job declared on the environment,
// pass / fail (guarded) / warn (elsewhere) / error (control database unreachable), reading the
// control database once between them and never creating an embedded one.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openControlDatabase } from '../../src/control/open-control.js';
import { type SharedControl, sharedControl } from '../../src/control/shared-control.js';
import { runChecks } from '../../src/core/checks/run-checks.js';
import { lockHolder } from '../../src/core/file-lock.js';
import { Project } from '../../src/core/project.js';
import { jobRanChecks } from '../../src/scheduler/job-ran-checks.js';
import { type CliResult, runCli } from '../helpers/cli.js';
import { closedPort } from '../helpers/closed-port.js';
import { adminQuery, serverAvailable, serverUrlFor, uniqueName } from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import {
  cronTwoHoursAgo,
  recordMixedRuns,
  scheduledConfig,
  scheduledProjects,
} from '../helpers/scheduled-runs.js';

interface ReportCheck {
  id: string;
  status: string;
  summary: string;
  fix?: string;
}

const slots = cronTwoHoursAgo();
const project = scheduledProjects(slots.cron);

/** `check --only AREA --json` on `env`: its exit code and the checks whose id ends in `-ran`. */
async function ranChecks(temp: TempProject, env: string, area = 'backups') {
  const result: CliResult = await runCli(['check', '--env', env, '--only', area, '--json'], {
    cwd: temp.dir,
  });
  const checks = (JSON.parse(result.stdout).checks as ReportCheck[]).filter((c) => c.id.endsWith('-ran'));
  return { code: result.code, stderr: result.stderr, checks, byId: new Map(checks.map((c) => [c.id, c])) };
}

const controlDir = (temp: TempProject) => join(temp.dir, '.launchdb/control/postgres');

describe('job-ran checks, embedded control database', () => {
  it('no jobs declared: no such checks, and check never creates the control database', async () => {
    const temp = project(`{ project: '{project}', environments: { production: { postgres: {} } } }`);
    const { checks } = await ranChecks(temp, 'production');
    expect(checks).toEqual([]);
    expect(existsSync(controlDir(temp))).toBe(false);
  });

  it('jobs declared but never run: fail in production, warn in staging, and still nothing created', async () => {
    const temp = project();
    const production = await ranChecks(temp, 'production');
    expect(production.checks.map((c) => [c.id, c.status])).toEqual([
      ['backups.schedule-ran', 'fail'],
      ['backups.verify-ran', 'fail'],
      ['backups.drill-ran', 'fail'],
    ]);
    const backup = production.byId.get('backups.schedule-ran')!;
    expect(backup.summary).toMatch(/^never ran: no run is recorded \(its last slot was .* UTC\)$/);
    expect(backup.fix).toContain('start `launchdb scheduler run` as a service (no scheduler is running)');
    const staging = await ranChecks(temp, 'staging');
    expect(staging.checks.map((c) => [c.id, c.status])).toEqual([['backups.drill-ran', 'warn']]);
    expect(existsSync(controlDir(temp))).toBe(false);
  });

  it('reads the runs recorded there', async () => {
    const temp = project();
    // Through the check runner: the environment's own database is not needed for these checks.
    const loaded = await Project.load(temp.dir);
    const env = loaded.environment('production');
    const control = sharedControl(loaded);
    try {
      await recordMixedRuns((await control.open()).db, temp.name, slots);
      const report = await runChecks(
        jobRanChecks(loaded, env, control),
        { env, now: new Date() },
        { project: temp.name, environment: env.name },
      );
      expect(report.checks.map((c) => [c.id, c.status])).toEqual([
        ['backups.schedule-ran', 'pass'],
        ['backups.verify-ran', 'fail'],
        ['backups.drill-ran', 'fail'],
        ['provisioning.check-ran', 'pass'],
      ]);
      // Let go as soon as read: a scheduler between its steps is not kept waiting for the check.
      expect(lockHolder(`${controlDir(temp)}.lock`)).toBeUndefined();
    } finally {
      await control.close();
    }
  });
});

describe.skipIf(!serverAvailable)('job-ran checks, a server control database', () => {
  const database = uniqueName('ldbjr');
  let temp: TempProject;
  beforeAll(async () => {
    await adminQuery(`create database ${database}`);
    temp = tempProject(scheduledConfig(slots.cron));
    temp.write('.env', `LAUNCHDB_CONTROL_URL=${serverUrlFor(database)}\n`);
    const control = await openControlDatabase(await Project.load(temp.dir));
    try {
      await recordMixedRuns(control.db, temp.name, slots);
    } finally {
      await control.close();
    }
  });
  afterAll(async () => {
    temp?.remove();
    await adminQuery(`drop database if exists ${database} with (force)`);
  });

  it('production (guarded): pass when the last slot ran ok; fail on a failed or missed slot, with the fix', async () => {
    const { code, stderr, checks, byId } = await ranChecks(temp, 'production');
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(checks.map((c) => [c.id, c.status])).toEqual([
      ['backups.schedule-ran', 'pass'],
      ['backups.verify-ran', 'fail'],
      ['backups.drill-ran', 'fail'],
    ]);
    expect(byId.get('backups.schedule-ran')!.summary).toMatch(
      /^the slot of \d{4}-\d\d-\d\d \d\d:\d\d UTC ran ok: took \d+ ms, by web-1:4242:ab$/,
    );
    const drill = byId.get('backups.drill-ran')!;
    expect(drill.summary).toContain('failed (exit 1)');
    expect(drill.summary).toContain('relation "orders" does not exist');
    expect(drill.summary).not.toContain('stack');
    expect(drill.fix).toContain('`launchdb backup drill --env production`');
    const verify = byId.get('backups.verify-ran')!;
    expect(verify.summary).toContain('has no run: no scheduler ran it');
    // The live scheduler does not run verify; the one that did stopped beating.
    expect(verify.fix).toBe(
      'the running scheduler (web-1 pid 4242) does not run verify on production: restart with the config that declares it',
    );
    // The check job's slot is running now: the slot before it ran ok.
    const provisioning = await ranChecks(temp, 'production', 'provisioning');
    expect(provisioning.checks).toMatchObject([{ id: 'provisioning.check-ran', status: 'pass' }]);
  });

  it('staging (not guarded): a failed slot warns', async () => {
    const { checks } = await ranChecks(temp, 'staging');
    expect(checks.map((c) => [c.id, c.status])).toEqual([['backups.drill-ran', 'warn']]);
  });

  it('the checks open the control database once between them, and not at all when none runs', async () => {
    const loaded = await Project.load(temp.dir);
    const env = loaded.environment('production');
    let opens = 0;
    const counting = (shared: SharedControl): SharedControl => ({
      open: () => {
        opens++;
        return shared.open();
      },
      close: () => shared.close(),
    });
    const control = counting(sharedControl(loaded));
    const checks = jobRanChecks(loaded, env, control);
    expect(checks.map((c) => c.id)).toEqual([
      'backups.schedule-ran',
      'backups.verify-ran',
      'backups.drill-ran',
      'provisioning.check-ran',
    ]);
    const options = { project: loaded.name, environment: 'production', concurrency: 4 };
    const report = await runChecks(checks, { env, now: new Date() }, options);
    await control.close();
    expect(report.checks.map((c) => c.status)).toEqual(['pass', 'fail', 'fail', 'pass']);
    expect(opens).toBe(1);
    opens = 0;
    const none = counting(sharedControl(loaded));
    await runChecks(
      jobRanChecks(loaded, env, none),
      { env, now: new Date() },
      { ...options, only: ['smoke'] },
    );
    expect(opens).toBe(0);
  });

  it('an unreachable control URL: each check is error, naming host and port, never the password', async () => {
    const unreachable = project();
    const port = await closedPort();
    unreachable.write('.env', `LAUNCHDB_CONTROL_URL=postgresql://ldb:s3cret-pw@127.0.0.1:${port}/control\n`);
    const { code, checks, stderr } = await ranChecks(unreachable, 'production');
    expect(code).toBe(1);
    expect(checks.map((c) => c.status)).toEqual(['error', 'error', 'error']);
    expect(checks[0]!.summary).toContain(
      `the scheduler's runs could not be read: control database ($LAUNCHDB_CONTROL_URL): cannot reach Postgres at 127.0.0.1:${port}`,
    );
    expect(checks[0]!.fix).toContain('LAUNCHDB_CONTROL_URL');
    expect(JSON.stringify(checks) + stderr).not.toContain('s3cret-pw');
  });
});
