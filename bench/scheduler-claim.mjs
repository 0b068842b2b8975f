// Scheduler claim latency (issue 19): three scheduler processes, each with its own pool on one fresh
// server control database, race for the same one-second slots, as `scheduler run` on three machines
// does. Each wakes at the slot (croner's, via dist/scheduler/slots.js) and calls claimSlot
// (dist/scheduler/job-runs.js); the winner finishes its run at once, so the next slot is not skipped.
// Timed per slot: from the slot's instant to the winner's committed claim, and the claimSlot round
// trip of the winners and of the losers (who wait on the winner's transaction lock). Anchor: a plain
// single-row INSERT round trip on the same server, from a process like them, in the same run.
// Needs the built dist/ (`npx tsc -p tsconfig.build.json`).
import { rmSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { benchProject, collectOutput, median, psql, row, serverUrlFor } from './lib.mjs';

const SCHEDULERS = 3;
/** Slots start this long after the workers are spawned: they load, connect and warm up first. */
const LEAD_MS = 4_000;
const JOB = { project: 'bench_claims', job: 'backup', environment: 'production' };
const SECOND_CRON = { cron: '* * * * * *', timezone: 'UTC' };

/** The instant now, in ms since the epoch, to a fraction of a ms (Date.now() is whole ms). */
const nowMs = () => performance.timeOrigin + performance.now();

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export async function run({ slots = 45 } = {}) {
  const database = `launchdb_bench_claims_${process.pid}`;
  const admin = serverUrlFor('postgres');
  psql(admin, `drop database if exists ${database} with (force)`);
  psql(admin, `create database ${database}`);
  const url = serverUrlFor(database);
  const dir = benchProject(JOB.project, { production: { postgres: {} } });
  try {
    // Untimed: create and migrate the control database once, as the first scheduler would.
    const { Project } = await import('../dist/core/project.js');
    const { openControlDatabase } = await import('../dist/control/open-control.js');
    const control = await openControlDatabase(await Project.load(dir), { url });
    await control.db.query(
      'create table public.bench_anchor (id bigint generated always as identity primary key, slot timestamptz not null, claimed_by text not null)',
    );
    await control.close();

    const first = Math.ceil((Date.now() + LEAD_MS) / 1000) * 1000;
    const workers = Array.from({ length: SCHEDULERS }, (_, i) =>
      worker([dir, url, `bench-scheduler-${i + 1}`, String(first), String(slots)]),
    );
    // The anchor beside the race, by a fourth process of the same make, once a second half-way
    // between the slots: the same machine and server load, without queueing behind the claims.
    const anchorWorker = worker([dir, url, 'bench-anchor', String(first + 500), String(slots), 'anchor']);
    const [anchored, ...raced] = await Promise.all([anchorWorker, ...workers]);
    const attempts = raced.flat();
    const anchor = anchored.map((attempt) => attempt.roundTripMs);

    const bySlot = groupBy(attempts, (attempt) => attempt.slot);
    const winners = attempts.filter((attempt) => attempt.claimed);
    const losers = attempts.filter((attempt) => !attempt.claimed && !attempt.skipped);
    const skipped = attempts.filter((attempt) => attempt.skipped);
    // Exactly once: one winner per slot, every slot, and nothing skipped (each run finished at once).
    for (const [slot, tries] of bySlot) {
      const won = tries.filter((attempt) => attempt.claimed).length;
      if (won !== 1 || tries.length !== SCHEDULERS)
        throw new Error(`slot ${slot}: ${won} winners of ${tries.length} tries`);
    }
    if (bySlot.size !== slots || skipped.length > 0)
      throw new Error(`${bySlot.size} slots of ${slots}, ${skipped.length} skipped`);
    const rows = psql(url, "select count(*) from launchdb_control.job_runs where result = 'ok'");
    if (!rows.includes(String(slots))) throw new Error(`job_runs holds ${rows.trim()}, not ${slots} ok runs`);

    const committed = winners.map((attempt) => attempt.committedAfterSlotMs);
    const late = winners.map((attempt) => attempt.wokeAfterSlotMs);
    const won = winners.map((attempt) => attempt.roundTripMs);
    const lost = losers.map((attempt) => attempt.roundTripMs);
    const wins = [...groupBy(winners, (attempt) => attempt.scheduler)]
      .map(([scheduler, list]) => `${scheduler.replace('bench-', '')} ${list.length}`)
      .join(', ');
    const p95 = (values) => percentile(values, 95).toFixed(1);
    const m = median;
    return [
      row(
        `scheduler claim: slot to the winner's committed claim, ${SCHEDULERS} schedulers racing for ${slots} one-second slots (each once: ${wins}; p95 ${p95(committed)} ms; target ≤ 20 ms median) vs one INSERT`,
        m(committed),
        m(anchor),
      ),
      row(
        `  of which the wake-up: slot to the winner's claimSlot call (timer lateness; p95 ${p95(late)} ms)`,
        m(late),
        m(anchor),
      ),
      row(
        `  claimSlot round trip of the winners (lock, look, insert, commit; p95 ${p95(won)} ms) vs one INSERT`,
        m(won),
        m(anchor),
      ),
      row(
        `  claimSlot round trip of the losers (wait for the winner's lock, find the slot taken; p95 ${p95(lost)} ms) vs one INSERT`,
        m(lost),
        m(anchor),
      ),
      row(`  the anchor: one single-row INSERT round trip (p95 ${p95(anchor)} ms)`, m(anchor)),
    ];
  } finally {
    psql(admin, `drop database if exists ${database} with (force)`);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Node 20 has no Map.groupBy. */
function groupBy(values, key) {
  const groups = new Map();
  for (const value of values) groups.set(key(value), [...(groups.get(key(value)) ?? []), value]);
  return groups;
}

/** Runs this file as a scheduler process; resolves to its attempts, one JSON line each. */
async function worker(args) {
  const run = await collectOutput(process.execPath, [fileURLToPath(import.meta.url), '--worker', ...args]);
  if (run.code !== 0) throw new Error(`bench worker ${args[2]} exited ${run.code}: ${run.stderr}`);
  return run.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

/**
 * One scheduler: its own pool on the control database; at each slot from `first` on, claimSlot, and
 * when won, finishRun. With `anchor`, one plain INSERT at each slot instead.
 */
async function schedulerProcess([dir, url, schedulerId, first, count, mode]) {
  const { Project } = await import('../dist/core/project.js');
  const { openControlDatabase } = await import('../dist/control/open-control.js');
  const { claimSlot, finishRun } = await import('../dist/scheduler/job-runs.js');
  const { nextSlot } = await import('../dist/scheduler/slots.js');
  const control = await openControlDatabase(await Project.load(dir), { url });
  const options = { schedulerId, leaseMs: 30_000 };
  // Warm the pool as a running scheduler's is: its heartbeat has used the connections.
  await control.db.query('select 1');
  const out = [];
  try {
    let slot = new Date(Number(first));
    for (let i = 0; i < Number(count); i++) {
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, slot.getTime() - Date.now())));
      const woke = nowMs();
      if (mode === 'anchor') {
        await control.db.query('insert into public.bench_anchor (slot, claimed_by) values ($1, $2)', [
          slot.toISOString(),
          schedulerId,
        ]);
        out.push({ roundTripMs: nowMs() - woke });
      } else {
        const outcome = await claimSlot(control.db, { ...JOB, slot }, options);
        const done = nowMs();
        out.push({
          scheduler: schedulerId,
          slot: slot.toISOString(),
          claimed: outcome.claimed,
          skipped: outcome.skipped === true,
          wokeAfterSlotMs: woke - slot.getTime(),
          roundTripMs: done - woke,
          committedAfterSlotMs: done - slot.getTime(),
        });
        if (outcome.claimed)
          await finishRun(control.db, outcome.run, schedulerId, { result: 'ok', exitCode: 0 });
      }
      slot = nextSlot(SECOND_CRON, slot);
    }
  } finally {
    await control.close();
  }
  process.stdout.write(out.map((attempt) => JSON.stringify(attempt)).join('\n'));
}

if (process.argv[2] === '--worker' && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await schedulerProcess(process.argv.slice(3));
}
