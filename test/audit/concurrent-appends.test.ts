// Two processes appending to one trail at the same moment take turns on the append lock: one chain,
// every sequence number once, no fork. Runs the built core (dist/) in two child processes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../src/stores/postgres/audit/audit-event.js';
import { readTrail } from '../../src/stores/postgres/audit/read-trail.js';
import { verifyTrail } from '../../src/stores/postgres/audit/verify-trail.js';
import { openServer } from '../../src/stores/postgres/server.js';
import { runNode } from '../helpers/cli.js';
import { adminQuery, serverAvailable, serverUrlFor, uniqueName } from '../helpers/databases.js';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const EACH = 150;

/** Appends EACH events as `writer`, starting at the agreed moment so both run at once. */
const WRITER = `
import { auditSigner } from '${DIST}stores/postgres/audit/audit-key.js';
import { appendAuditEvent } from '${DIST}stores/postgres/audit/append-event.js';
import { openServer } from '${DIST}stores/postgres/server.js';
const [url, writer, startAt, keys] = process.argv.slice(2);
const signer = auditSigner({ stateDir: keys, vars: {} });
const db = await openServer(url, { max: 1 });
await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(startAt) - Date.now())));
for (let i = 0; i < ${EACH}; i++) {
  await appendAuditEvent(db, {
    action: 'seed',
    actor: { id: writer, source: 'launchdb', identities: { launchdb: writer } },
    target: { project: 'shop', environment: 'staging', backing: 'server', database: 'x' },
    parameters: { flags: {}, arguments: [] },
    result: { status: 'ok' },
  }, signer);
}
await db.close();
`;

describe.runIf(serverAvailable)('concurrent appends', () => {
  const database = uniqueName('ldb_audit');
  const dir = mkdtempSync(join(tmpdir(), 'launchdb-audit-writers-'));

  beforeAll(async () => {
    await adminQuery(`create database ${database}`);
    writeFileSync(join(dir, 'writer.mjs'), WRITER);
  });

  afterAll(async () => {
    await adminQuery(`drop database if exists ${database} with (force)`).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  it('from two processes keep one chain, each sequence number once', async () => {
    const startAt = String(Date.now() + 2000);
    const url = serverUrlFor(database);
    const runs = await Promise.all(
      ['ada', 'bob'].map((writer) =>
        runNode([join(dir, 'writer.mjs'), url, writer, startAt, dir], { timeoutMs: 120_000 }),
      ),
    );
    for (const run of runs) expect(run.code, run.stderr).toBe(0);

    const db = await openServer(url, { max: 1 });
    let rows: Awaited<ReturnType<typeof readTrail>>;
    try {
      rows = await readTrail(db);
    } finally {
      await db.close();
    }
    expect(rows.map((row) => row.seq)).toEqual(Array.from({ length: 2 * EACH }, (_, i) => i + 1));
    // Both signed with the one key in `dir`: it is the key a witness would know.
    const verdict = verifyTrail({ rows, witnesses: [], trustedKeys: new Set([rows[0]!.key]) });
    expect(verdict.problems).toEqual([]);
    // They did run at once: the writers alternate along the chain, not one block after the other.
    const writers = rows.map((row) => (JSON.parse(row.event) as AuditEvent).actor.id);
    const switches = writers.filter((writer, i) => i > 0 && writer !== writers[i - 1]).length;
    expect(switches).toBeGreaterThan(10);
  }, 180_000);
});
