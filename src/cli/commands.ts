// Every command launchdb has, described without importing any of them.
import { FIXED_PORT, LISTEN_PORT, ROWS_PER_TABLE, TIMEOUT_OR_ZERO_MS, WORKERS } from '../core/ranges.js';
import { type CommandSpec, ENV_FLAGS, type FlagSpec, JSON_FLAG, type UrlFlagSpec } from './spec.js';

/** Where backups are: for every backup command. */
const TARGET_FLAG: Record<string, FlagSpec> = {
  target: {
    type: 'string',
    value: 'DIR',
    description:
      'the backup folder (default: backups.dir, else .launchdb/backups); one folder per environment under it',
  },
};

/**
 * For a command given a backup id: the id names the backup's environment (whose backup folder is
 * read), so --env only repeats it, and is refused when it names another one.
 */
const BACKUP_ENV_FLAG: Record<string, FlagSpec> = {
  env: {
    type: 'string',
    value: 'NAME',
    description: "the backup's environment (default: the one its id names; must be that one)",
  },
};

/** The admin URL of a server (DATABASE_ADMIN_URL after the config), for what the command needs it for. */
function adminUrlFlag(description: string): UrlFlagSpec {
  return { type: 'url', value: 'URL', env: 'DATABASE_ADMIN_URL', envAfterConfig: true, description };
}

/** The CI formats beside text (docs/CI.md): for migrate lint, scan code and check. */
const CI_FORMATS =
  'github (workflow commands: annotations on the pull request) or sarif (SARIF 2.1.0 for code scanning)';
const CI_FORMAT_FLAG: Record<string, FlagSpec> = {
  format: { type: 'string', value: 'FORMAT', description: `text (default), ${CI_FORMATS}` },
};

/** What a grant or a request asks for: whose access, at what level, for how long, why. */
const ACCESS_ASK_FLAGS: Record<string, FlagSpec> = {
  person: { type: 'string', value: 'ID', description: 'whose access: an id from access.people' },
  level: {
    type: 'string',
    value: 'LEVEL',
    description: 'read (the read-only role), write (the app role) or admin (the owner role, after SET ROLE)',
  },
  for: {
    type: 'string',
    value: 'DURATION',
    description: 'how long: 30m, 4h, 1d; at most access.maxGrant (default 8h)',
  },
  reason: { type: 'string', value: 'TEXT', description: 'why, for the audit trail' },
};

/** The smoke spec: for `smoke lint` and `smoke`. */
const SMOKE_SPEC_FLAG: Record<string, FlagSpec> = {
  spec: {
    type: 'string',
    value: 'FILE',
    description:
      'the smoke spec (default: launchdb.smoke.ts, .mts, .js, .mjs, .yaml or .yml at the project root)',
  },
};

export function commandNames(): string[] {
  return COMMANDS.map((command) => command.name);
}

/**
 * The control database, for the commands that work on it rather than on an environment: the flag,
 * else control.url, else $LAUNCHDB_CONTROL_URL (read after the config), else embedded.
 */
const CONTROL_URL_FLAG: Record<string, FlagSpec> = {
  'control-url': {
    type: 'url',
    value: 'URL',
    env: 'LAUNCHDB_CONTROL_URL',
    envAfterConfig: true,
    description: 'the control database (default: control.url, else $LAUNCHDB_CONTROL_URL, else embedded)',
  },
};

/** The console commands: the control database that holds the accounts, and how long to wait for it. */
const CONSOLE_CONTROL_FLAGS: Record<string, FlagSpec> = {
  ...CONTROL_URL_FLAG,
  'connect-timeout': ENV_FLAGS['connect-timeout']!,
};

const CONSOLE_ROLE_FLAGS: Record<string, FlagSpec> = {
  role: {
    type: 'string',
    value: 'ROLE',
    description:
      'viewer (sees every view; the default), operator (also runs checks, backups, drills) or owner (also access and accounts)',
  },
  owner: { type: 'boolean', description: 'the same as --role owner' },
};

const PASSWORD_STDIN_FLAG: Record<string, FlagSpec> = {
  'password-stdin': {
    type: 'boolean',
    description: 'read the password from standard input (its first line)',
  },
};

