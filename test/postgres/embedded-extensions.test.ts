// Embedded Postgres with the extensions real schemas ask for: a migration creating pgcrypto, citext
// and pg_trgm applies on PGlite, the extensions work again when another process opens the data dir,
// check, drift (embedded shadow) and a drill (embedded scratch) all pass; a migration or a backup
// that needs an extension PGlite does not ship is refused in one line, with nothing applied.
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openInMemory } from '../../src/stores/postgres/embedded.js';
import { unavailableExtensions } from '../../src/stores/postgres/embedded-extensions.js';
import { serveEmbedded } from '../../src/stores/postgres/serve.js';
import { BIN, runBin, runCli, runNode } from '../helpers/cli.js';
import { adminQuery, serverAvailable, serverUrlFor, uniqueName } from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';

const EXTENSIONS_MIGRATION = `create extension if not exists pgcrypto;
create extension if not exists citext;
create extension if not exists pg_trgm;

create table account (
  id uuid primary key default gen_random_uuid(),
  email citext not null unique,
  password_hash text not null,
  name text not null
);
create index account_name_trgm on account using gin (name gin_trgm_ops);

insert into account (email, password_hash, name)
values ('Ada@Example.com', crypt('analytical', gen_salt('bf', 4)), 'Ada Lovelace');
`;

/** Each extension's own code at work: a bcrypt check, a case-blind match, a trigram similarity. */
const USE_EXTENSIONS = `select password_hash = crypt('analytical', password_hash) as password_ok,
       similarity(name, 'Ada Lovlace') > 0.5 as similar
  from account where email = 'ada@example.com'`;

describe('an embedded database', () => {
  it('creates and runs the extensions PGlite ships, and names those it does not', async () => {
    const db = await openInMemory();
    try {
      await db.query(`create extension "uuid-ossp"; create extension hstore; create extension ltree;
        create extension fuzzystrmatch; create extension earthdistance cascade; create extension unaccent`);
      const { rows } = await db.query(`select uuid_generate_v4() is not null as uuid,
        ('a=>1'::hstore) -> 'a' as hstore, 'top.science'::ltree @> 'top.science.astronomy' as ltree,
        levenshtein('kitten', 'sitting') as levenshtein, unaccent('crème') as unaccent,
        round(earth_distance(ll_to_earth(0, 0), ll_to_earth(0, 1))) > 0 as earthdistance`);
      expect(rows).toEqual([
        { uuid: true, hstore: '1', ltree: true, levenshtein: 3, unaccent: 'creme', earthdistance: true },
      ]);
      const asked = ['plpgsql', 'pgcrypto', 'citext', 'pg_trgm', '"uuid-ossp"', 'postgis', 'vector'];
      expect(await unavailableExtensions(db, asked)).toEqual(['postgis']);
    } finally {
      await db.close();
    }
  });

  it('creates pgvector, which PGlite ships in its own package, and searches by distance with an index', async () => {
    const db = await openInMemory();
    try {
      await db.query(`create extension vector;
        create table item (id int primary key, embedding vector(3));
        insert into item values (1, '[1,0,0]'), (2, '[0,1,0]'), (3, '[0.9,0.1,0]');
        create index item_embedding on item using hnsw (embedding vector_l2_ops)`);
      const { rows } = await db.query(`select id from item order by embedding <-> '[1,0,0]' limit 2`);
      expect(rows).toEqual([{ id: 1 }, { id: 3 }]);
    } finally {
      await db.close();
    }
  });
});

