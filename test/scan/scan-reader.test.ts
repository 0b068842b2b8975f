// Who the demo-data scan reads as on a provisioned server: the owner of the app's tables, so a table
// the app may not read is still scanned, and one nobody launchdb holds may read is never a pass.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckOutcome } from '../../src/core/checks/check.js';
import { Project } from '../../src/core/project.js';
import { demoData } from '../../src/stores/postgres/checks/demo-data.js';
import type { ScanResult } from '../../src/stores/postgres/scan/scan-data.js';
import { PostgresSession } from '../../src/stores/postgres/session.js';
import { resolvePostgresTarget } from '../../src/stores/postgres/target.js';
import { runCli } from '../helpers/cli.js';
import { adminQuery, SERVER_URL, serverAvailable } from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';

const DEMO_CONTACT = 'olivia@brightside-bakery.io';

describe.skipIf(!serverAvailable)('the demo-data scan on a provisioned production', () => {
  let project: TempProject;
  let database: string;
  const cli = (args: string[]) =>
    runCli([...args, '--env', 'production', '--confirm', 'production'], { cwd: project.dir });
  const superuser = (sql: string) => adminQuery(sql, [], database);
  const check = async (): Promise<CheckOutcome> => {
    const loaded = await Project.load(project.dir);
    const env = loaded.environment('production');
    const postgres = new PostgresSession(env, resolvePostgresTarget(env)!, {
      connectTimeoutMs: 5_000,
      command: 'test',
    });
    try {
      return await demoData.run({ project: loaded, env, postgres, now: new Date() });
    } finally {
      await postgres.close();
    }
  };
  const scan = async () => {
    const result = await cli(['scan', 'data', '--json']);
    return { code: result.code, document: JSON.parse(result.stdout) as ScanResult & { readAs: string } };
  };

  beforeAll(async () => {
    project = tempProject(`{ project: '{project}', environments: { production: { postgres: {} } } }`);
    database = `${project.name}_production`;
    const attached = await cli(['attach', 'postgres', '--admin-url', SERVER_URL]);
    if (attached.code !== 0) throw new Error(`attach failed: ${attached.stderr}`);
    // A migration adds a schema and grants the app nothing on it.
    project.write(
      'db/migrations/20260301000000_billing.sql',
      'create schema billing;\ncreate table billing.invoices (id int primary key, contact text not null);\n',
    );
    const up = await cli(['migrate', 'up']);
    if (up.code !== 0) throw new Error(`migrate up failed: ${up.stderr}`);
    project.write(
      'db/seeds/demo/010_invoices.sql',
      `insert into billing.invoices (id, contact) values (1, '${DEMO_CONTACT}');\n`,
    );
  });
  afterAll(async () => {
    project?.remove();
    await adminQuery(`drop database if exists ${database} with (force)`);
    for (const role of ['app', 'readonly', 'owner'])
      await adminQuery(`drop role if exists ${database}_${role}`);
  });

  it('finds a demo-seed row in a table the app may not read', async () => {
    await superuser(`insert into billing.invoices values (1, '${DEMO_CONTACT}')`);
    try {
      const outcome = await check();
      expect(outcome.status, outcome.summary).toBe('fail');
      expect(outcome.summary).toContain('billing.invoices.contact: demo-seed.fingerprint (1)');
      const { code, document } = await scan();
      expect(code).toBe(1);
      expect(document.readAs).toBe(`${database}_owner`);
      expect(document.findings.map((finding) => `${finding.table}.${finding.column}`)).toEqual([
        'billing.invoices.contact',
      ]);
    } finally {
      await superuser('delete from billing.invoices');
    }
  });

  it('lists a table, or columns, it still cannot read as not scanned, and does not pass', async () => {
    // Made by hand as the superuser: the owner launchdb reads as holds no right on it.
    await superuser(`create table public.legacy_notes (id int primary key, note text, author text);
      insert into legacy_notes values (1, 'Lorem ipsum', 'Test User');`);
    try {
      const outcome = await check();
      expect(outcome.status, outcome.summary).toBe('warn');
      expect(outcome.summary).toContain('1 table(s) not fully scanned: legacy_notes');
      expect(outcome.fix).toContain(`grant select on public.legacy_notes to ${database}_owner`);

      const { code, document } = await scan();
      expect(code).toBe(0);
      expect(document.verdict).toBe('warn');
      expect(document.unread).toEqual([
        {
          table: 'legacy_notes',
          error: `${database}_owner may not read it (no SELECT privilege)`,
          grant: `grant select on public.legacy_notes to ${database}_owner;`,
        },
      ]);
      const human = await cli(['scan', 'data']);
      expect(human.stdout).not.toContain('no demo data found');
      expect(human.stdout).toContain('1 table(s) not fully scanned');

      // One column readable: that column is scanned, the other is listed.
      await superuser(`grant select (note) on legacy_notes to ${database}_owner`);
      const partial = await scan();
      expect(partial.document.findings.map((finding) => `${finding.table}.${finding.column}`)).toEqual([
        'legacy_notes.note',
      ]);
      expect(partial.document.unread).toEqual([
        {
          table: 'legacy_notes',
          error: `${database}_owner may not read column author (no SELECT privilege)`,
          grant: `grant select (author) on public.legacy_notes to ${database}_owner;`,
        },
      ]);
    } finally {
      await superuser('drop table public.legacy_notes');
    }
    expect((await check()).status).toBe('pass');
  });
});
