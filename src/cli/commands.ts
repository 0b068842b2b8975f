// Every command launchdb has, described without importing any of them.
import { type CommandSpec, ENV_FLAGS, JSON_FLAG } from './spec.js';

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
    usage: 'launchdb attach postgres [--env NAME] [--admin-url URL | --url URL] [--rotate] [--print-secrets]',
    description:
      'With no URL: an embedded Postgres under .launchdb/<env>/postgres.\n' +
      'With --admin-url (or DATABASE_ADMIN_URL): provisions database <project>_<env> with owner, app and\n' +
      'read-only roles, and writes their URLs to .launchdb/secrets/<env>.env (mode 0600).\n' +
      'With --url (or DATABASE_URL): verifies the connection and records it; creates no roles.\n' +
      'Re-running reconciles: creates what is missing, reports what differs, never drops anything.',
    flags: {
      ...ENV_FLAGS,
      ...JSON_FLAG,
      url: { type: 'string', value: 'URL', description: "the app's database URL (a managed database)" },
      'admin-url': {
        type: 'string',
        value: 'URL',
        description: 'a URL allowed to create databases and roles',
      },
      rotate: { type: 'boolean', description: 'set new passwords for the provisioned roles' },
      'print-secrets': { type: 'boolean', description: 'print the connection URLs with their passwords' },
    },
    maxPositionals: 1,
    examples: [
      'launchdb attach postgres --env development',
      'launchdb attach postgres --env staging --admin-url postgres://admin@db.internal/postgres',
      'launchdb attach postgres --env production --url "$DATABASE_URL" --confirm production',
    ],
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
        type: 'string',
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
    usage: 'launchdb check [--env NAME] [--only AREA] [--strict] [--json] [--junit FILE] [--markdown FILE]',
    description: 'Exit 0 when ready, 1 when not, 3 when the database cannot be reached.',
    flags: {
      ...ENV_FLAGS,
      ...JSON_FLAG,
      only: { type: 'string', value: 'AREA', description: 'only checks of these areas (comma-separated)' },
      strict: { type: 'boolean', description: 'warnings make the verdict not ready' },
      junit: { type: 'string', value: 'FILE', description: 'also write the report as JUnit XML' },
      markdown: { type: 'string', value: 'FILE', description: 'also write the report as Markdown' },
    },
    examples: [
      'launchdb check --env production',
      'launchdb check --env production --json > report.json',
      'launchdb check --env staging --junit reports/launchdb.xml --strict',
    ],
    load: () => import('./commands/check.js'),
  },
];

export function commandNames(): string[] {
  return COMMANDS.map((command) => command.name);
}
