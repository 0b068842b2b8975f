// objects.metadata-consistency over 100,000 objects in a folder and 100,000 rows on the server
// (100 orphans each way), through the CLI (`check --only objects --json`), against the same diff done
// by plain tools in the same run: `find | sort` of the folder, `psql copy … order by key collate "C"`
// and `comm`. Turns alternate.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, benchProject, median, psql, row, SERVER_URL, serverUrlFor, timeRun } from './lib.mjs';

const OBJECTS = 100_000;
const PER_FOLDER = 1_000;
const ORPHANS = 100;
const keyOf = (i) =>
  `uploads/${String(Math.floor(i / PER_FOLDER)).padStart(3, '0')}/${String(i).padStart(6, '0')}.txt`;

export async function run({ runs = 3 } = {}) {
  const database = `bench_objects_metadata_${process.pid}`;
  psql(SERVER_URL, `drop database if exists ${database}`);
  psql(SERVER_URL, `create database ${database}`);
  const url = serverUrlFor(database);
  const dir = benchProject('bench_objects_metadata', {
    bench: { postgres: { url }, objects: { metadata: { table: 'uploads', column: 'key' } } },
  });
  try {
    timeRun(process.execPath, [BIN, 'attach', 'objects', '--env', 'bench'], { cwd: dir });
    // Rows 0 … N-1 minus the first ORPHANS (objects with no row), plus ORPHANS keys with no object.
    psql(
      url,
      `create table uploads (id bigserial primary key, key text not null);
       insert into uploads (key)
         select format('uploads/%s/%s.txt', lpad((i / ${PER_FOLDER})::text, 3, '0'), lpad(i::text, 6, '0'))
           from generate_series(${ORPHANS}, ${OBJECTS + ORPHANS - 1}) i;`,
    );
    const folder = join(dir, '.launchdb', 'bench', 'objects');
    for (let i = 0; i < OBJECTS; i++) {
      if (i % PER_FOLDER === 0) mkdirSync(join(folder, keyOf(i), '..'), { recursive: true });
      writeFileSync(join(folder, keyOf(i)), 'x');
    }

    const check = () => {
      const { ms, stdout } = timeRun(
        process.execPath,
        [BIN, 'check', '--env', 'bench', '--only', 'objects', '--json'],
        { cwd: dir, okCodes: [0, 1] },
      );
      const report = JSON.parse(stdout);
      const result = report.checks.find((c) => c.id === 'objects.metadata-consistency');
      const { rowsWithoutObject, objectsWithoutRow, compared } = result.details ?? {};
      if (
        result.status !== 'fail' ||
        rowsWithoutObject?.count !== ORPHANS ||
        objectsWithoutRow?.count !== ORPHANS ||
        compared?.objects !== OBJECTS
      ) {
        throw new Error(`unexpected result: ${JSON.stringify(result)}`);
      }
      return { ms, checkMs: report.durationMs };
    };
    // The same two-way diff by plain tools: both sides sorted in byte order, `comm` reports each side's own.
    const baseline = () => {
      const { ms, stdout } = timeRun('bash', [
        '-c',
        `set -euo pipefail; export LC_ALL=C; cd ${JSON.stringify(folder)}
         comm -3 <(find uploads -type f | sort) \\
           <(psql ${JSON.stringify(url)} -X -q -c "copy (select key from uploads order by key collate \\"C\\") to stdout") | wc -l`,
      ]);
      if (Number(stdout.trim()) !== 2 * ORPHANS) throw new Error(`comm found ${stdout.trim()} orphans`);
      return ms;
    };
    const ours = [];
    const inner = [];
    const anchor = [];
    for (let i = 0; i < runs; i++) {
      const turn = [
        () => {
          const timed = check();
          ours.push(timed.ms);
          inner.push(timed.checkMs);
        },
        () => anchor.push(baseline()),
      ];
      if (i % 2 === 1) turn.reverse();
      for (const step of turn) step();
    }
    process.stderr.write(`the checks' run (report durationMs): ${inner.map(Math.round).join(', ')} ms\n`);
    return [
      row(
        `\`check --only objects\` with objects.metadata-consistency over ${OBJECTS.toLocaleString('en-US')} objects in a folder and ${OBJECTS.toLocaleString('en-US')} rows on the server (${ORPHANS} orphans each way) vs \`find | sort\` + \`psql copy … order by key collate "C"\` + \`comm -3\``,
        median(ours),
        median(anchor),
      ),
      row(
        "the same runs, the checks alone (the report's `durationMs`: no process start or config load) vs the same baseline",
        median(inner),
        median(anchor),
      ),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
    psql(SERVER_URL, `drop database if exists ${database} with (force)`);
  }
}
