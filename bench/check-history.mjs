// The cost of recording the verdict history: `check --json` repeated on the 2,000-table server
// database of bench/drift-cache.mjs (its 80 migrations applied by `migrate up`, drift's expected
// schema cached), with recording vs `--no-record`, in alternating pairs:
// - the embedded control database: `check` leaves one pending file (PGlite is not opened);
// - a server control database (LAUNCHDB_CONTROL_URL): connected while the checks run, one insert.
// Also timed: the `history` that ingests the embedded runs' pending files (it opens PGlite).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrations } from './drift.mjs';
import { BIN, benchProject, median, psql, row, serverUrlFor, timeRun } from './lib.mjs';

export async function run({ pairs = 9 } = {}) {
  const database = `launchdb_bench_history_${process.pid}`;
  const control = `${database}_control`;
  const kept = `${database}_shadow_kept`;
  const admin = serverUrlFor('postgres');
  for (const name of [database, control]) {
    psql(admin, `drop database if exists ${name} with (force)`);
    psql(admin, `create database ${name}`);
  }
  const url = serverUrlFor(database);
  const dir = benchProject('bench_check_history', { staging: { postgres: { url, adminUrl: admin } } });
  const embedded = { LAUNCHDB_CONTROL_URL: '' };
  const server = { LAUNCHDB_CONTROL_URL: serverUrlFor(control) };
  const cli = (args, env = embedded, okCodes = [0]) =>
    timeRun(process.execPath, [BIN, ...args, '--env', 'staging'], { cwd: dir, env, okCodes });
  try {
    mkdirSync(join(dir, 'db/migrations'), { recursive: true });
    migrations().forEach((sql, i) => {
      writeFileSync(join(dir, 'db/migrations', `20260101${String(i).padStart(6, '0')}_part.sql`), sql);
    });
    cli(['attach', 'postgres']);
    cli(['migrate', 'up']);
    const check = (env, record) =>
      cli(['check', '--json', ...(record ? [] : ['--no-record'])], env, [0, 1]).ms;
    // Untimed: caches drift's expected schema and migrates the server control database.
    check(embedded, false);
    check(server, true);
    cli(['history'], server);

    const times = { embedded: { on: [], off: [] }, server: { on: [], off: [] } };
    for (let i = 0; i < pairs; i++) {
      for (const [kind, env] of [
        ['embedded', embedded],
        ['server', server],
      ]) {
        // Alternating which goes first, so neither side always finds the server warmer.
        const order = i % 2 === 0 ? [true, false] : [false, true];
        for (const record of order) times[kind][record ? 'on' : 'off'].push(check(env, record));
      }
    }
    const ingest = cli(['history'], embedded).ms;

    // The recording alone, in process, which the end-to-end pairs above are too noisy to resolve:
    // the recorder started (a server connects now), then given a report of the same checks.
    const { Project } = await import('../dist/core/project.js');
    const { startRecordingCheck } = await import('../dist/control/record-check-run.js');
    const document = JSON.parse(cli(['check', '--json', '--no-record'], embedded, [0, 1]).stdout);
    const report = {
      ...document,
      checks: document.checks.map((c) => ({ ...c, title: c.id, durationMs: 1 })),
    };
    const alone = { embedded: [], server: [] };
    for (const [kind, env] of [
      ['embedded', embedded],
      ['server', server],
    ]) {
      process.env.LAUNCHDB_CONTROL_URL = env.LAUNCHDB_CONTROL_URL;
      const project = await Project.load(dir);
      for (let i = 0; i < pairs; i++) {
        // Timed: the start (where the control database is, a server's connection begun) and the
        // finish, not the 300 ms standing in for the checks, during which a connection opens.
        let started = performance.now();
        const recorder = startRecordingCheck(project, project.environment('staging'));
        let ms = performance.now() - started;
        await new Promise((resolve) => setTimeout(resolve, 300));
        started = performance.now();
        const outcome = await recorder.finish(report);
        ms += performance.now() - started;
        alone[kind].push(ms);
        if (outcome.recorded !== (kind === 'server' ? 'control database' : 'pending')) {
          throw new Error(`recorded ${outcome.recorded}: ${outcome.reason}`);
        }
      }
    }
    delete process.env.LAUNCHDB_CONTROL_URL;

    const m = median;
    const overhead = (kind) => {
      const on = m(times[kind].on);
      const off = m(times[kind].off);
      return `${(((on - off) / off) * 100).toFixed(1)}%`;
    };
    return [
      row(
        `\`check --json\` repeated on 2,000 tables, recording to the embedded control database (one pending file; overhead ${overhead('embedded')}, target ≤ 5%) vs \`--no-record\``,
        m(times.embedded.on),
        m(times.embedded.off),
      ),
      row(
        `the same recording to a server control database (connected while the checks run, one insert; overhead ${overhead('server')}, target ≤ 5%) vs \`--no-record\``,
        m(times.server.on),
        m(times.server.off),
      ),
      row(
        'the recording alone (its start, then after the report: the actor found, the pending file written and fsynced, embedded) vs the check with `--no-record`',
        m(alone.embedded),
        m(times.embedded.off),
      ),
      row(
        'the recording alone (its start, then after the report: one insert on the connection opened while the checks ran, server) vs the check with `--no-record`',
        m(alone.server),
        m(times.server.off),
      ),
      row(`\`history\` ingesting the ${pairs} pending runs (opens the embedded control database)`, ingest),
    ];
  } finally {
    psql(admin, `drop database if exists ${kept} with (force)`);
    psql(admin, `drop database if exists ${database} with (force)`);
    psql(admin, `drop database if exists ${control} with (force)`);
    rmSync(dir, { recursive: true, force: true });
  }
}
