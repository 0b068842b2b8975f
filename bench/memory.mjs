// Peak memory (max RSS) of `migrate up` and `seed` on one large file, embedded and on the server,
// beside `psql` reading the same file in the same run (`-1 -f` for SQL, `\copy` for CSV). Sizes in MB
// from LAUNCHDB_BENCH_MEMORY_SIZES (default 5,50,100); LAUNCHDB_BENCH_BIN measures another build.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { BIN as BUILT, benchProject, psql, serverUrlFor } from './lib.mjs';

const BIN = process.env.LAUNCHDB_BENCH_BIN ?? BUILT;
const SIZES = (process.env.LAUNCHDB_BENCH_MEMORY_SIZES ?? '5,50,100').split(',').map(Number);
const MB = 1024 * 1024;
const TABLE = 'create table items (id bigint primary key, name text not null, note text);\n';
const PSQL = ['-X', '-q', '-v', 'ON_ERROR_STOP=1'];

/** Max RSS of a process in MB, from GNU time, and whether it failed (a build that fails on the file is measured too). */
function peakOf(command, args, cwd) {
  const result = spawnSync('/usr/bin/time', ['-f', '%M', command, ...args], { cwd, encoding: 'utf8' });
  const lines = result.stderr.trim().split('\n');
  if (result.status !== 0)
    process.stderr.write(`  ${command} exited ${result.status}: ${lines.slice(-4, -1).join(' ')}\n`);
  return { mb: Number(lines.at(-1)) / 1024, failed: result.status !== 0 };
}

/** Writes about `mb` MB: `head`, then `line(i)` for i = 0, 1, … until the size is reached, then `tail`. */
function writeFile(path, mb, line, { head = '', tail = '' } = {}) {
  const fd = openSync(path, 'w');
  let size = 0;
  let buffer = head;
  for (let i = 0; size + buffer.length < mb * MB; i++) {
    buffer += line(i);
    if (buffer.length < MB) continue;
    writeSync(fd, buffer);
    size += buffer.length;
    buffer = '';
  }
  writeSync(fd, buffer + tail);
  closeSync(fd);
}

const name = (id) => `item ${id} with a name long enough to look like data`;
/** Five rows per INSERT, as a data migration or `pg_dump --inserts --rows-per-insert 5` writes them. */
const inserts =
  (upsert = false) =>
  (i) => {
    const values = [];
    for (let id = i * 5; id < i * 5 + 5; id++)
      values.push(`(${id}, '${name(id)}', ${id % 3 ? `'note ''${id}'' for the row'` : 'null'})`);
    return `insert into items (id, name, note) values ${values.join(', ')}${upsert ? ' on conflict (id) do nothing' : ''};\n`;
  };
const csvLine = (id) => `${id},${name(id)},${id % 3 ? `"note ""${id}"" for the row"` : ''}\n`;
const jsonLine = (id) =>
  `${id ? ',\n' : ''}${JSON.stringify({ id, name: name(id), note: id % 3 ? `note '${id}' for the row` : null })}`;

/** A project with one environment, attached; `cli` runs launchdb in it and measures it. */
function project(url) {
  const dir = benchProject('bench_memory', { bench: { postgres: url ? { url } : {} } });
  mkdirSync(join(dir, 'db', 'migrations'), { recursive: true });
  mkdirSync(join(dir, 'db', 'seeds', 'reference'), { recursive: true });
  writeFile(join(dir, 'db', 'migrations', '20260101000000_items.sql'), 0, () => '', { head: TABLE });
  const cli = (args) => peakOf(process.execPath, [BIN, ...args, '--env', 'bench'], dir);
  if (cli(['attach', 'postgres']).failed) throw new Error('attach failed');
  return { dir, cli };
}

export async function run() {
  const admin = serverUrlFor('postgres');
  const database = `launchdb_bench_mem_${process.pid}`;
  const fresh = () => {
    psql(admin, `drop database if exists ${database} with (force)`);
    psql(admin, `create database ${database}`);
    return serverUrlFor(database);
  };
  /** The anchor: psql on a database of its own with the table, reading the same file. */
  const anchor = (args) => {
    const own = `${database}_psql`;
    psql(admin, `drop database if exists ${own} with (force)`);
    psql(admin, `create database ${own}`);
    psql(serverUrlFor(own), TABLE);
    try {
      return peakOf('psql', [serverUrlFor(own), ...PSQL, ...args]);
    } finally {
      psql(admin, `drop database ${own} with (force)`);
    }
  };
  const rows = [];
  const record = (figure, ours, theirs) => {
    const failed = ours.failed ? ' (failed)' : '';
    rows.push({
      figure,
      ours: `${ours.mb.toFixed(0)} MB${failed}`,
      anchor: `${theirs.mb.toFixed(0)} MB`,
      ratio: (ours.mb / theirs.mb).toFixed(1),
    });
    process.stderr.write(`  ${figure}: ${ours.mb.toFixed(0)} MB${failed} vs ${theirs.mb.toFixed(0)} MB\n`);
  };
  try {
    for (const mb of SIZES) {
      for (const backing of ['embedded', 'server']) {
        let p = project(backing === 'server' ? fresh() : undefined);
        try {
          const file = join(p.dir, 'db', 'migrations', '20260101000001_load.sql');
          writeFile(file, mb, inserts());
          record(
            `peak memory, \`migrate up\` of a ${mb} MB migration, ${backing} (anchor \`psql -1 -f\`)`,
            p.cli(['migrate', 'up']),
            anchor(['-1', '-f', file]),
          );
        } finally {
          rmSync(p.dir, { recursive: true, force: true });
        }
        for (const format of ['sql', 'csv', 'json']) {
          p = project(backing === 'server' ? fresh() : undefined);
          try {
            if (p.cli(['migrate', 'up']).failed) throw new Error('migrate up failed');
            const file = join(p.dir, 'db', 'seeds', 'reference', `items.${format}`);
            if (format === 'sql') writeFile(file, mb, inserts(true));
            if (format === 'csv') writeFile(file, mb, csvLine, { head: 'id,name,note\n' });
            if (format === 'json') writeFile(file, mb, jsonLine, { head: '[\n', tail: '\n]\n' });
            // JSON has no psql reader: its anchor reads a SQL file of the same size.
            const sql = join(p.dir, 'same-size.sql');
            if (format === 'json') writeFile(sql, mb, inserts(true));
            const theirs =
              format === 'csv'
                ? anchor(['-c', `\\copy items from '${file}' csv header`])
                : anchor(['-1', '-f', format === 'sql' ? file : sql]);
            const how =
              format === 'csv'
                ? '`psql \\copy`'
                : format === 'sql'
                  ? '`psql -1 -f`'
                  : '`psql -1 -f` of as much SQL';
            record(
              `peak memory, \`seed\` of a ${mb} MB .${format} file, ${backing} (anchor ${how})`,
              p.cli(['seed']),
              theirs,
            );
          } finally {
            rmSync(p.dir, { recursive: true, force: true });
          }
        }
      }
    }
  } finally {
    psql(admin, `drop database if exists ${database} with (force)`);
  }
  return rows;
}
