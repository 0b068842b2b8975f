// The audit trail (issue 17): appending 10,000 events one by one (lock, head, hash, signature, insert
// in one transaction each) beside a plain INSERT of the same rows; `audit verify` of a 100,000-event
// trail (the whole command, and the core's read and check) against the 2 s target; and what recording
// adds to a command on an embedded environment, which goes in through the database the command held.
import { join } from 'node:path';
import pg from 'pg';
import { runRecorded } from '../dist/cli/record-action.js';
import { Project } from '../dist/core/project.js';
import { appendAuditEvent, eventHash } from '../dist/stores/postgres/audit/append-event.js';
import { auditSigner } from '../dist/stores/postgres/audit/audit-key.js';
import { canonicalJson } from '../dist/stores/postgres/audit/canonical-json.js';
import { readTrail } from '../dist/stores/postgres/audit/read-trail.js';
import { recordAuditEvent } from '../dist/stores/postgres/audit/record-event.js';
import { verifyTrail } from '../dist/stores/postgres/audit/verify-trail.js';
import { witnessLocally } from '../dist/stores/postgres/audit/witness-file.js';
import { openMigrationDatabase } from '../dist/stores/postgres/migrate/migration-database.js';
import { openServer } from '../dist/stores/postgres/server.js';
import { VERSION } from '../dist/version.js';
import { BIN, benchProject, median, psql, row, serverUrlFor, timeRun } from './lib.mjs';

const APPENDS = 10_000;
const TRAIL = 100_000;

/** A realistic event: `migrate up` on production by a person, with its flags. */
function draft(i) {
  return {
    action: 'migrate up',
    actor: { id: 'ada@shop.dev', source: 'git', identities: { git: 'ada@shop.dev', os: 'ada' } },
    target: {
      project: 'shop',
      environment: 'production',
      backing: 'server',
      database: '10.0.0.5:5432/shop_production',
    },
    parameters: { flags: { env: 'production', confirm: 'production', to: `2026${i}` }, arguments: [] },
    result: { status: 'ok' },
  };
}

