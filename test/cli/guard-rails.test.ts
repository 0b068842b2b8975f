// Every command that can change a guarded environment refuses without confirmation, however the
// target is named: --env, $LAUNCHDB_ENV, or a URL reaching its database as the app, the owner or a
// superuser. The guard follows the database, not the spelling. Production lives on the server here,
// provisioned by launchdb, and must be exactly as it was after every refused try.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands.js';
import { readSecrets } from '../../src/core/secrets.js';
import { type CliResult, runCli } from '../helpers/cli.js';
import { adminQuery, SERVER_URL, serverAvailable, serverUrlFor } from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/** How a command run names production. */
type Way = 'env' | 'LAUNCHDB_ENV' | 'app URL' | 'owner URL' | 'superuser URL';
const WAYS: Way[] = ['env', 'LAUNCHDB_ENV', 'app URL', 'owner URL', 'superuser URL'];

interface Change {
  /** The command's arguments that make it change production, without the target. */
  args: string[];
  /** How this command takes a URL as its target: an environment resolved from a URL, or `--to`. */
  url: 'env-url' | 'to' | 'none';
  /** Ways that do not apply to it, with the reason. */
  notApplicable?: Partial<Record<Way, string>>;
}

/** Every command that can change data of a guarded environment, and what makes it try. */
const CHANGES: Record<string, Change> = {
  attach: { args: ['postgres'], url: 'env-url' },
  'migrate up': { args: [], url: 'env-url' },
  'migrate baseline': { args: [], url: 'env-url' },
  'migrate adopt': { args: ['--from', 'dbmate'], url: 'env-url' },
  seed: { args: [], url: 'env-url' },
  'admin create': { args: ['--email', 'ops@shop.dev', '--owner', 'Ada <ada@shop.dev>'], url: 'env-url' },
  'pool plan': { args: ['--apply'], url: 'env-url' },
  'access grant': {
    args: ['--person', 'ada', '--level', 'read', '--for', '1h', '--reason', 'guard test'],
    url: 'env-url',
  },
  'access approve': { args: ['1'], url: 'env-url' },
  'access revoke': { args: ['--person', 'ada'], url: 'env-url' },
  // The pid of a live session of production's app, added once it is open (beforeAll).
  'connections terminate': { args: [], url: 'env-url' },
  // Its run writes through the app, to launchdb.smoke_runs, and sweeps a killed run's rows.
  smoke: { args: ['--app-url', 'http://127.0.0.1:9'], url: 'env-url' },
  'backup restore': {
    args: ['--clean'],
    url: 'to',
    notApplicable: { LAUNCHDB_ENV: 'restore names its target with --to only, never from the environment' },
  },
  'backup prune': {
    args: ['--yes'],
    url: 'none',
    notApplicable: {
      'app URL': 'backups live in the backup target, not in the database: no URL names them',
      'owner URL': 'backups live in the backup target, not in the database: no URL names them',
      'superuser URL': 'backups live in the backup target, not in the database: no URL names them',
    },
  },
};

/** Every other command, and why it cannot delete or replace data of a guarded environment. */
const NO_CHANGE: Record<string, string> = {
  init: 'writes the config and folders of the project, no environment',
  'env list': 'reads',
  'admin list': 'reads',
  'access list': 'reads the catalog',
  'access requests': 'reads',
  'access request':
    'records a request in launchdb.access_requests; it gives no access until an approver approves it',
  'access expire':
    'ends only access whose time is up, as its grant or approval already decided; what the role owned is reassigned, never dropped',
  serve: 'serves an embedded database; every launchdb change made through it confirms itself',
  check:
    'reads; its canary row is written and deleted in launchdb.canary; it appends to the trail only the changes made outside launchdb it finds, never an event of its own',
  'migrate new': 'writes a file',
  'migrate status': 'reads',
  'migrate verify': 'reads',
  'migrate lint': 'reads files',
  'migrate drift': 'reads; replays into a scratch database of its own',
  'scan data': 'reads',
  'scan code': 'reads files',
  'smoke lint': 'reads the smoke spec',
  'pool pgbouncer': 'writes PgBouncer files',
  'backup create': 'adds a backup; deletes nothing',
  'backup list': 'reads',
  'backup verify': 'reads',
  'backup drill': 'restores into a scratch database of its own; records the drill',
  'backup export': 'writes files to a new folder',
  'backup keygen': 'writes a new key file',
  'audit list': 'reads',
  'audit verify': 'reads',
  'audit checkpoint': 'reads the trail; writes its head to the control database, not to the environment',
  history: 'reads the control database, not the environment',
  'scheduler run':
    'changes nothing itself; of the jobs it runs, prune and smoke ask for a guarded environment to be confirmed when it starts (test/scheduler/scheduler-run-input.test.ts) and are passed --confirm',
  'scheduler status': 'reads the control database',
  console: 'serves pages that read the control database',
  'console user add': 'changes console accounts, in the control database, not an environment',
  'console user list': 'reads the control database',
  'console user password': 'changes a console account, in the control database, not an environment',
  'console user role': 'changes a console account, in the control database, not an environment',
  'console user remove': 'removes a console account, in the control database, not an environment',
};

