// Changes made outside launchdb reach the audit trail: DDL through the event triggers attach installs
// (with its statement and the role that logged in), role and grant changes through the snapshot each
// check compares. launchdb's own migrations are attributed to the migration that ran them; a capture
// that breaks never fails the user's statement; audit verify still passes. access.manual-changes
// warns, passes, and skips with the reason where the capture cannot be installed (not a superuser).

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/stores/postgres/audit/audit-event.js';
import { type CliResult, runCli } from '../helpers/cli.js';
import { adminQuery, SERVER_URL, serverAvailable, serverUrlFor, uniqueName } from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';

interface CheckEntry {
  id: string;
  status: string;
  summary: string;
  details: { changes: { action: string; by: string; what: string }[]; captureInstalled: boolean };
}

/** Runs SQL in `database` as `user` (trust auth), the way someone with psql would. */
async function asUser(database: string, user: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: serverUrlFor(database, user) });
  const notices: string[] = [];
  client.on('notice', (notice) => notices.push(notice.message ?? ''));
  await client.connect();
  try {
    const result = await client.query(sql);
    return Object.assign(result, { notices });
  } finally {
    await client.end();
  }
}

async function trailOf(database: string): Promise<AuditEvent[]> {
  const { rows } = await adminQuery('select event from launchdb.audit order by seq', [], database);
  return rows.map((row: { event: string }) => JSON.parse(row.event) as AuditEvent);
}

