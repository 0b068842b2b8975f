// `launchdb check --json` on the 2,000-table server database built by its 80 migrations (the drift
// suite's schema, applied by `migrate up`), with schema.drift's expected schema cached and not:
// - repeat runs (the local copy; the database's copy, as on another machine) against the same check
//   with drift skipped (a copy of the project without its migration files: every other check runs);
//   on a repeat the live catalogs' fingerprint is unchanged, so the kept reading and comparison are
//   reused; also timed, the same repeat with that kept reading deleted (the live schema read in full);
// - the first run (no cache, no kept shadow: every migration replays into a new kept shadow) against
//   the replay floor, `psql -f` of the same files into an empty database (one transaction per file);
// - the cache deleted with the kept shadow still there (its snapshot verified, nothing replayed);
// - a deploy of one more migration: `migrate up` (which caches what drift now expects, replaying the
//   one file into the kept shadow), then `check`.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { migrations } from './drift.mjs';
import { BIN, benchProject, median, psql, row, serverUrlFor, timeRun } from './lib.mjs';

export async function run({ runs = 5 } = {}) {
  const database = `launchdb_bench_cache_${process.pid}`;
  const scratch = `${database}_scratch`;
  const kept = `${database}_shadow_kept`;
  const admin = serverUrlFor('postgres');
  psql(admin, `drop database if exists ${database} with (force)`);
  psql(admin, `create database ${database}`);
  const url = serverUrlFor(database);
  const environments = { staging: { postgres: { url, adminUrl: admin } } };
  const dir = benchProject('bench_drift_cache', environments);
  const withoutDrift = benchProject('bench_drift_cache', environments);
  const cli = (args, cwd = dir, okCodes = [0]) =>
    timeRun(process.execPath, [BIN, ...args, '--env', 'staging'], { cwd, okCodes });
  try {
    const files = migrations();
    mkdirSync(join(dir, 'db/migrations'), { recursive: true });
    files.forEach((sql, i) => {
      writeFileSync(join(dir, 'db/migrations', `20260101${String(i).padStart(6, '0')}_part.sql`), sql);
    });
    const all = join(dir, 'all.sql');
    writeFileSync(all, files.map((sql) => `begin;\n${sql}\ncommit;`).join('\n'));
    cli(['attach', 'postgres']);
    cli(['migrate', 'up']);

    /** `check --json`, its time, and schema.drift as it reported it (it must pass: no false drift). */
    const check = (cwd = dir) => {
      const { ms, stdout } = cli(['check', '--json'], cwd, [0, 1]);
      const drift = JSON.parse(stdout).checks.find((c) => c.id === 'schema.drift');
      if (cwd === dir && drift.status !== 'pass') throw new Error(`schema.drift: ${drift.summary}`);
      return { ms, source: drift.details?.expectedSchema?.source, live: drift.details?.liveSchema?.source };
    };
    /**
     * The time of a check whose expected schema came from `source`. A live schema read in full where
     * it was expected `unchanged` is counted, not refused: roles are the server's, and another
     * program's new role changes the fingerprint (a fresh reading, as it should).
     */
    const reread = { unchanged: 0, read: 0 };
    const expect = (result, source, live = 'read') => {
      if (result.source !== source) throw new Error(`expected the ${source}, got ${result.source}`);
      if (live === 'unchanged') reread[result.live === 'unchanged' ? 'unchanged' : 'read']++;
      else if (result.live !== live) throw new Error(`expected the live schema ${live}, got ${result.live}`);
      return result.ms;
    };
    const forgetLive = () => rmSync(join(dir, '.launchdb/cache/live'), { recursive: true, force: true });
    const forgetCache = () => {
      rmSync(join(dir, '.launchdb/cache'), { recursive: true, force: true });
      psql(url, 'delete from launchdb.expected_schema');
    };

    const first = [];
    const floor = [];
    const repeat = [];
    const fromDatabase = [];
    const keptOnly = [];
    const noDrift = [];
    const fullRead = [];
    // Both cold figures are the server creating 2,000 tables' files: each starts after a checkpoint
    // and the disk's cache written out, so neither pays for the other's writes, in alternating order.
    const settle = () => {
      psql(admin, 'checkpoint');
      spawnSync('sync');
    };
    const firstRun = () => {
      rmSync(join(dir, '.launchdb/cache'), { recursive: true, force: true });
      psql(admin, `drop database if exists ${kept} with (force)`);
      psql(url, 'delete from launchdb.expected_schema');
      settle();
      first.push(expect(check(), 'kept shadow'));
    };
    const floorRun = () => {
      psql(admin, `create database ${scratch}`);
      settle();
      floor.push(timeRun('psql', [serverUrlFor(scratch), '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-f', all]).ms);
      psql(admin, `drop database ${scratch} with (force)`);
    };
    check(); // makes launchdb.expected_schema, which each first run empties
    for (let i = 0; i < runs; i++) {
      // The first run: nothing cached anywhere, no kept shadow.
      if (i % 2 === 0) {
        firstRun();
        floorRun();
      } else {
        floorRun();
        firstRun();
      }

      // The warm runs are short and noisy: three of each per cold one, alternating, after one
      // untimed run while the server writes out what the replays made.
      check();
      for (let j = 0; j < 3; j++) {
        repeat.push(expect(check(), 'local cache', 'unchanged'));
        noDrift.push(check(withoutDrift).ms);
        forgetLive();
        fullRead.push(expect(check(), 'local cache'));
        rmSync(join(dir, '.launchdb/cache'), { recursive: true, force: true });
        fromDatabase.push(expect(check(), 'database cache'));
      }
      forgetCache();
      keptOnly.push(expect(check(), 'kept shadow'));
    }

    // A deploy: one more migration, applied and cached by migrate up, then the gate.
    writeFileSync(
      join(dir, 'db/migrations/20260201000000_more.sql'),
      'create table more (id bigint primary key, t0_id bigint references t0 (id));\n',
    );
    const up = cli(['migrate', 'up']).ms;
    const after = expect(check(), 'local cache');
    const afterRepeat = expect(check(), 'local cache', 'unchanged');

    const m = median;
    return [
      row(
        `\`check --json\` repeated, ${files.length} migrations, 2,000 tables: expected schema from the local cache, live catalogs' fingerprint unchanged (${reread.unchanged} of ${reread.unchanged + reread.read} runs found it so) (target ≤ 1.5×) vs the same check with drift skipped`,
        m(repeat),
        m(noDrift),
      ),
      row(
        'the same with the kept live reading deleted: the live schema read in full, vs drift skipped',
        m(fullRead),
        m(noDrift),
      ),
      row(
        'the same from the database cache (no local copy: another machine) vs drift skipped',
        m(fromDatabase),
        m(noDrift),
      ),
      row(
        '`check --json`, first run: nothing cached, every migration replayed into a new kept shadow (target ≤ 1×) vs the replay floor, `psql -f` into an empty database',
        m(first),
        m(floor),
      ),
      row(
        '`check --json` with the cache deleted, the kept shadow verified by its snapshot and nothing replayed, vs drift skipped',
        m(keptOnly),
        m(noDrift),
      ),
      row(
        'a deploy: `migrate up` of one more migration, caching what drift expects (1 file replayed into the kept shadow)',
        up,
      ),
      row(
        'then `check --json`: the expected schema from the cache migrate up wrote (the live schema read in full: it changed), vs drift skipped',
        after,
        m(noDrift),
      ),
      row(
        'and `check --json` once more (the live catalogs unchanged), vs drift skipped',
        afterRepeat,
        m(noDrift),
      ),
    ];
  } finally {
    psql(admin, `drop database if exists ${scratch} with (force)`);
    psql(admin, `drop database if exists ${kept} with (force)`);
    psql(admin, `drop database if exists ${database} with (force)`);
    rmSync(dir, { recursive: true, force: true });
    rmSync(withoutDrift, { recursive: true, force: true });
  }
}