describe('every command is classified', () => {
  it('as changing a guarded environment or not, so a new command cannot skip the guard test', () => {
    for (const command of COMMANDS) {
      const inChanges = command.name in CHANGES;
      const inNoChange = command.name in NO_CHANGE;
      expect(inChanges !== inNoChange, `${command.name} must be in exactly one list`).toBe(true);
    }
    for (const name of [...Object.keys(CHANGES), ...Object.keys(NO_CHANGE)]) {
      expect(COMMANDS.some((command) => command.name === name)).toBe(true);
    }
  });
});

describe.runIf(serverAvailable)('the guard follows the database', () => {
  let project: TempProject;
  let database: string;
  let urls: Record<'app URL' | 'owner URL' | 'superuser URL', string>;
  let backupId: string;
  let before: string;
  let appSession: pg.Client | undefined;

  const cli = (argv: string[], env: Record<string, string> = {}): Promise<CliResult> =>
    withEnv(env, () => runCli(argv, { cwd: project.dir }));

  beforeAll(async () => {
    project = tempProject(`{
      project: '{project}',
      environments: {
        production: { postgres: { adminUrl: '${SERVER_URL}' } },
        // Not guarded by name, but pointed at whatever database HIJACK_URL names.
        hijack: { postgres: { url: env('HIJACK_URL'), adminUrl: '${SERVER_URL}' } },
      },
      migrations: { layout: 'dbmate' },
      admin: {
        create: 'insert into admins (email) values (:email)',
        list: 'select email from admins',
      },
      backups: { retention: { daily: 1 } },
      access: { people: { ada: { email: 'ada@shop.dev' }, grace: { email: 'grace@shop.dev' } }, approvers: ['grace'] },
    }`);
    database = `${project.name}_production`;
    project.write(
      'db/migrations/20240301120000_create_orders.sql',
      '-- migrate:up\ncreate table orders (id bigint primary key, total int not null);\ncreate table admins (email text primary key);\ninsert into orders values (1, 42);\n\n-- migrate:down\ndrop table orders;\n',
    );
    const setup = async (argv: string[]) => {
      const result = await cli(argv);
      expect(result.code, `${argv.join(' ')}: ${result.stderr}`).toBe(0);
      return result;
    };
    await setup(['attach', 'postgres', '--env', 'production', '--confirm', 'production']);
    await setup(['migrate', 'up', '--env', 'production', '--confirm', 'production']);
    await setup(['backup', 'create', '--env', 'production']);
    backupId = JSON.parse((await setup(['backup', 'create', '--env', 'production', '--json'])).stdout).id;
    // What each command would do next: a pending migration, already in dbmate's history (for adopt),
    // a reference seed.
    project.write(
      'db/migrations/20240302120000_add_note.sql',
      '-- migrate:up\nalter table orders add column note text;\n\n-- migrate:down\nalter table orders drop column note;\n',
    );
    await adminQuery(
      `create table public.schema_migrations (version varchar(128) primary key);
       insert into public.schema_migrations values ('20240301120000'), ('20240302120000');
       alter table public.schema_migrations owner to ${database}_owner`,
      [],
      database,
    );
    // What smoke would run: a spec that writes through the app and cleans up after itself.
    project.write(
      'launchdb.smoke.yaml',
      [
        'records: [{ table: orders, column: note }]',
        'steps:',
        '  - http: { method: POST, path: /orders, body: { note: "{{run.id}}" }, expect: { status: 201 }, capture: { id: /id } }',
        'finally:',
        '  - http: { method: DELETE, path: "/orders/{{id}}", expect: { status: [204, 404] } }',
        '',
      ].join('\n'),
    );
    project.write(
      'db/seeds/reference/orders.sql',
      'insert into orders values (2, 7) on conflict do nothing;\n',
    );
    // What the access commands would act on: Ada's pending request (approved by Grace, who runs the
    // tries) and a personal role of hers to revoke.
    await withEnv({ LAUNCHDB_ACTOR: 'ada@shop.dev' }, () =>
      setup([
        'access',
        'request',
        '--env',
        'production',
        '--person',
        'ada',
        '--level',
        'read',
        '--for',
        '1h',
        '--reason',
        'guard test',
      ]),
    );
    await adminQuery(`create role ${database}_p_ada login`);
    process.env.LAUNCHDB_ACTOR = 'grace@shop.dev';
    const secrets = readSecrets(join(project.dir, '.launchdb'), 'production');
    // What connections terminate would end: a session of the app, open for the whole file.
    appSession = new pg.Client({ connectionString: secrets.DATABASE_URL });
    await appSession.connect();
    const { rows } = await appSession.query<{ pid: number }>('select pg_backend_pid() as pid');
    CHANGES['connections terminate']!.args.push(String(rows[0]!.pid));
    urls = {
      'app URL': secrets.DATABASE_URL!,
      'owner URL': secrets.DATABASE_MIGRATION_URL!,
      'superuser URL': serverUrlFor(database),
    };
    before = await productionState();
  }, 120_000);

  afterAll(async () => {
    delete process.env.LAUNCHDB_ACTOR;
    await appSession?.end().catch(() => {});
    if (database) {
      await adminQuery(`drop database if exists ${database} with (force)`).catch(() => {});
      for (const kind of ['owner', 'app', 'readonly', 'p_ada']) {
        await adminQuery(`drop role if exists ${database}_${kind}`).catch(() => {});
      }
    }
    project?.remove();
  });

  /** Everything a refused command must leave as it was. */
  async function productionState(): Promise<string> {
    const { rows } = await adminQuery(
      `select (select oid from pg_database where datname = current_database()) as oid,
         (select json_agg(o order by id) from orders o) as orders,
         (select count(*) from launchdb.migrations) as migrations,
         (select count(*) from admins) as admins,
         (select json_agg(json_build_object(r.rolname, r.rolconnlimit) order by r.rolname) from pg_roles r
            where r.rolname like current_database() || '\\_%') as roles,
         (select count(*) from information_schema.columns where table_name = 'orders') as columns`,
      [],
      database,
    );
    const backups = readdirSync(join(project.dir, '.launchdb', 'backups', 'production')).sort();
    const secrets = readFileSync(join(project.dir, '.launchdb', 'secrets', 'production.env'), 'utf8');
    return JSON.stringify({ ...rows[0], backups, secrets });
  }

  /** The argv and variables of one try. */
  function attempt(name: string, change: Change, way: Way): { argv: string[]; env: Record<string, string> } {
    const argv = [...name.split(' '), ...change.args];
    if (change.url === 'to') {
      argv.push(backupId, '--to', way === 'env' ? 'production' : urls[way as keyof typeof urls]);
      return { argv, env: {} };
    }
    if (way === 'env') return { argv: [...argv, '--env', 'production'], env: {} };
    if (way === 'LAUNCHDB_ENV') return { argv, env: { LAUNCHDB_ENV: 'production' } };
    return { argv: [...argv, '--env', 'hijack'], env: { HIJACK_URL: urls[way] } };
  }

  for (const [name, change] of Object.entries(CHANGES)) {
    for (const way of WAYS) {
      const skipped = change.notApplicable?.[way];
      it.skipIf(skipped !== undefined)(`${name}, naming production by ${way}, refuses`, async () => {
        const { argv, env } = attempt(name, change, way);
        const result = await cli(argv, env);
        expect(result.code, `${argv.join(' ')}\n${result.stdout}\n${result.stderr}`).toBe(2);
        // Refused by the guard (no terminal, no --confirm) or because the database is production's.
        expect(result.stderr).toMatch(
          /without confirmation|already attached to environment "production"|is environment production's database|production is guarded: access to it is requested/,
        );
        expect(await productionState()).toBe(before);
      });
    }
  }

  it('each refusal names production and the fix', async () => {
    const result = await cli(['backup', 'restore', backupId, '--to', urls['superuser URL'], '--clean']);
    expect(result.stderr).toContain('environment production');
    expect(result.stderr).toContain('--confirm production');
  });
});

/** Runs `fn` with variables set in this process's environment, then puts them back. */
async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((key) => [key, process.env[key]]));
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}