describe.runIf(serverAvailable)('changes made outside launchdb, captured by a superuser attach', () => {
  let project: TempProject;
  let database: string;
  const outsider = uniqueName('ldbmallory');
  const cli = (args: string[]): Promise<CliResult> =>
    runCli([...args, '--env', 'staging'], { cwd: project.dir });
  const manualCheck = async (): Promise<CheckEntry> => {
    const run = await cli(['check', '--only', 'access', '--json']);
    const report = JSON.parse(run.stdout) as { checks: CheckEntry[] };
    return report.checks.find((check) => check.id === 'access.manual-changes')!;
  };

  beforeAll(async () => {
    project = tempProject(`{ project: '{project}', environments: { staging: { postgres: {} } } }`);
    database = `${project.name}_staging`;
    project.write('db/migrations/20260101000000_items.sql', 'create table items (id bigint primary key);\n');
    const attach = await cli(['attach', 'postgres', '--admin-url', SERVER_URL]);
    expect(attach.code, attach.stderr).toBe(0);
  }, 60_000);

  afterAll(async () => {
    if (database) {
      await adminQuery(`drop database if exists ${database} with (force)`).catch(() => {});
      for (const kind of ['app', 'readonly', 'owner']) {
        await adminQuery(`drop role if exists ${database}_${kind}`).catch(() => {});
      }
    }
    await adminQuery(`drop role if exists ${outsider}`).catch(() => {});
    project?.remove();
  });

  it('attach installs the capture; a check with nothing outside launchdb passes', async () => {
    const { rows } = await adminQuery(
      `select evtname, evtevent from pg_event_trigger where evtname like 'launchdb_capture%' order by 1`,
      [],
      database,
    );
    expect(rows).toEqual([
      { evtname: 'launchdb_capture_ddl', evtevent: 'ddl_command_end' },
      { evtname: 'launchdb_capture_drop', evtevent: 'sql_drop' },
    ]);
    const check = await manualCheck();
    expect(check.status, check.summary).toBe('pass');
    expect(check.details.captureInstalled).toBe(true);
  });

  it('attributes migrate up DDL to the migration that ran it, never as manual', async () => {
    const up = await cli(['migrate', 'up']);
    expect(up.code, up.stderr).toBe(0);
    const events = await trailOf(database);
    // One event for the action, as ever: the DDL it ran is listed in it, by the migration that ran it.
    const up_ = events.filter((event) => event.action === 'migrate up');
    expect(up_).toHaveLength(1);
    const ddl = (up_[0]!.details?.ddl ?? []) as { migration?: string }[];
    const migration = ddl.find((entry) => entry.migration);
    expect(migration).toMatchObject({
      migration: 'db/migrations/20260101000000_items.sql',
      sessionUser: `${database}_owner`,
      commands: [{ tag: 'CREATE TABLE', objects: ['table public.items', 'index public.items_pkey'] }],
    });
    // The migration's statement is its file, named: the text is not copied into the trail.
    expect(migration).not.toHaveProperty('statements');
    expect(events.some((event) => event.action.endsWith(' ddl'))).toBe(false);
    expect(events.some((event) => event.action.startsWith('manual'))).toBe(false);
    const check = await manualCheck();
    expect(check.status, check.summary).toBe('pass');
  }, 60_000);

  it('captures DDL made with psql, with its statement and the role that logged in', async () => {
    await asUser(database, `${database}_owner`, 'alter table items add column note text');
    await asUser(database, 'postgres', 'create table hand_made (id int); drop table hand_made');
    const check = await manualCheck();
    expect(check.status, check.summary).toBe('warn');
    expect(check.summary).toContain('ALTER TABLE table public.items');
    expect(check.summary).toContain('CREATE TABLE table public.hand_made');
    expect(check.summary).toContain('DROP TABLE table public.hand_made');

    const manual = (await trailOf(database)).filter((event) => event.action === 'manual ddl');
    const alter = manual.find((event) => JSON.stringify(event.details).includes('ALTER TABLE'))!;
    expect(alter.actor).toEqual({
      id: `${database}_owner`,
      source: 'database',
      identities: { database: `${database}_owner` },
    });
    expect(alter.details).toMatchObject({
      sessionUser: `${database}_owner`,
      statements: ['alter table items add column note text'],
    });
    // One simple-query string, two statements, one transaction: one event with both commands.
    const made = manual.find((event) => JSON.stringify(event.details).includes('hand_made'))!;
    expect(made.actor.id).toBe('postgres');
    expect(made.details).toMatchObject({
      commands: [
        { tag: 'CREATE TABLE', objects: ['table public.hand_made'] },
        { tag: 'DROP TABLE', objects: ['table public.hand_made'] },
      ],
      statements: ['create table hand_made (id int); drop table hand_made'],
    });
  }, 60_000);

  it('finds a manual GRANT and a new member at the next check, and audit verify still passes', async () => {
    await adminQuery(`create role ${outsider} login`);
    await adminQuery(`grant connect on database ${database} to ${outsider}`);
    await adminQuery(`grant ${database}_readonly to ${outsider}`);
    const check = await manualCheck();
    expect(check.status).toBe('warn');
    expect(check.summary).toContain(`${outsider} granted CONNECT on database ${database}`);
    expect(check.summary).toContain(`${outsider} made a member of ${database}_readonly`);
    const roles = (await trailOf(database)).filter((event) => event.action === 'manual roles');
    expect(roles).toHaveLength(1);
    expect(roles[0]!.details).toMatchObject({ foundBy: 'check' });

    // Found once: the next check compares with the snapshot this one stored.
    await manualCheck();
    expect((await trailOf(database)).filter((event) => event.action === 'manual roles')).toHaveLength(1);

    // A GRANT on a table is DDL to the event trigger: captured with its statement, at once.
    await adminQuery(`grant select on items to ${outsider}`, [], database);
    const grant = (await trailOf(database)).length;
    await manualCheck();
    const events = await trailOf(database);
    const captured = events.slice(grant - 1).find((event) => event.action === 'manual ddl');
    expect(captured?.details).toMatchObject({
      commands: [{ tag: 'GRANT', objects: ['table'] }],
      statements: [`grant select on items to ${outsider}`],
    });
    await adminQuery(`revoke all on items from ${outsider}`, [], database);
    await adminQuery(`revoke connect on database ${database} from ${outsider}`);

    const verify = await cli(['audit', 'verify']);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  }, 60_000);

  it('never makes the statement fail when the capture breaks, and warns instead', async () => {
    // A constraint no captured row can meet: every capture from now on fails inside the trigger.
    await adminQuery(
      `alter table launchdb.captured_ddl add constraint broken check (tag = 'never') not valid`,
      [],
      database,
    );
    try {
      const made = (await asUser(
        database,
        `${database}_owner`,
        'create table still_made (id int)',
      )) as pg.QueryResult & { notices: string[] };
      expect(made.notices.join('\n')).toContain('launchdb could not record this change in its audit trail');
      const { rows } = await adminQuery(`select to_regclass('still_made') is not null as made`, [], database);
      expect(rows[0].made).toBe(true);
    } finally {
      await adminQuery('alter table launchdb.captured_ddl drop constraint broken', [], database);
    }
  });

  it('a launchdb action that changes roles is credited with them, not reported as manual', async () => {
    // pool plan --apply sets the roles' connection limits: launchdb's own change, in its own event.
    project.write('.env', `DATABASE_ADMIN_URL=${SERVER_URL}\n`);
    await adminQuery(`alter role ${database}_app reset statement_timeout`);
    const before = (await trailOf(database)).filter((event) => event.action === 'manual roles').length;
    // The reset by hand is found first (check), then pool plan sets the limits.
    await manualCheck();
    const apply = await cli(['pool', 'plan', '--apply']);
    expect(apply.code, apply.stderr).toBe(0);
    await manualCheck();
    const events = await trailOf(database);
    const manual = events.filter((event) => event.action === 'manual roles');
    expect(manual).toHaveLength(before + 1);
    expect(JSON.stringify(manual.at(-1)!.details)).toContain(`settings of role ${database}_app`);
    const plan = events.findLast((event) => event.action === 'pool plan --apply')!;
    expect(plan.details?.accessChanges).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^role ${database}_app: .*CONNECTION LIMIT`)),
      ]),
    );
    expect(JSON.stringify(manual.at(-1)!.details)).not.toContain('CONNECTION LIMIT');
  }, 60_000);
});

describe.runIf(serverAvailable)('where the capture cannot be installed', () => {
  let project: TempProject;
  const database = uniqueName('ldbnosu');
  const owner = `${database}_own`;
  const outsider = `${database}_x`;

  beforeAll(async () => {
    await adminQuery(`create role ${owner} login`);
    await adminQuery(`create database ${database} owner ${owner}`);
    await adminQuery(`revoke connect on database ${database} from public`);
    project = tempProject(
      `{ project: '{project}', environments: { staging: { postgres: { url: '${serverUrlFor(database, owner)}' } } } }`,
    );
    const attach = await runCli(['attach', 'postgres', '--env', 'staging'], { cwd: project.dir });
    expect(attach.code, attach.stderr).toBe(0);
  }, 60_000);

  afterAll(async () => {
    await adminQuery(`drop database if exists ${database} with (force)`).catch(() => {});
    await adminQuery(`drop role if exists ${outsider}`).catch(() => {});
    await adminQuery(`drop role if exists ${owner}`).catch(() => {});
    project?.remove();
  });

  const manualCheck = async (): Promise<CheckEntry> => {
    const run = await runCli(['check', '--env', 'staging', '--only', 'access', '--json'], {
      cwd: project.dir,
    });
    return (JSON.parse(run.stdout) as { checks: CheckEntry[] }).checks.find(
      (check) => check.id === 'access.manual-changes',
    )!;
  };

  it('skips with the reason, and still finds role and grant changes by the snapshot', async () => {
    const first = await manualCheck();
    expect(first.status).toBe('skip');
    expect(first.summary).toContain('not a superuser');
    const { rows } = await adminQuery(
      `select count(*)::int as n from pg_event_trigger where evtname like 'launchdb_capture%'`,
      [],
      database,
    );
    expect(rows[0].n).toBe(0);

    // Without the trigger, DDL goes unseen (drift is the net) but grants on objects are compared.
    await asUser(database, owner, 'create table t (id int)');
    await adminQuery(`create role ${outsider} login`);
    await adminQuery(`grant connect on database ${database} to ${outsider}`);
    await asUser(database, owner, `grant select on t to ${outsider}`);
    const second = await manualCheck();
    expect(second.status).toBe('warn');
    expect(second.summary).toContain(`${outsider} granted CONNECT on database ${database}`);
    expect(second.summary).toContain(`${outsider} granted SELECT on table t`);
    expect(second.summary).toContain('DDL is not captured here');
    const verify = await runCli(['audit', 'verify', '--env', 'staging'], { cwd: project.dir });
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
  }, 60_000);
});
