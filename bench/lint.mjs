// `launchdb migrate lint --json` over 500 generated realistic migrations, as a whole process (target ≤ 2 s).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, benchProject, median, row, timeRun } from './lib.mjs';

const FILES = 500;

export async function run({ runs = 5 } = {}) {
  const dir = benchProject('lintbench', { development: { postgres: {} } });
  try {
    writeMigrations(join(dir, 'db', 'migrations'));
    const args = [BIN, 'migrate', 'lint', '--json'];
    // The generated history has findings on purpose (exit 1): lint must read all of it either way.
    const first = timeRun(process.execPath, args, { cwd: dir, okCodes: [0, 1] });
    const document = JSON.parse(first.stdout);
    if (document.files !== FILES) throw new Error(`linted ${document.files} files, expected ${FILES}`);
    const times = [];
    for (let i = 0; i < runs; i++)
      times.push(timeRun(process.execPath, args, { cwd: dir, okCodes: [0, 1] }).ms);
    return [row(`Lint ${FILES} migration files, \`migrate lint --json\` (target ≤ 2 s)`, median(times))];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A history like an app's: tables with keys, unique indexes and foreign keys, an ALTER every fifth. */
function writeMigrations(folder) {
  mkdirSync(folder, { recursive: true });
  for (let i = 0; i < FILES; i++) {
    const version = (20260101000000n + BigInt(i) * 100n).toString();
    const name = i % 5 === 4 ? `alter_t${i - 1}` : i % 10 === 7 ? `index_t${i - 2}` : `create_t${i}`;
    writeFileSync(join(folder, `${version}_${name}.sql`), migration(i));
  }
}

function migration(i) {
  if (i % 5 === 4) {
    const table = `t${i - 1}`;
    return [
      `-- ${table}: a status, and a check on it, validated in a later migration`,
      `ALTER TABLE ${table} ADD COLUMN status text NOT NULL DEFAULT 'active';`,
      `ALTER TABLE ${table} ADD COLUMN archived_at timestamptz;`,
      `ALTER TABLE ${table} ADD CONSTRAINT ${table}_status_check CHECK (status IN ('active', 'archived')) NOT VALID;`,
      `CREATE INDEX ${table}_status_idx ON ${table} (status) WHERE archived_at IS NULL;`,
      '',
    ].join('\n');
  }
  if (i % 10 === 7) {
    const table = `t${i - 2}`;
    return [
      '-- launchdb:no-transaction',
      `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${table}_created_at_idx ON ${table} (created_at DESC);`,
      '',
    ].join('\n');
  }
  const parent = i > 0 ? `t${i - 1 - (i % 5 === 0 ? 1 : 0)}` : undefined;
  return [
    `CREATE TABLE t${i} (`,
    '  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,',
    '  name text NOT NULL,',
    '  email text NOT NULL,',
    `  settings jsonb NOT NULL DEFAULT '{}'::jsonb,`,
    ...(parent ? [`  parent_id bigint REFERENCES ${parent} (id) ON DELETE CASCADE,`] : []),
    '  created_at timestamptz NOT NULL DEFAULT now(),',
    '  updated_at timestamptz NOT NULL DEFAULT now()',
    ');',
    `CREATE UNIQUE INDEX t${i}_email_key ON t${i} (lower(email));`,
    ...(parent ? [`CREATE INDEX t${i}_parent_id_idx ON t${i} (parent_id);`] : []),
    `COMMENT ON TABLE t${i} IS 'generated table ${i}';`,
    '',
  ].join('\n');
}
