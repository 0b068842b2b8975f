// Changes made outside launchdb (issue 17): what the capture adds to each launchdb append. Appends of
// one event each, in alternating blocks, on four databases of the same schema (200 tables, each
// granted to a role): no capture (the anchor); DDL capture installed and nothing pending; capture and
// a role-and-grant snapshot kept (after a check), compared at every append; and the same with one
// manual DDL statement to fold before each append. Also what one psql statement costs with the
// event triggers installed, beside the same statement without them.
import { join } from 'node:path';
import pg from 'pg';
import { appendAuditEvent } from '../dist/stores/postgres/audit/append-event.js';
import { auditSigner } from '../dist/stores/postgres/audit/audit-key.js';
import { ensureCapture } from '../dist/stores/postgres/audit/ddl-capture.js';
import { recordOutsideChanges } from '../dist/stores/postgres/audit/record-event.js';
import { openServer } from '../dist/stores/postgres/server.js';
import { benchProject, median, psql, row, serverUrlFor } from './lib.mjs';

const BLOCK = 100;
const BLOCKS = 5;
const TABLES = 200;

const target = { project: 'shop', environment: 'production', backing: 'server', database: 'bench' };
const draft = (i) => ({
  action: 'migrate up',
  actor: { id: 'ada@shop.dev', source: 'git', identities: { git: 'ada@shop.dev' } },
  target,
  parameters: { flags: { env: 'production', to: `2026${i}` }, arguments: [] },
  result: { status: 'ok' },
});

export async function run() {
  const admin = serverUrlFor('postgres');
  const root = benchProject('bench_manual', {});
  const env = { stateDir: join(root, '.launchdb'), vars: {}, project: 'shop', name: 'production' };
  const signer = auditSigner(env);
  const role = `bench_manual_reader_${process.pid}`;
  psql(admin, `drop role if exists ${role}; create role ${role}`);
  const kinds = ['none', 'capture', 'snapshot', 'folding'];
  const names = Object.fromEntries(kinds.map((kind) => [kind, `bench_manual_${kind}`]));
  const dbs = {};
  const clients = {};
  const tables = Array.from(
    { length: TABLES },
    (_, i) => `create table t${i} (id int primary key); grant select on t${i} to ${role};`,
  ).join('\n');
  for (const kind of kinds) {
    psql(admin, `drop database if exists ${names[kind]} with (force)`);
    psql(admin, `create database ${names[kind]}`);
    psql(serverUrlFor(names[kind]), `create schema launchdb; ${tables}`);
    dbs[kind] = await openServer(serverUrlFor(names[kind]), { max: 1 });
    clients[kind] = new pg.Client({ connectionString: serverUrlFor(names[kind]), application_name: 'psql' });
    await clients[kind].connect();
    if (kind !== 'none') await ensureCapture(dbs[kind]);
    // A check stores the first snapshot; appends then compare with it.
    if (kind === 'snapshot' || kind === 'folding') await recordOutsideChanges(env, dbs[kind], target);
  }

  const appendMs = Object.fromEntries(kinds.map((kind) => [kind, []]));
  let n = 0;
  for (let block = 0; block < BLOCKS; block++) {
    for (const kind of kinds) {
      let spent = 0;
      for (let i = 0; i < BLOCK; i++) {
        if (kind === 'folding') await clients[kind].query(`comment on table t${i % TABLES} is 'note ${n}'`);
        const started = performance.now();
        await appendAuditEvent(dbs[kind], draft(n++), signer);
        spent += performance.now() - started;
      }
      appendMs[kind].push(spent / BLOCK);
    }
  }

  // One statement by hand, with and without the event triggers: what the capture costs whoever runs DDL.
  const ddlMs = { none: [], capture: [] };
  for (let block = 0; block < BLOCKS; block++) {
    for (const kind of ['none', 'capture']) {
      const started = performance.now();
      for (let i = 0; i < BLOCK; i++)
        await clients[kind].query(`comment on table t${i % TABLES} is 'by hand ${i}'`);
      ddlMs[kind].push((performance.now() - started) / BLOCK);
    }
  }

  for (const kind of kinds) {
    await clients[kind].end();
    await dbs[kind].close();
    psql(admin, `drop database if exists ${names[kind]} with (force)`);
  }
  psql(admin, `drop role if exists ${role}`);
  const none = median(appendMs.none);
  return [
    row(
      'manual changes: append with DDL capture installed, nothing pending (vs no capture)',
      median(appendMs.capture),
      none,
    ),
    row(
      `manual changes: append with capture and the role-and-grant snapshot compared (${TABLES} tables granted; vs no capture)`,
      median(appendMs.snapshot),
      none,
    ),
    row(
      'manual changes: the same with one manual DDL folded into the trail before each append (vs no capture)',
      median(appendMs.folding),
      none,
    ),
    row(
      'manual changes: one DDL statement by hand with the event triggers (vs without)',
      median(ddlMs.capture),
      median(ddlMs.none),
    ),
  ];
}
