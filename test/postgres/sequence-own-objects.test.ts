// schema.sequence-near-overflow judges the app's sequences, never launchdb's own (launchdb.canary's
// identity): on a provisioned server the app role may not read those, and they are not the app's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { adminQuery, SERVER_URL, serverAvailable } from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';

interface CheckEntry {
  id: string;
  status: string;
  summary: string;
  details?: { sequences: { sequence: string }[]; unreadable?: string[] };
}

describe.runIf(serverAvailable)('schema.sequence-near-overflow on a provisioned server', () => {
  let project: TempProject;
  let database: string;
  const cli = (argv: string[]) => runCli(argv, { cwd: project.dir });

  beforeAll(async () => {
    project = tempProject(`{
      project: '{project}',
      environments: { staging: { postgres: { adminUrl: '${SERVER_URL}' } } },
    }`);
    database = `${project.name}_staging`;
    project.write(
      'db/migrations/20260101000000_orders.sql',
      'create table orders (id bigint generated always as identity primary key);\n',
    );
    for (const argv of [
      ['attach', 'postgres', '--env', 'staging'],
      ['migrate', 'up', '--env', 'staging'],
    ]) {
      const result = await cli(argv);
      expect(result.code, `${argv.join(' ')}: ${result.stderr}`).toBe(0);
    }
  });

  afterAll(async () => {
    if (database) {
      await adminQuery(`drop database if exists ${database} with (force)`).catch(() => {});
      for (const kind of ['owner', 'app', 'readonly']) {
        await adminQuery(`drop role if exists ${database}_${kind}`).catch(() => {});
      }
    }
    project?.remove();
  });

  it("leaves launchdb's own sequences out, though the app role cannot read them", async () => {
    // The premise: the app role reads the app's sequence, not launchdb's canary identity.
    const { rows } = await adminQuery(
      `select has_sequence_privilege('${database}_app', 'launchdb.canary_id_seq', 'SELECT,USAGE') as canary,
              has_sequence_privilege('${database}_app', 'public.orders_id_seq', 'SELECT,USAGE') as orders`,
      [],
      database,
    );
    expect(rows[0]).toEqual({ canary: false, orders: true });

    const result = await cli(['check', '--env', 'staging', '--only', 'schema', '--json']);
    const report = JSON.parse(result.stdout) as { checks: CheckEntry[] };
    const check = report.checks.find((entry) => entry.id === 'schema.sequence-near-overflow')!;
    expect(check.status, check.summary).toBe('pass');
    expect(check.summary).toBe(
      '1 sequence below 85% of its limit; the fullest, public.orders_id_seq, at 0.0%',
    );
    expect(check.summary).not.toContain('launchdb.');
    expect(check.details?.unreadable).toBeUndefined();
    expect(check.details?.sequences.map((entry) => entry.sequence)).toEqual(['public.orders_id_seq']);
  });
});
