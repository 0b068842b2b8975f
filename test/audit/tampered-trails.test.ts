// `audit verify` finds each way a trail can be tampered with by someone who can write to the
// database (here its superuser, who drops the append-only triggers first): an edited event, an
// edited and re-hashed one, a deleted one, a truncated tail, a wholesale rewrite re-hashed and
// re-signed from the start, and a forged event appended at the end. Each names the first bad event.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAuditEvent, eventHash } from '../../src/stores/postgres/audit/append-event.js';
import type { AuditEvent } from '../../src/stores/postgres/audit/audit-event.js';
import { auditSigner } from '../../src/stores/postgres/audit/audit-key.js';
import { openServer } from '../../src/stores/postgres/server.js';
import { type CliResult, runCli } from '../helpers/cli.js';
import { adminQuery, SERVER_URL, serverAvailable, serverUrlFor } from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';

interface Row {
  seq: string;
  event: string;
  hash: string;
  key: string;
  signature: string;
}

/** The event triggers attach installs to capture DDL made outside launchdb. */
const CAPTURE_TRIGGERS = ['launchdb_capture_ddl', 'launchdb_capture_drop'];

describe.runIf(serverAvailable)('a tampered trail fails audit verify at its first bad event', () => {
  let project: TempProject;
  let database: string;
  let original: Row[];
  const cli = (argv: string[]): Promise<CliResult> => runCli(argv, { cwd: project.dir });

  /**
   * Runs `fn` as the server's superuser in the environment's database, the triggers out of the way:
   * the table's, and the DDL capture's, which would otherwise put the tampering itself in the trail.
   */
  async function tamper(fn: (client: pg.Client) => Promise<unknown>): Promise<void> {
    const client = new pg.Client({ connectionString: serverUrlFor(database) });
    await client.connect();
    try {
      await client.query('begin');
      await client.query(CAPTURE_TRIGGERS.map((name) => `alter event trigger ${name} disable`).join(';'));
      await client.query('alter table launchdb.audit disable trigger user');
      await fn(client);
      await client.query('alter table launchdb.audit enable trigger user');
      await client.query(CAPTURE_TRIGGERS.map((name) => `alter event trigger ${name} enable`).join(';'));
      await client.query('commit');
    } finally {
      await client.end();
    }
  }

  async function verify(): Promise<{
    code: number;
    firstBad: number | null;
    stdout: string;
    problems: string[];
  }> {
    const json = await cli(['audit', 'verify', '--env', 'production', '--json']);
    const text = await cli(['audit', 'verify', '--env', 'production']);
    expect(text.code).toBe(json.code);
    const verdict = JSON.parse(json.stdout);
    return {
      code: json.code,
      firstBad: verdict.firstBad,
      stdout: text.stdout,
      problems: verdict.problems.map((problem: { problem: string }) => problem.problem),
    };
  }

  beforeAll(async () => {
    project = tempProject(`{
      project: '{project}',
      environments: { production: { postgres: { adminUrl: '${SERVER_URL}' } } },
    }`);
    database = `${project.name}_production`;
    project.write(
      'db/migrations/20240301120000_create_orders.sql',
      'create table orders (id bigint primary key);\n',
    );
    project.write('db/seeds/reference/orders.sql', 'insert into orders values (1) on conflict do nothing;\n');
    const confirm = ['--env', 'production', '--confirm', 'production'];
    for (const argv of [['attach', 'postgres'], ['migrate', 'up'], ['seed'], ['seed'], ['seed']]) {
      const result = await cli([...argv, ...confirm]);
      expect(result.code, `${argv.join(' ')}: ${result.stderr}`).toBe(0);
    }
    original = (await adminQuery('select * from launchdb.audit order by seq', [], database)).rows as Row[];
    expect(original.map((row) => Number(row.seq))).toEqual([1, 2, 3, 4, 5]);
  }, 120_000);

  afterAll(async () => {
    if (database) {
      await adminQuery(`drop database if exists ${database} with (force)`).catch(() => {});
      for (const kind of ['owner', 'app', 'readonly']) {
        await adminQuery(`drop role if exists ${database}_${kind}`).catch(() => {});
      }
    }
    project?.remove();
  });

  /** Puts the trail back as it was written, and proves it verifies again. */
  async function putBack(): Promise<void> {
    await tamper(async (client) => {
      await client.query('delete from launchdb.audit');
      for (const row of original) {
        await client.query(
          'insert into launchdb.audit (seq, event, hash, key, signature) values ($1, $2, $3, $4, $5)',
          [row.seq, row.event, row.hash, row.key, row.signature],
        );
      }
    });
    const verdict = await verify();
    expect(verdict.code, verdict.stdout).toBe(0);
  }

  it('verifies the trail as written: 5 events, every witnessed head extended', async () => {
    const verdict = await verify();
    expect(verdict.code, verdict.stdout).toBe(0);
    expect(verdict.stdout).toMatch(/^intact: the audit trail of production \(.*\) holds 5 events, head 5 \(/);
    expect(verdict.stdout).toContain('extends 5 witnessed heads (5 in .launchdb/audit-heads, 0 in backups)');
  }, 60_000);

  it('an edited event: event 3', async () => {
    await tamper((client) =>
      client.query(
        `update launchdb.audit set event = replace(event, '"seed"', '"migrate up"') where seq = 3`,
      ),
    );
    const verdict = await verify();
    expect(verdict).toMatchObject({ code: 1, firstBad: 3 });
    expect(verdict.stdout).toContain('broken at event 3');
    expect(verdict.problems[0]).toBe('event 3 does not match its hash: it was changed');
    await putBack();
  }, 60_000);

  it('an edited event with its hash recomputed: still event 3', async () => {
    const event = JSON.parse(original[2]!.event) as AuditEvent;
    const text = JSON.stringify({ ...event, action: 'migrate up' });
    await tamper((client) =>
      client.query('update launchdb.audit set event = $1, hash = $2 where seq = 3', [text, eventHash(text)]),
    );
    const verdict = await verify();
    expect(verdict).toMatchObject({ code: 1, firstBad: 3 });
    expect(verdict.problems[0]).toBe('event 3 is not the one event 4 followed: it was changed');
    await putBack();
  }, 60_000);

  it('a deleted event: event 3', async () => {
    await tamper((client) => client.query('delete from launchdb.audit where seq = 3'));
    const verdict = await verify();
    expect(verdict).toMatchObject({ code: 1, firstBad: 3 });
    expect(verdict.problems[0]).toBe('event 3 is missing: the trail goes from 2 to 4');
    await putBack();
  }, 60_000);

  it('a truncated tail: events 4 and 5 gone, found by the heads witnessed locally', async () => {
    await tamper((client) => client.query('delete from launchdb.audit where seq >= 4'));
    const verdict = await verify();
    expect(verdict).toMatchObject({ code: 1, firstBad: 4 });
    expect(verdict.problems).toContain(
      '.launchdb/audit-heads line 5 witnessed event 5, but the trail ends at event 3: events were removed',
    );
    await putBack();
  }, 60_000);

  it('a wholesale rewrite, re-hashed and re-signed from the start with another key: event 1', async () => {
    const keys = mkdtempSync(join(tmpdir(), 'launchdb-mallory-'));
    try {
      const mallory = auditSigner({ stateDir: keys, vars: {} });
      await tamper((client) => client.query('delete from launchdb.audit'));
      const db = await openServer(serverUrlFor(database), { max: 1 });
      try {
        for (const row of original) {
          const {
            seq: _seq,
            prev: _prev,
            at: _at,
            launchdb: _version,
            ...draft
          } = JSON.parse(row.event) as AuditEvent;
          await appendAuditEvent(db, { ...draft, actor: { ...draft.actor, id: 'mallory' } }, mallory);
        }
      } finally {
        await db.close();
      }
      // The chain alone is flawless: only the witnessed heads and the unknown key give it away.
      const verdict = await verify();
      expect(verdict).toMatchObject({ code: 1, firstBad: 1 });
      expect(verdict.problems[0]).toBe(
        'event 1 is not the one .launchdb/audit-heads line 1 witnessed: the trail was rewritten',
      );
      expect(verdict.problems.at(-1)).toMatch(/^event 5, the newest, is signed by a key no witness knows/);
      await putBack();
    } finally {
      rmSync(keys, { recursive: true, force: true });
    }
  }, 60_000);

  it('an event forged at the end by someone without the key: the newest event', async () => {
    const keys = mkdtempSync(join(tmpdir(), 'launchdb-mallory-'));
    try {
      const db = await openServer(serverUrlFor(database), { max: 1 });
      try {
        const draft = JSON.parse(original[4]!.event) as AuditEvent;
        await appendAuditEvent(db, draft, auditSigner({ stateDir: keys, vars: {} }));
      } finally {
        await db.close();
      }
      const verdict = await verify();
      expect(verdict).toMatchObject({ code: 1, firstBad: 6 });
      await putBack();
    } finally {
      rmSync(keys, { recursive: true, force: true });
    }
  }, 60_000);
});
