// `launchdb audit list`: the trail as a table or JSON, filtered by age or date, actor and action; a
// --since that is neither a duration nor a date is bad input, refused before anything is opened.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/stores/postgres/audit/audit-event.js';
import { type CliResult, runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

describe('audit list', () => {
  let project: TempProject;
  const cli = (argv: string[]): Promise<CliResult> => runCli(argv, { cwd: project.dir });

  async function listed(...filters: string[]): Promise<[number, string][]> {
    const result = await cli(['audit', 'list', '--env', 'development', '--json', ...filters]);
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout).events.map((event: AuditEvent) => [event.seq, event.action]);
  }

  async function as(actor: string, argv: string[]): Promise<void> {
    process.env.LAUNCHDB_ACTOR = actor;
    try {
      const result = await cli(argv);
      expect(result.code, result.stderr).toBe(0);
    } finally {
      delete process.env.LAUNCHDB_ACTOR;
    }
  }

  beforeAll(async () => {
    project = tempProject();
    project.write(
      'db/migrations/20240301120000_create_orders.sql',
      'create table orders (id bigint primary key);\n',
    );
    await as('ada@shop.dev', ['attach', 'postgres', '--env', 'development']);
    await as('deploy-bot', ['migrate', 'baseline', '--env', 'development']);
    await as('ada@shop.dev', ['migrate', 'up', '--env', 'development']);
    await as('deploy-bot', ['seed', '--env', 'development']);
  }, 60_000);

  afterAll(() => project?.remove());

  it('lists every event, oldest first, as a table', async () => {
    const result = await cli(['audit', 'list', '--env', 'development']);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^audit trail of \S+, environment development \(\.launchdb\/development\/postgres\): 4 events$/,
    );
    expect(lines[2]).toMatch(/^SEQ +WHEN \(UTC\) +ACTOR +ACTION +RESULT +PARAMETERS$/);
    expect(lines[3]).toMatch(
      /^ {2}1 +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +ada@shop\.dev +attach +ok +postgres --env development$/,
    );
    expect(lines[4]).toMatch(/ deploy-bot +migrate baseline +ok +--env development$/);
  }, 60_000);

  it('filters by actor (any of its identities, any case), action or group, and age or date', async () => {
    expect(await listed('--actor', 'ADA')).toEqual([
      [1, 'attach'],
      [3, 'migrate up'],
    ]);
    expect(await listed('--action', 'migrate')).toEqual([
      [2, 'migrate baseline'],
      [3, 'migrate up'],
    ]);
    expect(await listed('--action', 'migrate up', '--actor', 'ada')).toEqual([[3, 'migrate up']]);
    expect(await listed('--action', 'mig')).toEqual([]);
    expect(await listed('--since', '1h')).toHaveLength(4);
    expect(await listed('--since', '2000-01-01')).toHaveLength(4);
    expect(await listed('--since', '2999-01-01T00:00:00Z')).toEqual([]);
  }, 60_000);

  it('refuses a --since that is not an age or a date: one line, exit 2', async () => {
    for (const since of ['7 d', '7days', '0d', '-7d', '1.5h', '7y', '2026-13-45', '2026-01-01 09:00']) {
      const result = await cli(['audit', 'list', '--env', 'development', '--since', since]);
      expect(result.code, since).toBe(2);
      expect(result.stderr, since).toMatch(
        new RegExp(`^error: --since ${since.replace('.', '\\.')} is not a (duration|date)\n  fix: `),
      );
      expect(result.stdout).toBe('');
    }
  }, 60_000);
});
