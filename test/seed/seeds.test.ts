// Seeds on both backings: what may run where, idempotent reference data, the lint, the log, the status and the check.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ProjectFolder } from '../../src/core/project-file.js';
import { referenceSeedsChanged } from '../../src/stores/postgres/checks/reference-seeds-changed.js';
import { checksumOf } from '../../src/stores/postgres/migrate/migration-files.js';
import type { SeedFile } from '../../src/stores/postgres/seed/seed-files.js';
import { lintSeeds } from '../../src/stores/postgres/seed/seed-lint.js';
import { BACKINGS } from '../helpers/databases.js';
import { ENVIRONMENTS, type EnvName, type SeedProject, withSeedProject } from './helpers.js';

const SCHEMA = `
create table plans (
  id int generated always as identity primary key,
  slug text not null unique,
  name text not null,
  price numeric(10, 2) not null default 0
);
create table features (key text primary key, enabled boolean not null, meta jsonb);
create table roles (name text primary key, description text);
create table members (email text primary key, name text);
create table notes (id int primary key, body text);
create table regions (id serial primary key, name text not null, active boolean not null default true);
create table logs (msg text);
create table tags (id int primary key, label text);`;

const PLANS = JSON.stringify([
  { slug: 'free', name: 'Free' },
  { slug: 'pro', name: 'Pro', price: 12.5 },
]);
const ROLES_SQL = `insert into roles (name, description) values ('admin', 'everything'), ('viewer', 'reads')
  on conflict (name) do update set description = excluded.description;\n`;
const FEATURES_CSV = 'key,enabled,meta\nexport,true,"{""tier"": ""pro""}"\nbeta,false,\n';