export const COMMANDS: CommandSpec[] = [
  {
    name: 'init',
    summary: 'scaffold launchdb in this project',
    usage: 'launchdb init [--project NAME] [--force] [--json]',
    description:
      'Writes launchdb.config.ts (development, staging, production), db/migrations/, db/seeds/reference/,\n' +
      'db/seeds/demo/, and adds .launchdb/ to .gitignore. Never overwrites a file unless --force.',
    flags: {
      ...JSON_FLAG,
      project: {
        type: 'string',
        value: 'NAME',
        description: 'project name (default: package.json name or folder)',
      },
      force: { type: 'boolean', description: 'overwrite files that exist' },
    },
    examples: ['launchdb init', 'launchdb init --project shop'],
    load: () => import('./commands/init.js'),
  },
  {
    name: 'attach',
    summary: 'attach a store to an environment: embedded, provisioned on a server, or a given URL',
    usage:
      'launchdb attach postgres|documents|objects|cache [--env NAME] [--admin-url URL | --url URL] [--rotate] [--print-secrets]',
    description:
      'postgres with no URL: an embedded Postgres under .launchdb/<env>/postgres.\n' +
      'With --admin-url (or DATABASE_ADMIN_URL): provisions database <project>_<env> with owner, app and\n' +
      'read-only roles, and writes their URLs to .launchdb/secrets/<env>.env (mode 0600).\n' +
      'With --url (or DATABASE_URL): verifies the connection and records it; creates no roles.\n' +
      "documents: the collections, their indexes and RLS on the environment's Postgres, or a Firestore\n" +
      "project's files read and parsed.\n" +
      'objects: a folder under .launchdb/<env>/objects, or --url http(s)://KEY:SECRET@host:port/bucket[/prefix].\n' +
      'cache: a private redis-server under .launchdb/<env>/cache, --url redis://… (REDIS_URL), or\n' +
      "--admin-url redis://… to provision an ACL user limited to the environment's key prefix.\n" +
      'Each store is declared under the environment in the config, and marked for it when attached.\n' +
      'Re-running reconciles: creates what is missing, reports what differs, never drops anything.',
    flags: {
      ...ENV_FLAGS,
      ...JSON_FLAG,
      url: {
        type: 'url',
        value: 'URL',
        env: 'DATABASE_URL',
        envAfterConfig: true,
        anyScheme: true,
        description:
          "the store's URL: the app's database URL (a managed database), a redis:// URL, an S3 endpoint",
      },
      'admin-url': {
        ...adminUrlFlag('a URL allowed to provision: create databases and roles, or Redis ACL users'),
        anyScheme: true,
      },
      rotate: { type: 'boolean', description: 'set new passwords for the provisioned roles or users' },
      'print-secrets': { type: 'boolean', description: 'print the connection URLs with their passwords' },
    },
    conflicts: [['url', 'admin-url']],
    maxPositionals: 1,
    examples: [
      'launchdb attach postgres --env development',
      'launchdb attach postgres --env staging --admin-url postgres://admin@db.internal/postgres',
      'launchdb attach postgres --env production --url-file /run/secrets/database-url --confirm production',
      'launchdb attach documents --env development',
      'launchdb attach objects --env staging --url-file /run/secrets/objects-url',
      'launchdb attach cache --env production --admin-url-file /run/secrets/redis-admin-url --confirm production',
    ],
    audit: { action: 'attach' },
    load: () => import('./commands/attach.js'),
  },
  {
    name: 'env list',
    summary: 'list environments and their stores: backing, database, host, reachable, version, size',
    usage: 'launchdb env list [--json]',
    flags: { ...JSON_FLAG, 'connect-timeout': ENV_FLAGS['connect-timeout']! },
    examples: ['launchdb env list', 'launchdb env list --json'],
    load: () => import('./commands/env-list.js'),
  },
  {
    name: 'serve',
    summary: "serve an embedded environment's Postgres over the wire on 127.0.0.1",
    usage: 'launchdb serve [--env NAME] [--port N]',
    description: 'Prints a DATABASE_URL that psql and any Postgres driver can use. Stops on Ctrl-C.',
    flags: {
      ...ENV_FLAGS,
      port: {
        type: 'integer',
        range: LISTEN_PORT,
        value: 'N',
        description: 'port to listen on (default: 5433; 0 picks a free one)',
      },
    },
    examples: [
      'launchdb serve --env development --port 5433',
      'psql postgresql://postgres@127.0.0.1:5433/postgres',
    ],
    load: () => import('./commands/serve.js'),
  },
  {
    name: 'check',
    summary: 'run the readiness checks of an environment and give the verdict',
    usage:
      'launchdb check [--env NAME] [--only AREA] [--strict] [--json | --format text|github|sarif] [--junit FILE] [--markdown FILE] [--no-record]',
    description:
      'Exit 0 when ready, 1 when not, 3 when the database cannot be reached.\n' +
      'Records the report in the verdict history (`launchdb history`) unless --no-record.',
    flags: {
      ...ENV_FLAGS,
      ...JSON_FLAG,
      only: { type: 'string', value: 'AREA', description: 'only checks of these areas (comma-separated)' },
      strict: { type: 'boolean', description: 'warnings make the verdict not ready' },
      junit: { type: 'string', value: 'FILE', description: 'also write the report as JUnit XML' },
      markdown: { type: 'string', value: 'FILE', description: 'also write the report as Markdown' },
      'no-record': { type: 'boolean', description: 'do not record this run in the verdict history' },
      ...CI_FORMAT_FLAG,
    },
    conflicts: [['json', 'format']],
    examples: [
      'launchdb check --env production',
      'launchdb check --env production --json > report.json',
      'launchdb check --env staging --junit reports/launchdb.xml --strict',
      'launchdb check --env production --format sarif > launchdb-check.sarif',
    ],
    load: () => import('./commands/check.js'),
  },
  {
    name: 'history',
    summary: "an environment's verdicts over time, and which checks changed between runs",
    usage: 'launchdb history [--env NAME] [--since AGE|DATE] [--json]',
    description:
      'Every recorded `check` run of the environment, newest first: when, the verdict, the counts, who ran\n' +
      'it, and the checks whose status changed since the run before. Read from the control database.',
    flags: {
      ...ENV_FLAGS,
      ...JSON_FLAG,
      since: {
        type: 'string',
        value: 'AGE|DATE',
        description: 'only runs of the last AGE (30m, 12h, 7d, 2w) or since DATE (2026-01-31)',
      },
    },
    examples: ['launchdb history --env production', 'launchdb history --env production --since 30d --json'],
    load: () => import('./commands/history.js'),
  },
  {
    name: 'scheduler run',
    summary: "run the config's scheduled jobs, each slot exactly once however many schedulers run",
    usage:
      'launchdb scheduler run [--env NAME] [--job NAME] [--confirm NAME[,NAME]] [--control-url URL | --control-url-file FILE]',
    description:
      'Runs until stopped: each job of scheduler.jobs at each slot of its cron, as the launchdb command\n' +
      'it names, in a child process, claimed in the control database so one scheduler runs each slot.\n' +
      'Several may run on several machines with one control.url. The first SIGTERM or Ctrl-C lets running\n' +
      'jobs finish (up to scheduler.grace); a second stops them at once, recorded abandoned.',
    flags: {
      ...ENV_FLAGS,
      env: { type: 'string', value: 'NAME', description: 'only the jobs on this environment (default: all)' },
      job: {
        type: 'string',
        value: 'NAME',
        description:
          'only this job: backup, prune, verify, drill, check, access-expire, audit-checkpoint, smoke',
      },
      confirm: {
        type: 'string',
        value: 'NAME[,NAME]',
        description: 'guarded environments that jobs which change them (prune, smoke) may run on',
      },
      ...CONTROL_URL_FLAG,
    },
    examples: [
      'launchdb scheduler run',
      'launchdb scheduler run --env production --confirm production',
      'launchdb scheduler run --job backup --control-url-file /run/secrets/control-url',
    ],
    load: () => import('./commands/scheduler-run.js'),
  },
  {
    name: 'scheduler status',
    summary: "each scheduled job's last run, whether its last due slot ran, its next slot; the schedulers",
    usage: 'launchdb scheduler status [--env NAME] [--json] [--control-url URL | --control-url-file FILE]',
    description:
      'For each job of scheduler.jobs: its cron and time zone, its last run (slot, result, how long it\n' +
      'took, which scheduler ran it), whether its last due slot ran and succeeded (as the <area>.<job>-ran\n' +
      'checks judge it), its next slot, and the claims running now with their leases and heartbeats; then\n' +
      'the schedulers that registered, live or stale. Exit 0 whatever the jobs did (the checks gate).',
    flags: {
      ...ENV_FLAGS,
      ...JSON_FLAG,
      env: { type: 'string', value: 'NAME', description: 'only the jobs on this environment (default: all)' },
      ...CONTROL_URL_FLAG,
    },
    examples: ['launchdb scheduler status', 'launchdb scheduler status --env production --json'],
    load: () => import('./commands/scheduler-status.js'),
  },
  {
    name: 'migrate new',
    summary: 'create a new, empty migration file',
    usage: 'launchdb migrate new NAME',
    description: 'Creates db/migrations/<UTC yyyymmddhhmmss>_<name>.sql.',
    flags: {},
    maxPositionals: 1,
    examples: ['launchdb migrate new create_users', 'launchdb migrate new add_orders_index'],
    load: () => import('./commands/migrate-new.js'),
  },
  {
    name: 'migrate up',
    summary: 'apply pending migrations in order, each in one transaction with its history row',
    usage:
      'launchdb migrate up [--env NAME] [--to VERSION] [--dry-run] [--allow-out-of-order] [--lock-timeout MS] [--json]',
    description:
      'Holds an advisory lock so concurrent deploys apply each migration once. A failed migration leaves\n' +
      'nothing behind and stops the run (exit 1). Lint errors block guarded environments.',
    flags: {
      ...ENV_FLAGS,
      ...JSON_FLAG,
      to: { type: 'string', value: 'VERSION', description: 'apply up to and including this version' },
      'dry-run': { type: 'boolean', description: 'print the plan and change nothing' },
      'allow-out-of-order': {
        type: 'boolean',
        description: 'apply pending files older than the newest applied one (after a branch merge)',
      },
      'lock-timeout': {
        type: 'integer',
        range: TIMEOUT_OR_ZERO_MS,
        value: 'MS',
        description: "wait this long for another deploy's migration lock (default: 60000)",
      },
    },
    examples: [
      'launchdb migrate up --env development',
      'launchdb migrate up --env production --confirm production',
    ],
    audit: { action: 'migrate up', exceptWith: 'dry-run' },
    load: () => import('./commands/migrate-up.js'),
  },
  {
    name: 'migrate status',
    summary: 'applied, pending, out-of-order, changed and missing migrations',
    usage: 'launchdb migrate status [--env NAME] [--check] [--json]',
    flags: {
      ...ENV_FLAGS,
      ...JSON_FLAG,
      check: { type: 'boolean', description: 'exit 1 when anything is pending or wrong (a CI gate)' },
    },
    examples: [
      'launchdb migrate status --env production',
      'launchdb migrate status --env production --check',
    ],
    load: () => import('./commands/migrate-status.js'),
  },
  {
    name: 'migrate verify',
    summary: 'compare the checksums of applied migrations with their files',
    usage: 'launchdb migrate verify [--env NAME] [--json]',
    description: 'Exit 1 when an applied migration file was edited or deleted.',
    flags: { ...ENV_FLAGS, ...JSON_FLAG },
    examples: ['launchdb migrate verify --env production'],
    load: () => import('./commands/migrate-verify.js'),
  },
  {
    name: 'migrate lint',
    summary: 'safety lint of migration SQL with the real Postgres parser',
    usage: 'launchdb migrate lint [FILES…] [--json | --format text|compact|github|sarif]',
    description: 'Lints the given files, or every migration. Exit 1 when there is an error.',
    flags: {
      ...JSON_FLAG,
      format: {
        type: 'string',
        value: 'FORMAT',
        description: `text (default), compact (file:line:col: rule: message), ${CI_FORMATS}`,
      },
    },
    conflicts: [['json', 'format']],
    maxPositionals: 10_000,
    examples: [
      'launchdb migrate lint',
      'launchdb migrate lint db/migrations/20260101000000_users.sql --format compact',
      'launchdb migrate lint --format github',
    ],
    load: () => import('./commands/migrate-lint.js'),
  },
  {
    name: 'migrate drift',
    summary: 'differences between the live schema and what the migrations produce',
    usage: 'launchdb migrate drift [--env NAME] [--admin-url URL] [--json]',
    description:
      'Replays the migrations the environment applied, in the order it applied them, into a shadow\n' +
      'database (a scratch database on the server when the admin URL allows, else embedded, saying why)\n' +
      'and compares catalog snapshots. Exit 1 when there is drift.',
    flags: {
      ...ENV_FLAGS,
      ...JSON_FLAG,
      'admin-url': adminUrlFlag(
        "a server URL allowed to create databases, for the shadow (default: the environment's admin URL, else embedded)",
      ),
    },
    examples: ['launchdb migrate drift --env production'],
    load: () => import('./commands/migrate-drift.js'),
  },
  {
    name: 'migrate baseline',
    summary: 'adopt an existing database that has no migration history',
    usage: 'launchdb migrate baseline [--env NAME] [--to VERSION] [--json]',
    description: 'Records the migrations up to VERSION (default: all) as applied without running them.',
    flags: {
      ...ENV_FLAGS,
      ...JSON_FLAG,
      to: {
        type: 'string',
        value: 'VERSION',
        description: 'record migrations up to this version (default: all)',
      },
    },
    examples: ['launchdb migrate baseline --env production --confirm production'],
    audit: { action: 'migrate baseline' },
    load: () => import('./commands/migrate-baseline.js'),
  },
  {
    name: 'migrate adopt',
    summary: "record another tool's applied migrations as applied, so nothing runs twice",
    usage:
      'launchdb migrate adopt --from prisma|drizzle|supabase|flyway|dbmate|node-pg-migrate [--env NAME] [--json]',
    description:
      "Reads the tool's history table in the environment's database and records those migrations in\n" +
      "launchdb's history. Set migrations.layout in the config to read the tool's files in place.",
    flags: {
      ...ENV_FLAGS,
      ...JSON_FLAG,
      from: {
        type: 'string',
        value: 'TOOL',
        description: 'prisma, drizzle, supabase, flyway, dbmate or node-pg-migrate',
      },
    },
    examples: ['launchdb migrate adopt --from prisma --env production --confirm production'],
    audit: { action: 'migrate adopt' },
    load: () => import('./commands/migrate-adopt.js'),
  },
  {
    name: 'seed',
    summary: 'apply seed data: reference data everywhere, demo data never in production-like environments',
    usage: 'launchdb seed [--env NAME] [--kind reference|demo] [--status] [--json]',
    description:
      'Applies db/seeds/reference/ then db/seeds/demo/ in name order, each file in a transaction logged in\n' +
      'launchdb.seeds. Demo seeds are refused (exit 2) in production and any guarded environment.\n' +
      '--status lists each file as applied, pending or changed since it was applied (exit 1 when changed).',
    flags: {
      ...ENV_FLAGS,
      ...JSON_FLAG,
      kind: { type: 'string', value: 'KIND', description: 'only this kind: reference or demo' },
      status: { type: 'boolean', description: 'report what is applied, pending or changed; change nothing' },
    },
    examples: [
      'launchdb seed --env development',
      'launchdb seed --env production --kind reference --confirm production',
      'launchdb seed --env production --status',
    ],
    audit: { action: 'seed', exceptWith: 'status' },
    load: () => import('./commands/seed.js'),
  },
  {
    name: 'smoke',
    summary:
      "the article's five steps through the live app, proven in the store: a deploy step and a monitor",
    usage:
      'launchdb smoke [--env NAME] [--app-url URL] [--spec FILE] [--json] [--junit FILE]   (and: launchdb smoke lint)',
    description:
      'Runs launchdb.smoke.ts or .yaml against the app: each step in order (http requests, SQL as the\n' +
      "read-only role, the app's log and launchdb's evidence in the database) until one fails, then the\n" +
      'finally steps, then proves no row with the run id remains. A failed step says what was expected and\n' +
      'what came back, with a curl or psql line to reproduce it; when the record is not in this environment,\n' +
      'the other environments are searched for it. Runs are recorded in launchdb.smoke_runs.\n' +
      'Exit 0 passed, 1 a step failed or rows remain, 2 a bad or refused spec, 3 the app or database unreachable.',
    flags: {
      ...ENV_FLAGS,
      ...JSON_FLAG,
      ...SMOKE_SPEC_FLAG,
      'app-url': {
        type: 'string',
        value: 'URL',
        description: "the app's base URL (default: app.url in the spec)",
      },
      junit: { type: 'string', value: 'FILE', description: 'also write the run as JUnit XML' },
    },
    maxPositionals: 0,
    examples: [
      'launchdb smoke --env production --confirm production --app-url https://shop.example.com',
      'launchdb smoke --env staging --junit reports/smoke.xml',
    ],
    audit: { action: 'smoke' },
    load: () => import('./commands/smoke.js'),
  },
  {
    name: 'smoke lint',
    summary: 'check the smoke spec before it runs: unsafe writes, unknown captures, weak expectations',
    usage: 'launchdb smoke lint [--env NAME] [--spec FILE] [--json]',
    description:
      'Validates launchdb.smoke.ts or .yaml and reports what `launchdb smoke --env NAME` would refuse (errors:\n' +
      'writes to a guarded environment without clean-up, an unknown capture, a sql step that writes) and\n' +
      'what it would run but prove little (warnings). Exit 2 when there is an error, 0 otherwise.',
    flags: { ...ENV_FLAGS, ...JSON_FLAG, ...SMOKE_SPEC_FLAG },
    examples: [
      'launchdb smoke lint --env production',
      'launchdb smoke lint --spec smoke/checkout.yaml --json',
    ],
    load: () => import('./commands/smoke-lint.js'),
  },
  {
    name: 'admin create',
    summary: 'create the initial admin on purpose, with a recorded owner',
    usage:
      'launchdb admin create --email EMAIL --owner "Name <email>" [--name NAME] [--reason TEXT] [--env NAME] [--json]',
    description:
      "Runs the config's admin.create statement and records owner, reason, who ran it and when in\n" +
      'launchdb.admins. A generated password or token is written to a file only you can read, never printed.',
    flags: {
      ...ENV_FLAGS,
      ...JSON_FLAG,
      email: { type: 'string', value: 'EMAIL', description: "the admin's email" },
      name: { type: 'string', value: 'NAME', description: "the admin's display name" },
      owner: { type: 'string', value: 'OWNER', description: 'who owns this admin account: "Name <email>"' },
      reason: { type: 'string', value: 'TEXT', description: 'why it exists' },
    },
    examples: [
      'launchdb admin create --env production --email ops@shop.dev --owner "Ada Lovelace <ada@shop.dev>" --reason "first operator" --confirm production',
    ],
    audit: { action: 'admin create' },
    load: () => import('./commands/admin-create.js'),
  },
  {
    name: 'admin list',
    summary: 'the admins the app has, each with its documented owner or UNDOCUMENTED',
    usage: 'launchdb admin list [--env NAME] [--json]',
    flags: { ...ENV_FLAGS, ...JSON_FLAG },
    examples: ['launchdb admin list --env production'],
    load: () => import('./commands/admin-list.js'),
  },
  {
    name: 'access list',
    summary: 'every role that can log in to the database, what it can do, and whose it is (or UNKNOWN)',
    usage: 'launchdb access list [--env NAME] [--json]',
    description:
      'Read from the catalog: superuser, owned objects, DDL, the tables it can write and read (memberships,\n' +
      'PUBLIC and default privileges resolved), BYPASSRLS, connection limit, VALID UNTIL, live sessions,\n' +
      'and the person or service it belongs to by config `access`. Embedded environments have no logins: exit 2.',
    flags: { ...ENV_FLAGS, ...JSON_FLAG },
    examples: ['launchdb access list --env production', 'launchdb access list --env production --json'],
    load: () => import('./commands/access-list.js'),
  },
  {
    name: 'access grant',
    summary: 'give a person their own login for a while: read, write or admin (unguarded environments)',
    usage:
      'launchdb access grant --env NAME --person ID --level read|write|admin --for DURATION --reason TEXT [--print-secrets] [--json]',
    description:
      'Creates (or updates) the role <database>_p_<person>: a member of the read-only role (read), the app role\n' +
      '(write) or the owner role without inheriting it, so owner rights need SET ROLE (admin); never superuser.\n' +
      'Its URL goes to .launchdb/secrets/access-<env>-<person>.env (0600), or is printed once with --print-secrets.\n' +
      'At most access.maxGrant (default 8h). A guarded environment refuses: use access request.',
    flags: {
      ...ENV_FLAGS,
      ...JSON_FLAG,
      ...ACCESS_ASK_FLAGS,
      'print-secrets': {
        type: 'boolean',
        description: 'print the new URL with its password once, instead of a file',
      },
    },
    examples: [
      'launchdb access grant --env staging --person ada --level read --for 4h --reason "INC-42: refunds"',
    ],
    audit: { action: 'access grant' },
    load: () => import('./commands/access-grant.js'),
  },
  {
    name: 'access request',
    summary: 'ask for personal access to a guarded environment; an approver who is not you approves it',
    usage:
      'launchdb access request --env NAME --person ID --level read|write|admin --for DURATION --reason TEXT [--extend ID] [--json]',
    description:
      'Records a pending request in launchdb.access_requests (the owner URL is enough). It lapses unapproved\n' +
      'after access.requestTtl (default 24h); the access time starts at approval. --extend asks for more\n' +
      'time on access an approved request gave.',
    flags: {
      ...ENV_FLAGS,
      ...JSON_FLAG,
      ...ACCESS_ASK_FLAGS,
      extend: { type: 'string', value: 'ID', description: 'ask for more time on the access request ID gave' },
    },
    examples: [
      'launchdb access request --env production --person ada --level read --for 2h --reason "INC-42: refunds"',
    ],
    audit: { action: 'access request' },
    load: () => import('./commands/access-request.js'),
  },
  {
    name: 'access approve',
    summary: "approve a pending access request: the person's access starts now",
    usage: 'launchdb access approve ID --env NAME [--print-secrets] [--json]',
    description:
      'By one of access.approvers (LAUNCHDB_ACTOR or git user.email matches their email) who neither asked\n' +
      'nor is the person it is for. An unknown, lapsed or already approved request is refused.',
    flags: {
      ...ENV_FLAGS,
      ...JSON_FLAG,
      'print-secrets': {
        type: 'boolean',
        description: 'print the new URL with its password once, instead of a file',
      },
    },
    maxPositionals: 1,
    examples: ['launchdb access approve 7 --env production --confirm production'],
    audit: { action: 'access approve' },
    load: () => import('./commands/access-approve.js'),
  },
  {
    name: 'access requests',
    summary: 'the access requests of an environment: pending, approved and until when',
    usage: 'launchdb access requests [--env NAME] [--all] [--json]',
    flags: {
      ...ENV_FLAGS,
      ...JSON_FLAG,
      all: { type: 'boolean', description: 'also the lapsed, expired and revoked ones' },
    },
    examples: ['launchdb access requests --env production'],
    load: () => import('./commands/access-requests.js'),
  },
  {
    name: 'access expire',
    summary: 'end every personal access whose time is up: NOLOGIN, sessions ended, role dropped',
    usage: 'launchdb access expire [--env NAME] [--json]',
    description:
      'VALID UNTIL only refuses new password logins; this ends the sessions too. Safe to run often (schedule it).\n' +
      'What an ended role owned goes to launchdb_orphans. Exit 1 when something elsewhere keeps a role from\n' +
      'being dropped (each leftover named; the role can no longer log in).',
    flags: { ...ENV_FLAGS, ...JSON_FLAG },
    examples: ['launchdb access expire --env production'],
    audit: { action: 'access expire' },
    load: () => import('./commands/access-expire.js'),
  },
  {
    name: 'access revoke',
    summary:
      "end a person's access now: owned objects to launchdb_orphans, grants and sessions gone, role dropped",
    usage: 'launchdb access revoke --env NAME --person ID [--json]',
    description:
      'Exit 1, naming each leftover from pg_shdepend, when something in another database still depends on the\n' +
      'role: it then can no longer log in, and is otherwise left whole, never half-dropped.',
    flags: {
      ...ENV_FLAGS,
      ...JSON_FLAG,
      person: { type: 'string', value: 'ID', description: 'whose access: an id from access.people' },
    },
    examples: ['launchdb access revoke --env production --person ada --confirm production'],
    audit: { action: 'access revoke' },
    load: () => import('./commands/access-revoke.js'),
  },
  {
    name: 'scan data',
    summary: 'find demo users, test keys, placeholder content and demo-seed values in the data',
    usage: 'launchdb scan data [--env NAME] [--rows-per-table N] [--full] [--strict] [--json]',
    description:
      "Reads the text and JSON columns of the app's tables, sampling large tables. In a production-like\n" +
      'environment, demo-seed values and test keys fail (exit 1) and other findings warn.',
    flags: {
      ...ENV_FLAGS,
      ...JSON_FLAG,
      'rows-per-table': {
        type: 'integer',
        range: ROWS_PER_TABLE,
        value: 'N',
        description: 'rows read per table at most (default: scan.rowsPerTable, else 10000)',
      },
      full: { type: 'boolean', description: 'read every row, no sampling' },
      strict: { type: 'boolean', description: 'warnings also exit 1' },
    },
    examples: ['launchdb scan data --env production', 'launchdb scan data --env production --json'],
    load: () => import('./commands/scan-data.js'),
  },
  {
    name: 'scan code',
    summary: "find pools and clients made per request, and clients not released, in the app's code",
    usage: 'launchdb scan code [DIR…] [--json | --format text|github|sarif]',
    description:
      'Parses the TypeScript/JavaScript under DIRs (default: connections.source, else the project root)\n' +
      'and reports each pool or client made inside a request handler or a function it calls, and each\n' +
      'client checked out with connect() that is not released on every path. Exit 1 when anything is found.',
    flags: { ...JSON_FLAG, ...CI_FORMAT_FLAG },
    conflicts: [['json', 'format']],
    maxPositionals: 10_000,
    examples: [
      'launchdb scan code',
      'launchdb scan code src app --json',
      'launchdb scan code --format sarif > code.sarif',
    ],
    load: () => import('./commands/scan-code.js'),
  },
  {
    name: 'pool plan',
    summary: "size each process kind's pool and the roles' connection limits to fit the server",
    usage: 'launchdb pool plan [--env NAME] [--apply] [--json]',
    description:
      'Reads max_connections and the reserved slots from the server, the process kinds and instances from\n' +
      "connections.processes (default: one web) and connections.pooler, and prints each kind's pool max,\n" +
      'the role connection limits, the headroom kept for checks, migrations, backups and admins, and the\n' +
      'env vars to set. Exit 1 when it cannot fit; it then recommends PgBouncer with its sizes.\n' +
      '--apply sets the role connection limits with the admin URL (DATABASE_ADMIN_URL).',
    flags: {
      ...ENV_FLAGS,
      ...JSON_FLAG,
      apply: { type: 'boolean', description: 'set the planned role connection limits (needs the admin URL)' },
    },
    examples: [
      'launchdb pool plan --env production',
      'launchdb pool plan --env production --apply --confirm production',
    ],
    audit: { action: 'pool plan --apply', onlyWith: 'apply' },
    load: () => import('./commands/pool-plan.js'),
  },
  {
    name: 'pool pgbouncer',
    summary:
      'write pgbouncer.ini and userlist.txt for an environment: transaction pooling, sized by the plan',
    usage: 'launchdb pool pgbouncer [--env NAME] [--out DIR] [--port N] [--json]',
    description:
      'Writes both files with mode 0600 to .launchdb/pgbouncer/<env>/ (or --out DIR): PgBouncer on\n' +
      "127.0.0.1 in transaction mode, sized by `pool plan`, in front of the environment's server, with\n" +
      "the app role's SCRAM verifier (or, when no admin URL may read it, its password). Prints how to\n" +
      'start it and the DATABASE_URL the app should use. Exit 1 when even PgBouncer cannot fit.',
    flags: {
      ...ENV_FLAGS,
      ...JSON_FLAG,
      out: {
        type: 'string',
        value: 'DIR',
        description: 'write the files there (default: .launchdb/pgbouncer/<env>/)',
      },
      port: {
        type: 'integer',
        range: FIXED_PORT,
        value: 'N',
        description: 'the port PgBouncer listens on (default: 6432)',
      },
    },
    examples: [
      'launchdb pool pgbouncer --env production',
      'launchdb pool pgbouncer --env staging --out deploy/pgbouncer --port 6432',
    ],
    load: () => import('./commands/pool-pgbouncer.js'),
  },
  {
    name: 'connections terminate',
    summary: "end one session of an environment's database (Heroku's pg:kill)",
    usage: 'launchdb connections terminate PID --env NAME [--confirm NAME] [--json]',
    description:
      'Ends the session PID with pg_terminate_backend, waiting up to 5 s for it to go; its open transaction\n' +
      "rolls back. Only a client session of the environment's own database: a pid of another database, a\n" +
      "server process, this command's own session or an embedded environment is refused (exit 2). Signals\n" +
      'as the admin (DATABASE_ADMIN_URL) when the environment has one, else as its owner, which may end only\n' +
      'sessions of roles whose privileges it has, unless granted pg_signal_backend (exit 3 saying so). The\n' +
      "console's Connections tab lists the sessions worth ending with this command.",
    flags: { ...ENV_FLAGS, ...JSON_FLAG },
    maxPositionals: 1,
    examples: [
      'launchdb connections terminate 4242 --env staging',
      'launchdb connections terminate 4242 --env production --confirm production --json',
    ],
    audit: { action: 'connections terminate' },
    load: () => import('./commands/connections-terminate.js'),
  },
  {
    name: 'backup create',
    summary: "a consistent, checksummed, encrypted backup of an environment's database, no pg_dump needed",
    usage: 'launchdb backup create [--env NAME] [--target DIR] [--workers N] [--json]',
    description:
      'Reads the schema (the catalog snapshot drift uses) and every table from one snapshot, by COPY,\n' +
      'in parallel on a server, gzip-compressed and encrypted with AES-256-GCM: under a random key\n' +
      'stored only encrypted to backups.recipients (age public keys), or under LAUNCHDB_BACKUP_KEY\n' +
      '(or backups.key). A manifest with row counts and SHA-256 of each table sits beside the\n' +
      'data, sealed. Written under a temporary name and made final last: an unfinished backup is never listed.',
    flags: {
      ...ENV_FLAGS,
      ...JSON_FLAG,
      ...TARGET_FLAG,
      workers: {
        type: 'integer',
        range: WORKERS,
        value: 'N',
        description: 'tables copied at once on a server (default: backups.workers, else 2)',
      },
    },
    examples: ['launchdb backup create --env production', 'launchdb backup create --env staging --json'],
    load: () => import('./commands/backup-create.js'),
  },
  {
    name: 'backup list',
    summary: "an environment's complete backups: time, size, duration, tables, rows, encrypted, verified",
    usage: 'launchdb backup list [--env NAME] [--target DIR] [--json]',
    flags: { ...ENV_FLAGS, ...JSON_FLAG, ...TARGET_FLAG },
    examples: ['launchdb backup list --env production'],
    load: () => import('./commands/backup-list.js'),
  },
  {
    name: 'backup verify',
    summary: 'decrypt a backup and check every checksum without restoring it',
    usage: 'launchdb backup verify ID | --newest [--env NAME] [--target DIR] [--json]',
    description:
      "Checks the manifest's seal, then each file's stored bytes, then its content once decrypted and\n" +
      'decompressed. Exit 1 naming the first table or file that does not match. With --newest, verifies\n' +
      "the newest complete backup of --env (what the scheduler's verify job runs); exit 1 when it has none.",
    flags: {
      env: {
        type: 'string',
        value: 'NAME',
        description:
          "with an ID, the backup's environment (default: the one the id names; must be that one); with --newest, the environment (default $LAUNCHDB_ENV, else development)",
      },
      confirm: ENV_FLAGS.confirm!,
      ...JSON_FLAG,
      ...TARGET_FLAG,
      newest: { type: 'boolean', description: 'verify the newest complete backup of --env instead of an ID' },
    },
    maxPositionals: 1,
    examples: [
      'launchdb backup verify production-20261126-030000-a1b2',
      'launchdb backup verify production-20261126-030000-a1b2 --env production --target /mnt/backups',
      'launchdb backup verify --newest --env production',
    ],
    load: () => import('./commands/backup-verify.js'),
  },
  {
    name: 'backup restore',
    summary: 'restore a backup into an environment or a database, all or nothing',
    usage: 'launchdb backup restore ID --to ENV|URL [--env NAME] [--clean] [--confirm NAME] [--json]',
    description:
      'With an admin URL (or an owner allowed to create databases) the backup loads into a fresh\n' +
      'database beside the target, on two connections, which one transaction then renames into its place;\n' +
      'otherwise it restores in one transaction. Either way a failure, or a killed process, leaves the\n' +
      'target as it was. A target that is not empty is refused unless --clean. A guarded environment\n' +
      '(production) asks for its name to be typed, or takes --confirm NAME. A URL that reaches an\n' +
      "environment's database is that environment; any other database (postgres, template0/1, one\n" +
      'launchdb did not create) needs --confirm DATABASE, and the URL must name it. --env names the\n' +
      "backup's environment, not the target: the id names it already, and --to is where it goes.",
    flags: {
      ...BACKUP_ENV_FLAG,
      ...JSON_FLAG,
      ...TARGET_FLAG,
      to: {
        type: 'url',
        value: 'ENV|URL',
        env: 'LAUNCHDB_RESTORE_TO',
        orName: true,
        description: 'the environment or postgres:// URL to restore into',
      },
      clean: { type: 'boolean', description: 'replace what the target holds' },
      'admin-url': adminUrlFlag(
        "a server URL allowed to create databases: load a fresh one and switch it in (default: the environment's admin URL)",
      ),
      confirm: ENV_FLAGS.confirm!,
    },
    maxPositionals: 1,
    examples: [
      'launchdb backup restore production-20261126-030000-a1b2 --to staging --clean',
      'launchdb backup restore production-20261126-030000-a1b2 --to postgresql://postgres@127.0.0.1/scratch --confirm scratch',
    ],
    audit: { action: 'backup restore', target: 'restore-destination' },
    load: () => import('./commands/backup-restore.js'),
  },
  {
    name: 'backup drill',
    summary: 'prove a backup restores: into a scratch database, compared, timed (RTO, RPO) and recorded',
    usage: 'launchdb backup drill [--env NAME] [--backup ID | --fresh] [--scratch-url URL] [--json]',
    description:
      'Restores the newest backup (or --backup ID, or a new one with --fresh) into a scratch database:\n' +
      'embedded by default, or on a server given by --scratch-url or the admin URL. Compares every\n' +
      "table's rows and checksum and the whole catalog with the backup, runs the schema checks on the\n" +
      'copy, measures the time to restore and the age of the data, records it all in launchdb.drills,\n' +
      'and drops the scratch database. Exit 1 when anything did not match.',
    flags: {
      ...ENV_FLAGS,
      ...JSON_FLAG,
      ...TARGET_FLAG,
      backup: { type: 'string', value: 'ID', description: 'drill this backup (default: the newest)' },
      fresh: { type: 'boolean', description: 'take a new backup and drill it' },
      'scratch-url': {
        type: 'url',
        value: 'URL',
        env: 'LAUNCHDB_SCRATCH_URL',
        description:
          'a server URL allowed to create databases, for the scratch copy (default: the admin URL, else embedded)',
      },
    },
    conflicts: [['backup', 'fresh']],
    examples: [
      'launchdb backup drill --env production',
      'launchdb backup drill --env production --fresh --json',
    ],
    audit: { action: 'backup drill' },
    load: () => import('./commands/backup-drill.js'),
  },
  {
    name: 'backup export',
    summary: 'export critical tables to plain CSV or JSON Lines files, with a SHA256SUMS file',
    usage: 'launchdb backup export [--env NAME] --tables a,b [--format csv|jsonl] [--out DIR] [--json]',
    description:
      'Reads the tables from one snapshot and writes one file each (CSV with a header, or one JSON object\n' +
      'per line) and SHA256SUMS beside them, to --out DIR (default .launchdb/exports/<env>-<time>/).',
    flags: {
      ...ENV_FLAGS,
      ...JSON_FLAG,
      tables: {
        type: 'string',
        value: 'A,B',
        description: 'the tables, as name or schema.name, comma-separated',
      },
      format: { type: 'string', value: 'csv|jsonl', description: 'file format (default: csv)' },
      out: {
        type: 'string',
        value: 'DIR',
        description: 'the folder to write (default: .launchdb/exports/<env>-<time>/)',
      },
    },
    examples: [
      'launchdb backup export --env production --tables users,orders',
      'launchdb backup export --env production --tables public.accounts --format jsonl --out exports/',
    ],
    load: () => import('./commands/backup-export.js'),
  },
  {
    name: 'backup prune',
    summary: 'show what the retention policy would delete; delete it with --yes',
    usage: 'launchdb backup prune [--env NAME] [--target DIR] [--yes] [--json]',
    description:
      'Applies backups.retention ({ daily, weekly, monthly } or { days }) to the complete backups. Never\n' +
      'deletes the newest backup, nor one a drill is restoring from. Without --yes, deletes nothing; in a\n' +
      'guarded environment --yes also asks for its name to be typed, or --confirm NAME.',
    flags: {
      ...ENV_FLAGS,
      ...JSON_FLAG,
      ...TARGET_FLAG,
      yes: { type: 'boolean', description: 'delete what the policy does not keep' },
    },
    examples: [
      'launchdb backup prune --env production',
      'launchdb backup prune --env production --yes --confirm production',
    ],
    load: () => import('./commands/backup-prune.js'),
  },
  {
    name: 'backup keygen',
    summary: 'a new age identity for backups.identity, written to a file, and its recipient printed',
    usage: 'launchdb backup keygen --out FILE [--json]',
    description:
      'Writes a new X25519 age identity to FILE (mode 0600, never over an existing file), in the format\n' +
      'age-keygen writes, and prints its public key for backups.recipients. Keep the file off the machine\n' +
      'that takes backups; set LAUNCHDB_BACKUP_IDENTITY="$(cat FILE)" where backups are verified or restored.',
    flags: {
      ...JSON_FLAG,
      out: { type: 'string', value: 'FILE', description: 'where to write the identity' },
    },
    examples: ['launchdb backup keygen --out ~/.config/launchdb/shop-backups.key'],
    load: () => import('./commands/backup-keygen.js'),
  },
  {
    name: 'audit list',
    summary: "an environment's audit trail: who changed it, with what, how it ended, when",
    usage: 'launchdb audit list [--env NAME] [--since AGE|DATE] [--actor TEXT] [--action TEXT] [--json]',
    description:
      'Every launchdb action that changed the environment (attach, migrate, seed, admin create, restore,\n' +
      'drill, pool plan --apply), ok, failed or refused, as recorded in launchdb.audit in its database.',
    flags: {
      ...ENV_FLAGS,
      ...JSON_FLAG,
      since: {
        type: 'string',
        value: 'AGE|DATE',
        description: 'only events of the last AGE (30m, 12h, 7d, 2w) or since DATE (2026-01-31)',
      },
      actor: { type: 'string', value: 'TEXT', description: 'only events whose actor contains TEXT' },
      action: {
        type: 'string',
        value: 'TEXT',
        description: 'only this action, or group: migrate, "migrate up"',
      },
    },
    examples: [
      'launchdb audit list --env production --since 7d',
      'launchdb audit list --env production --actor ada --action migrate --json',
    ],
    load: () => import('./commands/audit-list.js'),
  },
  {
    name: 'audit verify',
    summary:
      'prove the audit trail intact: its hash chain, and every head witnessed locally, in backups and in the control database',
    usage: 'launchdb audit verify [--env NAME] [--target DIR] [--json]',
    description:
      'Checks that each event hashes to its stored hash and names the one before it, that no sequence\n' +
      'number is missing, and that the trail still holds every signed head .launchdb/audit-heads, the\n' +
      "environment's backup manifests and the control database (audit checkpoint) witnessed. Exit 1 naming\n" +
      'the first bad event; exit 3 when the control database cannot be reached.',
    flags: { ...ENV_FLAGS, ...JSON_FLAG, ...TARGET_FLAG },
    examples: ['launchdb audit verify --env production', 'launchdb audit verify --env production --json'],
    load: () => import('./commands/audit-verify.js'),
  },
  {
    name: 'audit checkpoint',
    summary: 'verify the audit trail and witness its signed head in the control database',
    usage: 'launchdb audit checkpoint [--env NAME] [--target DIR] [--json]',
    description:
      'Verifies the trail as audit verify does and, when it is intact, records its newest signed head in\n' +
      "the control database (launchdb_control.audit_heads): a witness outside the environment's server and,\n" +
      'with control.url, outside this machine, which audit verify then checks. Exit 1 naming the first bad\n' +
      'event, nothing witnessed, when the trail is not intact. Schedule it (job audit-checkpoint).',
    flags: { ...ENV_FLAGS, ...JSON_FLAG, ...TARGET_FLAG },
    examples: [
      'launchdb audit checkpoint --env production',
      'launchdb audit checkpoint --env production --json',
    ],
    load: () => import('./commands/audit-checkpoint.js'),
  },
  {
    name: 'console',
    summary: "the project's console: every environment's verdict in one place, behind a sign-in",
    usage:
      'launchdb console [--port N] [--host HOST] [--tls-cert FILE --tls-key FILE | --behind-proxy] [--control-url URL]',
    description:
      'Serves the console on 127.0.0.1 until Ctrl-C: each environment by area (readiness, migrations,\n' +
      "data, connections, backups, access, smoke), and actions that run the CLI's own commands as the\n" +
      'signed-in account. Accounts live in the control database (add the first owner with\n' +
      '`launchdb console user add NAME --owner`); a team shares them, and sessions, through control.url.\n' +
      'An embedded control database is served on a loopback port while the console runs, so the commands\n' +
      'it starts reach it. Beyond loopback it needs TLS, or --behind-proxy when a proxy terminates TLS.',
    flags: {
      port: {
        type: 'integer',
        range: LISTEN_PORT,
        value: 'N',
        description: 'port to listen on (default: 4800; 0 picks a free one)',
      },
      host: { type: 'string', value: 'HOST', description: 'address to listen on (default: 127.0.0.1)' },
      'tls-cert': { type: 'string', value: 'FILE', description: 'PEM certificate: serve HTTPS' },
      'tls-key': { type: 'string', value: 'FILE', description: "the certificate's PEM private key" },
      'behind-proxy': {
        type: 'boolean',
        description: 'a proxy in front terminates TLS and sets X-Forwarded-For: allows a non-loopback --host',
      },
      ...CONSOLE_CONTROL_FLAGS,
    },
    conflicts: [
      ['tls-cert', 'behind-proxy'],
      ['tls-key', 'behind-proxy'],
    ],
    examples: [
      'launchdb console',
      'launchdb console --host 0.0.0.0 --tls-cert console.crt --tls-key console.key',
    ],
    load: () => import('./commands/console.js'),
  },
  {
    name: 'console user add',
    summary: 'add a console account (the first owner comes from here: there is no default password)',
    usage: 'launchdb console user add NAME [--role viewer|operator|owner | --owner] [--password-stdin]',
    description:
      'Asks for the password twice on the terminal (at least 12 characters), or reads it from stdin with\n' +
      '--password-stdin. Stored as an argon2id hash in the control database.',
    flags: { ...CONSOLE_ROLE_FLAGS, ...PASSWORD_STDIN_FLAG, ...CONSOLE_CONTROL_FLAGS },
    conflicts: [['role', 'owner']],
    maxPositionals: 1,
    examples: [
      'launchdb console user add ada@example.com --owner',
      'printf %s "$PASSWORD" | launchdb console user add ci@example.com --role operator --password-stdin',
    ],
    load: () => import('./commands/console-user-add.js'),
  },
  {
    name: 'console user list',
    summary: 'list the console accounts and their roles',
    usage: 'launchdb console user list [--json]',
    flags: { ...JSON_FLAG, ...CONSOLE_CONTROL_FLAGS },
    maxPositionals: 0,
    examples: ['launchdb console user list'],
    load: () => import('./commands/console-user-list.js'),
  },
  {
    name: 'console user password',
    summary: "change a console account's password (its sessions end)",
    usage: 'launchdb console user password NAME [--password-stdin]',
    flags: { ...PASSWORD_STDIN_FLAG, ...CONSOLE_CONTROL_FLAGS },
    maxPositionals: 1,
    examples: ['launchdb console user password ada@example.com'],
    load: () => import('./commands/console-user-password.js'),
  },
  {
    name: 'console user role',
    summary: "change a console account's role (its sessions end)",
    usage: 'launchdb console user role NAME --role viewer|operator|owner',
    flags: { ...CONSOLE_ROLE_FLAGS, ...CONSOLE_CONTROL_FLAGS },
    conflicts: [['role', 'owner']],
    maxPositionals: 1,
    examples: ['launchdb console user role grace@example.com --role operator'],
    load: () => import('./commands/console-user-role.js'),
  },
  {
    name: 'console user remove',
    summary: 'remove a console account and end its sessions',
    usage: 'launchdb console user remove NAME',
    flags: { ...CONSOLE_CONTROL_FLAGS },
    maxPositionals: 1,
    examples: ['launchdb console user remove grace@example.com'],
    load: () => import('./commands/console-user-remove.js'),
  },
];
