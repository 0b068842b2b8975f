// 500 concurrent callers issuing a tiny indexed lookup through `createPool({ max: 10 })`, against a bare
// `pg.Pool` of the same size in the same run. Each round gives each pool 30 s of load in 5-s slices taken
// in turn (bare, ours, ours, bare…), so a change in the machine's load falls on both; the figure is the
// ratio of the medians of the slices. BENCH_POOL_SECONDS shortens a round (default 30) for quick tries.
import pg from 'pg';
import { createPool } from '../dist/pool/index.js';
import { median, psql, row, serverUrlFor } from './lib.mjs';

const CALLERS = 500;
const MAX = 10;
const ROWS = 10_000;
const SLICE_MS = 5_000;
const WARM_UP_MS = 1_000;
const LOOKUP = 'select name from bench_items where id = $1';

export async function run({ rounds = 2, seconds = Number(process.env.BENCH_POOL_SECONDS ?? 30) } = {}) {
  const database = `launchdb_bench_pool_${process.pid}`;
  const admin = serverUrlFor('postgres');
  psql(admin, `drop database if exists ${database} with (force)`);
  psql(admin, `create database ${database}`);
  const url = serverUrlFor(database);
  try {
    psql(
      url,
      `create table bench_items (id int primary key, name text not null);
       insert into bench_items select i, 'item ' || i from generate_series(1, ${ROWS}) i; analyze bench_items;`,
    );
    const throughput = { bare: [], ours: [] };
    const waits = { p50: [], p99: [] };
    const errors = { bare: 0, ours: 0 };
    let queries = 0;
    const slices = Math.max(1, Math.round((seconds * 1000) / SLICE_MS));
    const sliceMs = (seconds * 1000) / slices;
    for (let round = 0; round < rounds; round++) {
      const pools = {
        bare: new pg.Pool({ connectionString: url, max: MAX }),
        ours: createPool({ url, max: MAX, project: 'bench', kind: 'web' }),
      };
      for (const pool of Object.values(pools)) await drive(pool, WARM_UP_MS);
      for (let slice = 0; slice < slices; slice++) {
        for (const name of slice % 2 === 0 ? ['bare', 'ours'] : ['ours', 'bare']) {
          const result = await drive(pools[name], sliceMs);
          throughput[name].push(result.perSecond);
          errors[name] += result.errors;
          if (name !== 'ours') continue;
          queries += result.queries;
          const { acquireWait } = pools.ours.stats();
          waits.p50.push(acquireWait.p50);
          waits.p99.push(acquireWait.p99);
        }
      }
      await Promise.all(Object.values(pools).map((pool) => pool.end()));
    }
    return [
      row(
        `${CALLERS} concurrent callers, a one-row indexed lookup, ${seconds} s per pool × ${rounds} rounds in ${Math.round(sliceMs / 1000)}-s slices taken in turn: queries per second through \`createPool({ max: ${MAX} })\` (target ≥ 0.95× the anchor) vs a bare \`pg.Pool\` of the same size, median of the slices`,
        median(throughput.ours),
        median(throughput.bare),
        'q/s',
      ),
      {
        figure: `errors through \`createPool\` (target 0), of ${queries} queries (the bare pool: ${errors.bare})`,
        ours: String(errors.ours),
        anchor: '—',
        ratio: '—',
      },
      row(
        'acquire wait p50 through `createPool`, from `pool.stats()` at the end of each slice',
        median(waits.p50),
      ),
      row('acquire wait p99 through `createPool`, from `pool.stats()`', median(waits.p99)),
    ];
  } finally {
    psql(admin, `drop database if exists ${database} with (force)`);
  }
}

/** CALLERS loops, each awaiting one lookup after another until the time is up. */
async function drive(pool, ms) {
  const deadline = performance.now() + ms;
  let queries = 0;
  let errors = 0;
  const caller = async () => {
    while (performance.now() < deadline) {
      try {
        await pool.query(LOOKUP, [1 + Math.floor(Math.random() * ROWS)]);
        queries++;
      } catch {
        errors++;
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: CALLERS }, caller));
  const elapsed = (performance.now() - started) / 1000;
  return { queries, errors, perSecond: queries / elapsed };
}
