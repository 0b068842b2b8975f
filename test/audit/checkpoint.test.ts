// `audit checkpoint` witnesses an intact trail's head in the control database (embedded, or a server),
// once however often it runs; `audit verify` and `access.audit-chain` then check the trail against
// it, so a trail rewritten after a checkpoint is found from that witness alone. A trail that is not
// intact is witnessed nowhere; a control database that cannot be reached is exit 3.
import { existsSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openControlDatabase } from '../../src/control/open-control.js';
import { Project } from '../../src/core/project.js';
import { appendAuditEvent } from '../../src/stores/postgres/audit/append-event.js';
import type { AuditEvent } from '../../src/stores/postgres/audit/audit-event.js';
import { auditSigner } from '../../src/stores/postgres/audit/audit-key.js';
import { verifyEnvironmentTrail } from '../../src/stores/postgres/audit/verify-environment.js';
import { openEmbedded } from '../../src/stores/postgres/embedded.js';
import { openServer } from '../../src/stores/postgres/server.js';
import { type CliResult, runCli } from '../helpers/cli.js';
import { closedPort } from '../helpers/closed-port.js';
import {
  adminQuery,
  BACKINGS,
  SERVER_URL,
  serverAvailable,
  serverUrlFor,
  uniqueName,
} from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';

interface HeadRow {
  environment: string;
  seq: string;
  hash: string;
}

/** The heads witnessed in the project's control database (opened as launchdb opens it). */
async function controlHeads(dir: string): Promise<HeadRow[]> {
  const project = await Project.load(dir);
  const control = await openControlDatabase(project);
  try {
    const { rows } = await control.db.query<HeadRow>(
      'select environment, seq::text as seq, hash from launchdb_control.audit_heads where project = $1 order by id',
      [project.name],
    );
    return rows;
  } finally {
    await control.close();
  }
}

/** access.audit-chain of one `check` run, not recorded in the verdict history. */
async function auditChainCheck(cli: (argv: string[]) => Promise<CliResult>, env: string) {
  const result = await cli(['check', '--env', env, '--only', 'access', '--no-record', '--json']);
  const report = JSON.parse(result.stdout) as {
    checks: { id: string; status: string; summary: string; details?: { notes: string[] } }[];
  };
  return report.checks.find((check) => check.id === 'access.audit-chain')!;
}