export async function run({ runs = 3 } = {}) {
  const admin = serverUrlFor('postgres');
  const fresh = (name) => {
    psql(admin, `drop database if exists ${name} with (force)`);
    psql(admin, `create database ${name}`);
    return serverUrlFor(name);
  };
  const drop = (name) => psql(admin, `drop database if exists ${name} with (force)`);
  const root = benchProject('bench_audit', {});
  const signer = auditSigner({ stateDir: join(root, '.launchdb'), vars: {} });
  const rows = [];

  // 1. Appends, one transaction each, beside a plain INSERT of the same row into a bare table of the
  // same shape; in alternating blocks of 500, so the machine's load falls on both alike.
  const appendUrl = fresh('bench_audit_append');
  const db = await openServer(appendUrl, { max: 1 });
  const client = new pg.Client({ connectionString: appendUrl });
  await client.connect();
  await client.query(
    'create table plain (seq bigint primary key, event text, hash text, key text, signature text)',
  );
  let appendMs = 0;
  let insertMs = 0;
  for (let block = 0; block < APPENDS; block += 500) {
    let started = performance.now();
    const heads = [];
    for (let i = block; i < block + 500; i++) heads.push(await appendAuditEvent(db, draft(i), signer));
    appendMs += performance.now() - started;
    const same = heads.map(({ event, head }) => [
      event.seq,
      canonicalJson(event),
      head.hash,
      head.key,
      head.signature,
    ]);
    started = performance.now();
    for (const values of same) await client.query('insert into plain values ($1, $2, $3, $4, $5)', values);
    insertMs += performance.now() - started;
  }
  await client.end();
  await db.close();
  drop('bench_audit_append');
  rows.push(
    row(
      `audit: append one event, ${APPENDS.toLocaleString('en')} in a row (vs plain INSERT of the row)`,
      appendMs / APPENDS,
      insertMs / APPENDS,
    ),
  );

  // 2. Verify 100,000 events: the environment attached by launchdb (event 1), the rest chained after it.
  const verifyUrl = fresh('bench_audit_verify');
  const project = benchProject('bench_audit', { production: { postgres: { url: verifyUrl } } });
  timeRun('node', [BIN, 'attach', 'postgres', '--env', 'production', '--confirm', 'production'], {
    cwd: project,
  });
  await bulkTrail(verifyUrl, auditSigner({ stateDir: join(project, '.launchdb'), vars: {} }), project);
  const cli = [];
  for (let i = 0; i < runs; i++) {
    const { ms, stdout } = timeRun('node', [BIN, 'audit', 'verify', '--env', 'production'], { cwd: project });
    if (!stdout.startsWith('intact')) throw new Error(`audit verify: ${stdout}`);
    cli.push(ms);
  }
  const core = [];
  for (let i = 0; i < runs; i++) {
    const reader = await openServer(verifyUrl, { max: 1 });
    const t = performance.now();
    const trail = await readTrail(reader);
    const verdict = verifyTrail({ rows: trail, witnesses: [], trustedKeys: new Set([trail.at(-1).key]) });
    core.push(performance.now() - t);
    await reader.close();
    if (!verdict.ok || verdict.events !== TRAIL) throw new Error('the bench trail does not verify');
  }
  const startup = median(Array.from({ length: runs }, () => timeRun('node', [BIN, '--version']).ms));
  drop('bench_audit_verify');
  rows.push(
    row(
      `audit verify of ${TRAIL.toLocaleString('en')} events, whole command (vs target 2,000 ms)`,
      median(cli),
      2000,
    ),
  );
  rows.push(
    row(
      `audit verify of ${TRAIL.toLocaleString('en')} events: read and check in the core (vs the CLI's start-up)`,
      median(core),
      startup,
    ),
  );

  // 3. Recording on embedded, in one process: a command's open-query-close alone; the same run
  // recorded (the event goes in through the database the command held); and recorded by a recorder
  // that opens the database again after the command, the design the hold replaces.
  const embedded = benchProject('bench_audit', { development: { postgres: {} } });
  timeRun('node', [BIN, 'attach', 'postgres', '--env', 'development'], { cwd: embedded });
  const loaded = await Project.load(embedded);
  const env = loaded.environment('development');
  const command = async () => {
    const { db } = await openMigrationDatabase(env, { command: 'bench' });
    await db.query('select count(*) from launchdb.audit');
    await db.close();
    return 0;
  };
  const spec = { name: 'migrate up', audit: { action: 'migrate up' } };
  const input = { positionals: [], flags: { env: 'development' } };
  const io = silentIo(embedded);
  const alone = [];
  const held = [];
  const reopened = [];
  for (let i = 0; i < runs + 2; i++) {
    let t = performance.now();
    await command();
    alone.push(performance.now() - t);
    t = performance.now();
    await runRecorded(spec, input, io, command);
    held.push(performance.now() - t);
    t = performance.now();
    await command();
    const { db } = await openMigrationDatabase(env, { command: 'bench' });
    await recordAuditEvent(env, db, { ...draft(i), target: { ...draft(i).target, backing: 'embedded' } });
    await db.close();
    reopened.push(performance.now() - t);
  }
  rows.push(
    row(
      'embedded: a command recorded through the database it held (vs the command alone)',
      median(held),
      median(alone),
    ),
  );
  rows.push(
    row(
      'embedded: the same, recorded by reopening the database afterwards (vs the command alone)',
      median(reopened),
      median(alone),
    ),
  );
  return rows;
}

/** Events 2…TRAIL after the one attach recorded, chained and signed as appends make them, inserted in bulk. */
async function bulkTrail(url, signer, project) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const last = (await client.query('select seq, hash from launchdb.audit order by seq desc limit 1')).rows[0];
  let prev = last.hash;
  let head;
  const base = Date.now();
  for (let start = Number(last.seq) + 1; start <= TRAIL; start += 5000) {
    const batch = { seq: [], event: [], hash: [], key: [], signature: [] };
    for (let seq = start; seq < Math.min(start + 5000, TRAIL + 1); seq++) {
      const at = new Date(base + seq).toISOString();
      const text = canonicalJson({ ...draft(seq), seq, prev, at, launchdb: VERSION });
      head = signer.sign({ seq, hash: eventHash(text), at });
      batch.seq.push(seq);
      batch.event.push(text);
      batch.hash.push(head.hash);
      batch.key.push(head.key);
      batch.signature.push(head.signature);
      prev = head.hash;
    }
    await client.query(
      'insert into launchdb.audit select * from unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[])',
      [batch.seq, batch.event, batch.hash, batch.key, batch.signature],
    );
  }
  await client.end();
  witnessLocally(join(project, '.launchdb'), { project: 'bench_audit', environment: 'production' }, head);
}

/** An Io that prints nothing (the recorder only writes warnings). */
function silentIo(cwd) {
  return {
    cwd,
    secrets: new Set(),
    out() {},
    outUnredacted() {},
    err(text) {
      process.stderr.write(text);
    },
    style: (_style, text) => text,
    ask: async () => undefined,
  };
}
