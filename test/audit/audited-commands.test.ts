// Every command that changes an environment leaves exactly one event in its audit trail, whatever
// the outcome; a refused change is an event; a run that changes nothing leaves none. Every command is
// classified, so a new one cannot skip the trail. Embedded environments here (the trail works the
// same there); the server's own cases are in server-actions.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.js';
import type { AuditEvent } from '../../src/stores/postgres/audit/audit-event.js';
import { type CliResult, runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/** Commands that change an environment: each run is recorded. */
const AUDITED = [
  'attach',
  'migrate up',
  'migrate baseline',
  'migrate adopt',
  'seed',
  'admin create',
  'pool plan',
  'backup restore',
  'backup drill',
  'access grant',
  'access request',
  'access approve',
  'access expire',
  'access revoke',
  'connections terminate',
  'smoke',
];

/** Every other command, and why it changes no environment's database. */
const NOT_AUDITED: Record<string, string> = {
  init: 'writes the config and folders of the project, no environment',
  'env list': 'reads',
  serve: 'serves an embedded database; every launchdb change made through it records itself',
  check:
    'reads; its canary row is written and deleted in launchdb.canary; it appends to the trail only the changes made outside launchdb it finds, never an event of its own',
  'migrate new': 'writes a file',
  'migrate status': 'reads',
  'migrate verify': 'reads',
  'migrate lint': 'reads files',
  'migrate drift': 'reads; replays into a scratch database of its own and caches what it expects',
  'admin list': 'reads',
  'access list': 'reads the catalog',
  'access requests': 'reads launchdb.access_requests',
  'scan data': 'reads',
  'scan code': 'reads files',
  'smoke lint': 'reads the smoke spec',
  'pool pgbouncer': 'writes PgBouncer files',
  'backup create': 'reads the database into a new backup, which witnesses the trail’s head',
  'backup list': 'reads',
  'backup verify': 'reads',
  'backup export': 'writes files to a new folder',
  'backup prune': 'deletes backups in the backup target, not anything in the database',
  'backup keygen': 'writes a new key file',
  'audit list': 'reads the trail',
  'audit verify': 'reads the trail',
  'audit checkpoint': 'reads the trail; witnesses its head in the control database, not in the environment',
  history: 'reads the control database; ingests the runs check left pending there',
  'scheduler run': 'changes nothing itself: each job it runs is the command, recording its own event',
  'scheduler status': 'reads the control database',
  console: 'serves pages that read the control database',
  'console user add': 'changes console accounts, in the control database, not an environment',
  'console user list': 'reads the control database',
  'console user password': 'changes a console account, in the control database, not an environment',
  'console user role': 'changes a console account, in the control database, not an environment',
  'console user remove': 'removes a console account, in the control database, not an environment',
};

describe('every command is classified', () => {
  it('as recorded in the audit trail or not, so a new command that changes data cannot skip it', () => {
    for (const command of COMMANDS) {
      const audited = AUDITED.includes(command.name);
      expect(audited !== command.name in NOT_AUDITED, `${command.name} must be in exactly one list`).toBe(
        true,
      );
      expect(command.audit !== undefined, `${command.name} declares audit exactly when it is audited`).toBe(
        audited,
      );
    }
    for (const name of [...AUDITED, ...Object.keys(NOT_AUDITED)]) {
      expect(COMMANDS.some((command) => command.name === name)).toBe(true);
    }
  });
});

describe('each change leaves one event', () => {
  let project: TempProject;
  /**
   * How many events each trail held when last listed. Every command runs in-process, one at a time, so
   * a trail's length after one command is its length before the next: `added` lists it once per
   * command rather than twice (each listing opens the embedded database). A command run by `cli`
   * forgets every count.
   */
  const counted = new Map<string, number>();
  const run = (argv: string[]): Promise<CliResult> => runCli(argv, { cwd: project.dir });
  const cli = (argv: string[]): Promise<CliResult> => {
    counted.clear();
    return run(argv);
  };

  async function events(env: string): Promise<AuditEvent[]> {
    const listed = await run(['audit', 'list', '--env', env, '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const trail: AuditEvent[] = JSON.parse(listed.stdout).events;
    counted.set(env, trail.length);
    return trail;
  }

  /** Runs argv and returns the events it added to `env`'s trail. */
  async function added(env: string, argv: string[]): Promise<{ result: CliResult; added: AuditEvent[] }> {
    const before = counted.get(env) ?? (await events(env)).length;
    const result = await run(argv);
    const after = await events(env);
    return { result, added: after.slice(before) };
  }

  beforeAll(async () => {
    project = tempProject(`{
      project: '{project}',
      environments: {
        development: { postgres: {} },
        staging: { postgres: {} },
        production: { postgres: {} },
      },
      admin: { create: 'insert into admins (email) values (:email)', list: 'select email from admins' },
    }`);
    project.write(
      'db/migrations/20240301120000_create_admins.sql',
      'create table admins (email text primary key);\ncreate table orders (id bigint primary key);\n',
    );
    project.write('db/seeds/reference/orders.sql', 'insert into orders values (1) on conflict do nothing;\n');
  }, 60_000);

  afterAll(() => project?.remove());

  it('attach, migrate up, seed, admin create, pool plan --apply, drill: one event each, as they ended', async () => {
    const attach = await cli(['attach', 'postgres', '--env', 'development']);
    expect(attach.code, attach.stderr).toBe(0);
    const first = await events('development');
    expect(first.map((event) => [event.seq, event.action, event.result.status])).toEqual([
      [1, 'attach', 'ok'],
    ]);
    expect(first[0]!.target).toMatchObject({ environment: 'development', backing: 'embedded' });
    expect(first[0]!.parameters).toEqual({ flags: { env: 'development' }, arguments: ['postgres'] });

    const steps: [string[], string, string][] = [
      [['migrate', 'up', '--env', 'development'], 'migrate up', 'ok'],
      [['seed', '--env', 'development'], 'seed', 'ok'],
      [
        [
          'admin',
          'create',
          '--env',
          'development',
          '--email',
          'ops@shop.dev',
          '--owner',
          'Ada <ada@shop.dev>',
        ],
        'admin create',
        'ok',
      ],
      // Embedded has no roles to limit: refused as bad input, and recorded as failed.
      [['pool', 'plan', '--env', 'development', '--apply'], 'pool plan --apply', 'failed'],
      [['backup', 'drill', '--env', 'development', '--fresh'], 'backup drill', 'ok'],
    ];
    for (const [argv, action, status] of steps) {
      const { result, added: events } = await added('development', argv);
      expect(events, `${argv.join(' ')}: ${result.stderr}`).toHaveLength(1);
      expect(events[0]).toMatchObject({ action, result: { status } });
      expect(result.code === 0, `${argv.join(' ')}: ${result.stderr}`).toBe(status === 'ok');
    }
  }, 180_000);

  it('migrate baseline and migrate adopt: one event each, failed ones too', async () => {
    expect((await cli(['attach', 'postgres', '--env', 'staging'])).code).toBe(0);
    const baseline = await added('staging', ['migrate', 'baseline', '--env', 'staging']);
    expect(baseline.added.map((event) => [event.action, event.result.status])).toEqual([
      ['migrate baseline', 'ok'],
    ]);
    // No dbmate history in the database: adopt fails, and the attempt is in the trail.
    const adopt = await added('staging', ['migrate', 'adopt', '--env', 'staging', '--from', 'dbmate']);
    expect(adopt.result.code).not.toBe(0);
    expect(adopt.added).toHaveLength(1);
    expect(adopt.added[0]).toMatchObject({
      action: 'migrate adopt',
      result: { status: 'failed', exitCode: adopt.result.code },
    });
    expect(adopt.added[0]!.result).toHaveProperty('error');
  }, 120_000);

  it('a run that changes nothing leaves no event: --dry-run, seed --status, pool plan without --apply', async () => {
    for (const argv of [
      ['migrate', 'up', '--env', 'development', '--dry-run'],
      ['seed', '--env', 'development', '--status'],
      ['pool', 'plan', '--env', 'development'],
      ['migrate', 'status', '--env', 'development'],
    ]) {
      const { added: events } = await added('development', argv);
      expect(events, argv.join(' ')).toEqual([]);
    }
  }, 120_000);

  it('a refused change is an event: no --confirm, or the wrong one, on a guarded environment', async () => {
    expect((await cli(['attach', 'postgres', '--env', 'production', '--confirm', 'production'])).code).toBe(
      0,
    );
    const missing = await added('production', ['migrate', 'up', '--env', 'production']);
    expect(missing.result.code).toBe(2);
    const wrong = await added('production', ['seed', '--env', 'production', '--confirm', 'staging']);
    expect(wrong.result.code).toBe(2);
    expect([...missing.added, ...wrong.added].map((event) => [event.action, event.result])).toEqual([
      [
        'migrate up',
        {
          status: 'refused',
          error:
            'refusing to change guarded environment production without confirmation; nothing was changed',
        },
      ],
      [
        'seed',
        {
          status: 'refused',
          error: '--confirm staging does not match guarded environment production; nothing was changed',
        },
      ],
    ]);
    const confirmed = await added('production', [
      'migrate',
      'up',
      '--env',
      'production',
      '--confirm',
      'production',
    ]);
    expect(confirmed.added.map((event) => [event.action, event.result.status])).toEqual([
      ['migrate up', 'ok'],
    ]);
  }, 120_000);

  it('names who acted: LAUNCHDB_ACTOR first, with the OS user beside it', async () => {
    process.env.LAUNCHDB_ACTOR = 'deploy-bot';
    try {
      const { added: events } = await added('development', ['seed', '--env', 'development']);
      expect(events[0]!.actor).toMatchObject({
        id: 'deploy-bot',
        source: 'launchdb',
        identities: { launchdb: 'deploy-bot' },
      });
      expect(events[0]!.actor.identities.os).toBeTruthy();
    } finally {
      delete process.env.LAUNCHDB_ACTOR;
    }
  }, 60_000);

  it('an environment never attached records nothing, and says so', async () => {
    const fresh = tempProject();
    try {
      const result = await runCli(['migrate', 'up', '--env', 'staging'], { cwd: fresh.dir });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain('warning: not recorded in the audit trail of staging');
    } finally {
      fresh.remove();
    }
  }, 60_000);
});