describe('an embedded environment whose migrations create extensions', () => {
  let project: TempProject;
  const cli = (args: string[]) => runCli(args, { cwd: project.dir });
  const dataDir = () => join(project.dir, '.launchdb', 'development', 'postgres');

  beforeAll(async () => {
    project = tempProject(`{
      project: '{project}',
      environments: { development: { postgres: {} } },
    }`);
    expect((await cli(['attach', 'postgres', '--env', 'development'])).code).toBe(0);
    project.write('db/migrations/20260101000000_accounts.sql', EXTENSIONS_MIGRATION);
  });

  afterAll(() => project?.remove());

  it('applies a migration creating pgcrypto, citext and pg_trgm (with a gin trigram index)', async () => {
    const result = await cli(['migrate', 'up', '--env', 'development', '--json']);
    expect(result.code).toBe(0);
    const run = JSON.parse(result.stdout) as { applied: number; failed: unknown };
    expect(run).toMatchObject({ applied: 1 });
  });

  it('has the extensions working again when another process opens the data dir', async () => {
    const rows = await queryInNewProcess(dataDir(), USE_EXTENSIONS);
    expect(rows).toEqual([{ password_ok: true, similar: true }]);
  });

  it('serves the extensions to a client of `launchdb serve`', async () => {
    const served = await serveEmbedded(dataDir(), { port: 0 });
    const client = new pg.Client({ connectionString: served.url });
    try {
      await client.connect();
      expect((await client.query(USE_EXTENSIONS)).rows).toEqual([{ password_ok: true, similar: true }]);
    } finally {
      await client.end().catch(() => {});
      await served.stop();
    }
  });

  it('passes check from a new process', async () => {
    const result = await runBin(['check', '--env', 'development', '--only', 'schema', '--json'], {
      cwd: project.dir,
      timeoutMs: 120_000,
    });
    const report = JSON.parse(result.stdout) as { checks: { id: string; status: string; summary: string }[] };
    const bad = report.checks.filter((check) => check.status === 'fail' || check.status === 'error');
    expect(bad).toEqual([]);
    expect(result.code).toBe(0);
  });

  it('finds no drift, replaying the migrations into an embedded shadow', async () => {
    const result = await cli(['migrate', 'drift', '--env', 'development', '--json']);
    const drift = JSON.parse(result.stdout) as { shadow: string; drift: unknown[]; migrations: number };
    expect(drift).toMatchObject({ shadow: 'embedded', drift: [], migrations: 1 });
    expect(result.code).toBe(0);
  });

  it('drills a backup into an embedded scratch', async () => {
    const created = await queryInNewProcess(
      dataDir(),
      `select count(*)::int as n from pg_extension where extname in ('pgcrypto', 'citext', 'pg_trgm')`,
    );
    expect(created).toEqual([{ n: 3 }]);
    expect((await cli(['backup', 'create', '--env', 'development'])).code).toBe(0);
    const result = await cli(['backup', 'drill', '--env', 'development', '--json']);
    const drill = JSON.parse(result.stdout) as { ok: boolean; scratch: string; problems: string[] };
    expect(drill.problems).toEqual([]);
    expect(drill).toMatchObject({ ok: true, scratch: 'embedded' });
    expect(result.code).toBe(0);
  });

  it('refuses a migration needing an extension PGlite does not ship, in one line, applying nothing', async () => {
    project.write('db/migrations/20260102000000_before.sql', 'create table before_postgis (id int);\n');
    project.write(
      'db/migrations/20260103000000_places.sql',
      '-- create extension vector (only a comment)\ncreate extension if not exists postgis;\ncreate table place (id int);\n',
    );
    const result = await cli(['migrate', 'up', '--env', 'development']);
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines[0]).toContain(
      'migration db/migrations/20260103000000_places.sql needs extension postgis, which embedded Postgres (PGlite) does not ship',
    );
    expect(lines[0]).not.toContain('vector');
    expect(result.stderr).toContain('attach this environment to a server');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    const tables = await queryInNewProcess(
      dataDir(),
      `select count(*)::int as n from pg_class where relname in ('before_postgis', 'place')`,
    );
    expect(tables).toEqual([{ n: 0 }]);
  });
});

describe.skipIf(!serverAvailable)('a server backup drilled into an embedded scratch', () => {
  let project: TempProject;
  let database: string;

  beforeAll(async () => {
    database = uniqueName('ldb_ext_drill');
    await adminQuery(`create database ${database}`);
    project = tempProject(`{
      project: '{project}',
      environments: { development: { postgres: { url: '${serverUrlFor(database)}' } } },
    }`);
    const cli = (args: string[]) => runCli(args, { cwd: project.dir });
    expect((await cli(['attach', 'postgres', '--env', 'development'])).code).toBe(0);
    // pgrowlocks is on the server, not in PGlite.
    await adminQuery('create extension pgrowlocks; create table item (id int primary key)', [], database);
    expect((await cli(['backup', 'create', '--env', 'development'])).code).toBe(0);
  });

  afterAll(async () => {
    project?.remove();
    if (database) await adminQuery(`drop database if exists ${database} with (force)`).catch(() => {});
  });

  it('fails saying which extension embedded Postgres does not ship', async () => {
    const result = await runCli(['backup', 'drill', '--env', 'development', '--json'], { cwd: project.dir });
    const drill = JSON.parse(result.stdout) as { ok: boolean; scratch: string; problems: string[] };
    expect(drill).toMatchObject({ ok: false, scratch: 'embedded' });
    expect(drill.problems).toEqual([
      expect.stringContaining(
        'the backup needs extension pgrowlocks, which embedded Postgres (PGlite) does not ship',
      ),
    ]);
    expect(result.code).toBe(1);
  });
});

/** Runs `sql` on the embedded data dir from a new node process, through the built module. */
async function queryInNewProcess(dataDir: string, sql: string): Promise<Record<string, unknown>[]> {
  const embedded = new URL('../stores/postgres/embedded.js', `file://${BIN}`).href;
  const script = `const { openEmbedded } = await import(${JSON.stringify(embedded)});
const db = await openEmbedded(${JSON.stringify(dataDir)});
try { process.stdout.write(JSON.stringify((await db.query(${JSON.stringify(sql)})).rows)); }
finally { await db.close(); }`;
  const result = await runNode(['--input-type=module', '-e', script]);
  if (result.code !== 0)
    throw new Error(`exit ${result.code}: ${result.stderr.split('\n').slice(0, 5).join('\n')}`);
  return JSON.parse(result.stdout) as Record<string, unknown>[];
}