describe('audit checkpoint, everything embedded', () => {
  let project: TempProject;
  const cli = (argv: string[]): Promise<CliResult> => runCli(argv, { cwd: project.dir });

  beforeAll(async () => {
    project = tempProject();
    for (let run = 0; run < 2; run++) {
      const attached = await cli(['attach', 'postgres', '--env', 'development']);
      expect(attached.code, attached.stderr).toBe(0);
    }
  }, 60_000);
  afterAll(() => project?.remove());

  it('audit verify creates no control database to read nothing from it', async () => {
    const verified = await cli(['audit', 'verify', '--env', 'development', '--json']);
    expect(verified.code, verified.stdout).toBe(0);
    expect(JSON.parse(verified.stdout).sources).toEqual({ local: 2, backups: 0 });
    expect(existsSync(join(project.dir, '.launchdb', 'control'))).toBe(false);
  }, 30_000);

  it('witnesses the head in the embedded control database; run again, it keeps one row', async () => {
    const first = await cli(['audit', 'checkpoint', '--env', 'development']);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    expect(first.stdout).toMatch(
      /^witnessed: head 2 \([0-9a-f]{12}…\) of the audit trail of development \(\.launchdb\/development\/postgres\), in the control database \.launchdb\/control\/postgres\n/,
    );
    expect(first.stdout).toContain(
      '2 events intact, extending 2 witnessed heads (2 in .launchdb/audit-heads, 0 in backups, 0 in the control database)',
    );

    const again = await cli(['audit', 'checkpoint', '--env', 'development', '--json']);
    expect(again.code).toBe(0);
    const document = JSON.parse(again.stdout);
    expect(document).toMatchObject({
      ok: true,
      control: '.launchdb/control/postgres',
      checkpoint: { seq: 2, new: false },
      sources: { local: 2, backups: 0, control: 1 },
    });
    const rows = await controlHeads(project.dir);
    expect(rows).toEqual([{ environment: 'development', seq: '2', hash: document.head.hash }]);
  }, 60_000);

  it('audit verify checks the heads witnessed there', async () => {
    const verified = await cli(['audit', 'verify', '--env', 'development']);
    expect(verified.code, verified.stdout).toBe(0);
    expect(verified.stdout).toContain(
      'extends 3 witnessed heads (2 in .launchdb/audit-heads, 0 in backups, 1 in the control database)',
    );
  }, 30_000);

  it('check never opens the embedded control database: access.audit-chain says so in its details', async () => {
    const check = await auditChainCheck(cli, 'development');
    expect(check.status).toBe('pass');
    expect(check.details?.notes.join('\n')).toContain(
      'the heads witnessed in the embedded control database (.launchdb/control/postgres) were not read: check never opens it',
    );
  }, 30_000);

  it('a control URL that cannot be reached: exit 3 naming host and port, never the password', async () => {
    const port = await closedPort();
    project.write('.env', `LAUNCHDB_CONTROL_URL=postgresql://ldb:s3cret-pw@127.0.0.1:${port}/control\n`);
    try {
      for (const command of ['checkpoint', 'verify']) {
        const result = await cli(['audit', command, '--env', 'development']);
        expect(result.code, `audit ${command}: ${result.stdout}`).toBe(3);
        expect(result.stderr.split('\n')[0]).toContain(
          `control database ($LAUNCHDB_CONTROL_URL): cannot reach Postgres at 127.0.0.1:${port}`,
        );
        expect(result.stdout + result.stderr).not.toContain('s3cret-pw');
      }
      // The check goes on without it: a note, not a failure.
      const check = await auditChainCheck(cli, 'development');
      expect(check.status).toBe('pass');
      const notes = check.details?.notes.join('\n') ?? '';
      expect(notes).toContain('the heads witnessed in the control database were not read');
      expect(notes).toContain(`127.0.0.1:${port}`);
      expect(notes).not.toContain('s3cret-pw');
    } finally {
      rmSync(join(project.dir, '.env'));
    }
  }, 60_000);

  it('a control server that never answers: the check gives up on it and says so, not failing', async () => {
    const sockets = new Set<Socket>();
    // Accepts connections and answers nothing.
    const silent = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as AddressInfo;
    project.write('.env', `LAUNCHDB_CONTROL_URL=postgresql://ldb:s3cret-pw@127.0.0.1:${port}/control\n`);
    try {
      const check = await auditChainCheck(cli, 'development');
      expect(check.status).toBe('pass');
      const notes = check.details?.notes.join('\n') ?? '';
      expect(notes).toContain('the heads witnessed in the control database were not read');
      expect(notes).not.toContain('s3cret-pw');
    } finally {
      rmSync(join(project.dir, '.env'));
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  }, 60_000);

  it('an empty trail: says so, exit 0, nothing witnessed', async () => {
    const attached = await cli(['attach', 'postgres', '--env', 'staging']);
    expect(attached.code, attached.stderr).toBe(0);
    const db = await openEmbedded(join(project.dir, '.launchdb', 'staging', 'postgres'));
    try {
      await db.query('drop table launchdb.audit');
    } finally {
      await db.close();
    }
    rmSync(join(project.dir, '.launchdb', 'audit-heads'));
    const result = await cli(['audit', 'checkpoint', '--env', 'staging']);
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toMatch(
      /^staging \(\.launchdb\/staging\/postgres\) has no audit events yet: nothing to witness/,
    );
    expect((await controlHeads(project.dir)).map((row) => row.environment)).toEqual(['development']);
  }, 60_000);
});

describe('a restore after a checkpoint, on a machine that never witnessed the newer head', () => {
  let project: TempProject;
  const cli = (argv: string[]): Promise<CliResult> => runCli(argv, { cwd: project.dir });
  async function ok(argv: string[]): Promise<CliResult> {
    const result = await cli(argv);
    expect(result.code, `${argv.join(' ')}: ${result.stdout}${result.stderr}`).toBe(0);
    return result;
  }

  beforeAll(() => {
    project = tempProject();
  });
  afterAll(() => project?.remove());

  it('names the head the control database witnessed as the one it replaced, so verify holds', async () => {
    await ok(['attach', 'postgres', '--env', 'development']);
    const backup = JSON.parse((await ok(['backup', 'create', '--env', 'development', '--json'])).stdout).id;
    await ok(['attach', 'postgres', '--env', 'development']);
    const checkpoint = JSON.parse(
      (await ok(['audit', 'checkpoint', '--env', 'development', '--json'])).stdout,
    );
    expect(checkpoint.checkpoint).toMatchObject({ seq: 2, new: true });
    // Only the backup (head 1) and the control database (head 2) remember the trail here.
    rmSync(join(project.dir, '.launchdb', 'audit-heads'));
    await ok(['backup', 'restore', backup, '--to', 'development', '--clean']);
    const events = JSON.parse((await ok(['audit', 'list', '--env', 'development', '--json'])).stdout).events;
    const restore = events.find((event: AuditEvent) => event.action === 'backup restore');
    expect(restore.details.replaces).toEqual({ seq: 2, hash: checkpoint.checkpoint.hash });
    const verified = JSON.parse((await ok(['audit', 'verify', '--env', 'development', '--json'])).stdout);
    expect(verified.witnessed).toMatchObject({ replacedByRestore: 1 });
    // The restored trail's own head is witnessed next to the one it replaced.
    const again = JSON.parse((await ok(['audit', 'checkpoint', '--env', 'development', '--json'])).stdout);
    expect(again.checkpoint).toMatchObject({ seq: 2, new: true });
    expect(again.checkpoint.hash).not.toBe(checkpoint.checkpoint.hash);
    expect((await controlHeads(project.dir)).map((row) => row.seq)).toEqual(['2', '2']);
  }, 90_000);
});

for (const backing of BACKINGS) {
  describe.skipIf(!serverAvailable)(
    `a trail rewritten after a checkpoint is found by the ${backing} control database's witness alone`,
    () => {
      let project: TempProject;
      let database: string;
      const controlDatabase = uniqueName('ldbk');
      const cli = (argv: string[]): Promise<CliResult> => runCli(argv, { cwd: project.dir });
      const confirm = ['--env', 'production', '--confirm', 'production'];

      beforeAll(async () => {
        const control = backing === 'server' ? `, control: { url: '${serverUrlFor(controlDatabase)}' }` : '';
        if (backing === 'server') await adminQuery(`create database ${controlDatabase}`);
        project = tempProject(`{
          project: '{project}',
          environments: { production: { postgres: { adminUrl: '${SERVER_URL}' } } }${control},
        }`);
        database = `${project.name}_production`;
        project.write(
          'db/migrations/20240301120000_create_orders.sql',
          'create table orders (id bigint primary key);\n',
        );
        for (const argv of [
          ['attach', 'postgres'],
          ['migrate', 'up'],
        ]) {
          const result = await cli([...argv, ...confirm]);
          expect(result.code, `${argv.join(' ')}: ${result.stderr}`).toBe(0);
        }
      }, 120_000);

      afterAll(async () => {
        if (database) {
          await adminQuery(`drop database if exists ${database} with (force)`).catch(() => {});
          for (const kind of ['owner', 'app', 'readonly']) {
            await adminQuery(`drop role if exists ${database}_${kind}`).catch(() => {});
          }
        }
        await adminQuery(`drop database if exists ${controlDatabase} with (force)`).catch(() => {});
        project?.remove();
      });

      it('checkpoint witnesses the head; the rewrite is then found only through it', async () => {
        const checkpoint = await cli(['audit', 'checkpoint', '--env', 'production', '--json']);
        expect(checkpoint.code, checkpoint.stdout + checkpoint.stderr).toBe(0);
        const witnessed = JSON.parse(checkpoint.stdout).checkpoint;
        expect(witnessed).toMatchObject({ seq: 2, new: true });
        const controlLocation =
          backing === 'server' ? `127.0.0.1:5432/${controlDatabase}` : '.launchdb/control/postgres';
        expect(JSON.parse(checkpoint.stdout).control).toBe(controlLocation);

        // Someone with the database and the audit key rewrites the trail from the start, re-hashed
        // and re-signed with that key; this machine's own witness file is gone.
        const original = (await adminQuery('select event from launchdb.audit order by seq', [], database))
          .rows as { event: string }[];
        const client = new pg.Client({ connectionString: serverUrlFor(database) });
        await client.connect();
        try {
          await client.query('begin');
          await client.query(
            'alter event trigger launchdb_capture_ddl disable; alter event trigger launchdb_capture_drop disable',
          );
          await client.query('alter table launchdb.audit disable trigger user');
          await client.query('delete from launchdb.audit');
          await client.query('alter table launchdb.audit enable trigger user');
          await client.query(
            'alter event trigger launchdb_capture_ddl enable; alter event trigger launchdb_capture_drop enable',
          );
          await client.query('commit');
        } finally {
          await client.end();
        }
        const signer = auditSigner({ stateDir: join(project.dir, '.launchdb'), vars: {} });
        const db = await openServer(serverUrlFor(database), { max: 1 });
        try {
          for (const { event } of original) {
            const { seq: _s, prev: _p, at: _a, launchdb: _v, ...draft } = JSON.parse(event) as AuditEvent;
            await appendAuditEvent(db, { ...draft, actor: { ...draft.actor, id: 'mallory' } }, signer);
          }
          rmSync(join(project.dir, '.launchdb', 'audit-heads'));
          // Without the control database's witness, the rewritten trail verifies: it is flawless.
          const loaded = await Project.load(project.dir);
          const alone = await verifyEnvironmentTrail(loaded, loaded.environment('production'), db);
          expect(alone.ok).toBe(true);
        } finally {
          await db.close();
        }

        const verified = await cli(['audit', 'verify', '--env', 'production', '--json']);
        expect(verified.code, verified.stdout).toBe(1);
        const verdict = JSON.parse(verified.stdout);
        expect(verdict.firstBad).toBe(2);
        expect(verdict.problems.map((problem: { problem: string }) => problem.problem)).toEqual([
          `event 2 is not the one the control database (${controlLocation}) witnessed: the trail was rewritten`,
        ]);

        // Not intact: exit 1 naming the first bad event, and nothing witnessed.
        const refused = await cli(['audit', 'checkpoint', '--env', 'production']);
        expect(refused.code, refused.stdout).toBe(1);
        expect(refused.stdout).toContain('broken at event 2');
        expect(refused.stdout).toContain(`nothing witnessed in the control database ${controlLocation}`);
        const rows = await controlHeads(project.dir);
        expect(rows).toEqual([{ environment: 'production', seq: '2', hash: witnessed.hash }]);

        // The check reads a server control database, never an embedded one.
        const check = await auditChainCheck(cli, 'production');
        if (backing === 'server') {
          expect(check.status).toBe('fail');
          expect(check.summary).toContain('the trail was rewritten');
        } else {
          expect(check.status).toBe('pass');
          expect(check.details?.notes.join('\n')).toContain('check never opens it');
        }
      }, 120_000);
    },
  );
}