describe.each(BACKINGS)('seeds on %s Postgres', (backing) => {
  let p: SeedProject;
  const test = withSeedProject(
    backing,
    (made) => {
      p = made;
    },
    `seeds: { keys: { plans: ['slug'], tags: ['label'] } },`,
  );
  beforeAll(async () => {
    if (p) for (const env of ENVIRONMENTS) await p.query(env, SCHEMA);
  });

  /** One round of facts per assertion point: each query opens the embedded database afresh. */
  const one = async <Row>(env: EnvName, sql: string) => (await p.query<Row>(env, sql))[0]!;
  const untouched = (env: EnvName) =>
    one(
      env,
      `select (select count(*)::int from members) as members, (select count(*)::int from plans) as plans,
              to_regclass('launchdb.seeds') is not null as logged`,
    );
  const logged = (env: EnvName, names: string[]) =>
    p.query<{ name: string }>(
      env,
      `select name from launchdb.seeds where name in (${names.map((name) => `'${name}'`).join(', ')}) order by id`,
    );
  const demoAndReference = () => {
    p.clearSeeds();
    p.seed('reference', 'plans.json', PLANS);
    p.seed('demo', 'members.json', JSON.stringify([{ email: 'test@example.com', name: 'Test User' }]));
    p.seed('demo', '020_more.sql', `insert into members values ('ann@example.com', 'Ann');\n`);
  };

  test('refuses demo seeds in production before touching anything, naming the environment and the files', async () => {
    demoAndReference();
    const refused = await p.cli(['seed', '--env', 'production', '--kind', 'demo', '--confirm', 'production']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('refusing demo seeds for production');
    expect(refused.stderr).toContain('db/seeds/demo/020_more.sql, db/seeds/demo/members.json');
    expect(refused.stderr).not.toContain('target:');
    expect(await untouched('production')).toEqual({ members: 0, plans: 0, logged: false });
  });

  test('refuses demo seeds in a `guarded: true` environment the same way', async () => {
    demoAndReference();
    const refused = await p.cli(['seed', '--env', 'staging', '--kind', 'demo', '--confirm', 'staging']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('staging is production-like (`guarded: true` in the config)');
    expect(refused.stderr).toContain('db/seeds/demo/members.json');
    expect(await untouched('staging')).toEqual({ members: 0, plans: 0, logged: false });
  });

  test('seeds only reference data into a guarded environment, saying how many demo files were left out and why', async () => {
    demoAndReference();
    expect((await p.cli(['seed', '--env', 'production'])).code).toBe(2); // not confirmed
    const seeded = await p.cli(['seed', '--env', 'production', '--confirm', 'production']);
    expect(seeded.code, seeded.stderr).toBe(0);
    expect(seeded.stderr).toContain(
      '2 demo seed files were not applied: production is production-like, and demo data never goes there',
    );
    expect(
      await one(
        'production',
        `select (select count(*)::int from members) as members, (select count(*)::int from plans) as plans,
                (select json_agg(json_build_object('name', name, 'kind', kind)) from launchdb.seeds) as logged`,
      ),
    ).toEqual({ members: 0, plans: 2, logged: [{ name: 'plans.json', kind: 'reference' }] });
  });

  test('`seed --status` on a guarded environment lists no demo file as pending, and calls out a demo seed applied there', async () => {
    demoAndReference();
    const clean = await p.cli(['seed', '--env', 'production', '--status']);
    expect(clean.code, clean.stdout + clean.stderr).toBe(0);
    expect(clean.stdout).not.toContain('db/seeds/demo/');
    expect(clean.stdout).toContain('1 applied, 0 pending, 0 changed, 0 missing');
    // As if the database had been seeded for a demo, then attached as production.
    await p.query(
      'production',
      `insert into launchdb.seeds (name, kind, checksum, launchdb_version) values ('members.json', 'demo', 'x', '0')`,
    );
    const flagged = await p.cli(['seed', '--env', 'production', '--status']);
    expect(flagged.code).toBe(1);
    expect(flagged.stdout).toMatch(/changed +demo +db\/seeds\/demo\/members\.json/);
    expect(flagged.stdout).toContain('1 demo seed was applied to production, a production-like environment');
  });

  test('reference seeds run twice leave the same rows: SQL with ON CONFLICT, JSON by a declared key, CSV by the primary key', async () => {
    p.clearSeeds();
    p.seed('reference', '010_roles.sql', ROLES_SQL);
    p.seed('reference', '020_plans.json', PLANS);
    p.seed('reference', 'features.csv', FEATURES_CSV);
    const snapshot = () =>
      one(
        'development',
        `select (select json_agg(r order by name) from roles r) as roles,
                (select json_agg(p order by slug) from plans p) as plans,
                (select json_agg(f order by key) from features f) as features,
                (select count(*)::int from launchdb.seeds where name = '020_plans.json') as logged`,
      );
    const first = await p.cli(['seed', '--env', 'development']);
    expect(first.code).toBe(0);
    const once = await snapshot();
    expect(once).toMatchObject({
      plans: [
        { slug: 'free', name: 'Free', price: 0 },
        { slug: 'pro', name: 'Pro', price: 12.5 },
      ],
      features: [
        { key: 'beta', enabled: false, meta: null },
        { key: 'export', enabled: true, meta: { tier: 'pro' } },
      ],
      roles: [
        { name: 'admin', description: 'everything' },
        { name: 'viewer', description: 'reads' },
      ],
      logged: 1,
    });
    const second = await p.cli(['seed', '--env', 'development']);
    expect(second.stdout).toContain('db/seeds/reference/020_plans.json (2 rows, 0 written');
    // A row edited by hand converges back to the seed on the next run.
    await p.query('development', `update plans set name = 'Renamed' where slug = 'pro'`);
    expect((await p.cli(['seed', '--env', 'development'])).stdout).toContain('(2 rows, 1 written');
    expect(await snapshot()).toEqual({ ...once, logged: 3 });
  });

  test('applies a demo file once per content, skipping it while unchanged', async () => {
    p.clearSeeds();
    p.seed('demo', 'members.json', JSON.stringify([{ email: 'demo@example.com', name: 'Demo' }]));
    expect((await p.cli(['seed', '--env', 'development', '--kind', 'demo'])).code).toBe(0);
    const again = await p.cli(['seed', '--env', 'development', '--kind', 'demo', '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({
      applied: 0,
      skipped: 1,
      results: [{ file: 'db/seeds/demo/members.json', status: 'skipped' }],
    });
  });

  // Embedded Postgres admits one process at a time anyway (its file lock); on a server, the advisory lock does it.
  test.skipIf(backing === 'embedded')(
    'two seed runs at once take turns: a demo file is applied once',
    async () => {
      p.clearSeeds();
      p.seed('demo', '090_race.sql', `insert into members values ('race@example.com', 'Race');\n`);
      const runs = await Promise.all([1, 2].map(() => p.cli(['seed', '--env', 'development', '--json'])));
      expect(runs.map((run) => run.code)).toEqual([0, 0]);
      expect(runs.map((run) => JSON.parse(run.stdout).results[0].status).sort()).toEqual([
        'applied',
        'skipped',
      ]);
      expect(await logged('development', ['090_race.sql'])).toHaveLength(1);
    },
  );

  test('rejects a non-idempotent reference seed by the lint with file:line:col, applying nothing', async () => {
    p.clearSeeds();
    p.seed(
      'reference',
      '011_lint_ok.sql',
      `insert into roles values ('lint-ok', 'x') on conflict do nothing;\n`,
    );
    p.seed(
      'reference',
      '020_bad.sql',
      `insert into roles values ('editor', 'writes');\nupdate roles set description = 'none';\n`,
    );
    const refused = await p.cli(['seed', '--env', 'development']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('2 seed lint errors; nothing was applied');
    expect(refused.stderr).toContain('db/seeds/reference/020_bad.sql:1:1: insert-without-on-conflict');
    expect(refused.stderr).toContain('db/seeds/reference/020_bad.sql:2:1: update-without-where');
    expect(
      await one(
        'development',
        `select (select count(*)::int from roles where name in ('lint-ok', 'editor')) as rows,
                (select count(*)::int from launchdb.seeds where name in ('011_lint_ok.sql', '020_bad.sql')) as logged`,
      ),
    ).toEqual({ rows: 0, logged: 0 });
  });

  test('rolls back a failing seed file and logs nothing of it; later files are not attempted', async () => {
    p.clearSeeds();
    p.seed('reference', '031_roles.sql', ROLES_SQL);
    p.seed(
      'reference',
      '040_fails.sql',
      `insert into roles values ('auditor', 'reads') on conflict do nothing;\ninsert into nowhere (id) values (1) on conflict do nothing;\n`,
    );
    p.seed('reference', '050_after.sql', `insert into roles values ('later', 'x') on conflict do nothing;\n`);
    p.seed('reference', 'notes.json', JSON.stringify([{ id: 77, body: 'never' }]));
    const failed = await p.cli(['seed', '--env', 'development']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain(
      'db/seeds/reference/040_fails.sql:2:13: relation "nowhere" does not exist (42P01)',
    );
    expect(failed.stdout).toContain('not-attempted db/seeds/reference/050_after.sql');
    expect(failed.stdout).toContain('1 applied, 1 failed (rolled back, not logged), 2 not attempted');
    expect(
      await one(
        'development',
        `select (select count(*)::int from roles where name in ('auditor', 'later')) as roles,
                (select count(*)::int from notes where id = 77) as notes,
                (select json_agg(name order by id) from launchdb.seeds
                  where name in ('031_roles.sql', '040_fails.sql', '050_after.sql', 'notes.json')) as logged`,
      ),
    ).toEqual({ roles: 0, notes: 0, logged: ['031_roles.sql'] });
  });

  test('a rows file that fails in the database rolls back whole', async () => {
    p.clearSeeds();
    p.seed(
      'reference',
      '060_regions.json',
      JSON.stringify([
        { id: 500, name: 'Mars' },
        { id: 501, name: null },
      ]),
    );
    const failed = await p.cli(['seed', '--env', 'development']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toContain('db/seeds/reference/060_regions.json: null value in column "name"');
    expect(
      await one(
        'development',
        `select (select count(*)::int from regions where id = 500) as rows,
                (select count(*)::int from launchdb.seeds where name = '060_regions.json') as logged`,
      ),
    ).toEqual({ rows: 0, logged: 0 });
  });

  test('reports an edited applied reference seed in `seed --status` (exit 1) and in seed.reference-changed', async () => {
    p.clearSeeds();
    expect((await p.runCheck('staging', referenceSeedsChanged)).status).toBe('skip');
    p.seed('reference', '070_roles.sql', ROLES_SQL);
    p.seed('reference', '071_plans.json', PLANS);
    p.seed('demo', '070_members.json', JSON.stringify([{ email: 'status@example.com' }]));
    expect((await p.cli(['seed', '--env', 'development', '--kind', 'reference'])).code).toBe(0);
    const clean = await p.cli(['seed', '--env', 'development', '--status']);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toMatch(/applied +reference +db\/seeds\/reference\/070_roles\.sql +\S+ \S+ by \S+/);
    expect(clean.stdout).toMatch(/pending +demo +db\/seeds\/demo\/070_members\.json/);
    expect((await p.runCheck('development', referenceSeedsChanged)).status).toBe('pass');

    p.seed('reference', '070_roles.sql', `${ROLES_SQL}-- and a comment\n`);
    rmSync(join(p.project.dir, 'db/seeds/reference/071_plans.json'));
    const edited = await p.cli(['seed', '--env', 'development', '--status']);
    expect(edited.code).toBe(1);
    expect(edited.stdout).toMatch(/changed +reference +db\/seeds\/reference\/070_roles\.sql/);
    expect(edited.stdout).toMatch(/missing +reference +reference\/071_plans\.json/);
    expect(edited.stdout).toContain('1 reference seed changed since applied');
    const json = await p.cli(['seed', '--env', 'development', '--status', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ environment: 'development', referenceChanged: 1 });
    const check = await p.runCheck('development', referenceSeedsChanged);
    expect(check.status).toBe('warn');
    expect(check.summary).toContain(
      '1 reference seed(s) changed since applied: db/seeds/reference/070_roles.sql',
    );
    expect(check.fix).toContain('launchdb seed --env development --kind reference');
  });

  test('refuses bad seed file names and an unknown kind', async () => {
    p.clearSeeds();
    p.seed('reference', 'plans.txt', 'free');
    p.seed('demo', 'my-members.json', '[]');
    const refused = await p.cli(['seed', '--env', 'development']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('2 bad seed files');
    expect(refused.stderr).toContain('db/seeds/reference/plans.txt: expected a .sql, .json or .csv file');
    expect(refused.stderr).toContain('db/seeds/demo/my-members.json: a rows file is named after its table');
    const kind = await p.cli(['seed', '--env', 'development', '--kind', 'fixtures']);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toContain('--kind fixtures is not a seed kind');
  });

  test('CSV: an empty field is NULL, a quoted empty field is the empty string', async () => {
    p.clearSeeds();
    p.seed('reference', 'notes.csv', 'id,body\n1,\n2,""\n3,text\n');
    expect((await p.cli(['seed', '--env', 'development'])).code).toBe(0);
    expect(await p.query('development', 'select id, body from notes where id <= 3 order by id')).toEqual([
      { id: 1, body: null },
      { id: 2, body: '' },
      { id: 3, body: 'text' },
    ]);
  });

  test('explicit ids move the sequence past them, and a column a row leaves out keeps its default', async () => {
    p.clearSeeds();
    p.seed(
      'reference',
      'regions.json',
      JSON.stringify([
        { id: 1, name: 'EU' },
        { id: 2, name: 'US', active: false },
      ]),
    );
    expect((await p.cli(['seed', '--env', 'development'])).code).toBe(0);
    expect(
      await p.query(
        'development',
        // The inserted row is not visible to the same statement's scan of regions, hence the union.
        `with added as (insert into regions (name) values ('APAC') returning id, name, active)
         select id, name, active from regions union all select * from added order by id`,
      ),
    ).toEqual([
      { id: 1, name: 'EU', active: true },
      { id: 2, name: 'US', active: false },
      { id: 3, name: 'APAC', active: true },
    ]);
  });

  test('refuses rows it cannot upsert, naming every such file, before applying anything', async () => {
    p.clearSeeds();
    p.seed('reference', '010_first.sql', `insert into roles values ('first', 'x') on conflict do nothing;\n`);
    const bad: [string, unknown[]][] = [
      ['logs.json', [{ msg: 'x' }]],
      ['tags.json', [{ id: 1, label: 'a' }]],
      ['ghosts.json', [{ id: 1 }]],
      ['roles.json', [{ name: 'a', colour: 'red' }]],
      ['plans.json', [{ name: 'No slug' }]],
      ['notes.json', [{ id: 9 }, { id: 9 }]],
    ];
    for (const [name, rows] of bad) p.seed('reference', name, JSON.stringify(rows));
    const refused = await p.cli(['seed', '--env', 'development']);
    expect(refused.code, refused.stderr).toBe(2);
    for (const expected of [
      '6 seed files cannot be upserted; nothing was applied',
      'db/seeds/reference/logs.json: table logs has no primary key and seeds.keys declares no key for it',
      'seeds.keys.tags is (label), but tags has no unique index on exactly those columns',
      'db/seeds/reference/ghosts.json: table ghosts does not exist',
      'db/seeds/reference/roles.json: row 1 has column colour, which roles does not have',
      'db/seeds/reference/plans.json: row 1 has no value for key column slug',
      'db/seeds/reference/notes.json: row 2 repeats the key (id) of row 1',
    ])
      expect(refused.stderr).toContain(expected);
    expect(await p.query('development', `select name from roles where name = 'first'`)).toEqual([]);
  });
});

describe('the seed lint', () => {
  const seed = (kind: 'reference' | 'demo', content: string): SeedFile => ({
    kind,
    name: 'x.sql',
    file: `db/seeds/${kind}/x.sql`,
    path: `/nowhere/${kind}/x.sql`,
    format: 'sql',
    source: new ProjectFolder('/nowhere', kind).file('x.sql'),
    pieces: () => [content],
    content,
    checksum: checksumOf(content),
  });
  const rules = async (kind: 'reference' | 'demo', sql: string) =>
    (await lintSeeds([seed(kind, sql)])).map(
      (finding) => `${finding.line}:${finding.column} ${finding.rule}`,
    );

  it('passes upserts, keyed updates and deletes, and MERGE', async () => {
    expect(
      await rules(
        'reference',
        `insert into plans (slug) values ('free') on conflict (slug) do nothing;
         update plans set name = 'Free' where slug = 'free';
         delete from plans where slug = 'legacy';
         merge into plans p using (values ('pro')) v(slug) on p.slug = v.slug
           when not matched then insert (slug) values (v.slug);`,
      ),
    ).toEqual([]);
  });

  it('finds inserts, updates and deletes anywhere in a statement, TRUNCATE, and COMMIT', async () => {
    expect(
      await rules(
        'reference',
        `with moved as (delete from old_plans returning slug)\ninsert into plans (slug) select slug from moved on conflict do nothing;
truncate plans;
commit;`,
      ),
    ).toEqual(['1:28 delete-without-where', '3:1 truncate', '4:1 transaction-control']);
  });

  it('lints demo seeds only for what breaks their transaction', async () => {
    expect(
      await rules('demo', `insert into members values ('a@example.com');\nbegin;\nsavepoint s;`),
    ).toEqual(['2:1 transaction-control']);
  });

  it('takes a reviewed suppression, and reports a syntax error where it is', async () => {
    expect(
      await rules(
        'reference',
        `-- launchdb-lint-ignore insert-without-on-conflict -- guarded by NOT EXISTS\ninsert into plans (slug) select 'free' where not exists (select 1 from plans where slug = 'free');`,
      ),
    ).toEqual([]);
    expect(await rules('demo', `select 1;\nselec 2;`)).toEqual(['2:1 syntax-error']);
  });
});
