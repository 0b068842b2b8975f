// Collections on embedded Postgres through the CLI: attach creates the schema, the tables, their
// declared indexes and RLS, and marks the schema; a re-run changes nothing; the checks pass, then fail
// on a dropped index, RLS turned off and a `with check (true)` write policy for PUBLIC, and pass again
// once fixed. env list has the documents row; bad config is refused naming the fix.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbedded } from '../../src/stores/postgres/embedded.js';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

let project: TempProject;

beforeAll(async () => {
  project = tempProject(`{
  project: '{project}',
  environments: {
    development: { postgres: {}, documents: { collections: {
      users: { indexes: [{ fields: ['email'], unique: true }, { gin: 'jsonb_path_ops' }] },
      'users/{uid}/orders': { indexes: [{ fields: ['status', 'placed.at'] }, { expression: "((data->>'total')::numeric)", name: 'orders_total_idx' }] },
    } } },
  },
}`);
  const attached = await runCli(['attach', 'postgres', '--env', 'development'], { cwd: project.dir });
  expect(attached.code, attached.stderr).toBe(0);
}, 60_000);

afterAll(() => project?.remove());

/** Runs SQL on the environment's embedded database, between CLI runs. */
async function sql(statements: string) {
  const db = await openEmbedded(join(project.dir, '.launchdb/development/postgres'));
  try {
    await db.query(statements);
  } finally {
    await db.close();
  }
}

async function check() {
  const result = await runCli(
    ['check', '--env', 'development', '--only', 'documents', '--json', '--no-record'],
    {
      cwd: project.dir,
    },
  );
  const report = JSON.parse(result.stdout) as {
    checks: { id: string; status: string; summary: string; details?: { problems?: string[] } }[];
  };
  return { code: result.code, byId: Object.fromEntries(report.checks.map((entry) => [entry.id, entry])) };
}

describe('attach documents on embedded Postgres', () => {
  it('creates the schema, a table per collection with RLS on, the declared indexes; marks the schema', async () => {
    const result = await runCli(['attach', 'documents', '--env', 'development', '--json'], {
      cwd: project.dir,
    });
    expect(result.code, result.stderr).toBe(0);
    const attached = JSON.parse(result.stdout);
    expect(attached).toMatchObject({
      store: 'documents',
      backing: 'embedded',
      mode: 'collections',
      location: '.launchdb/development/postgres schema documents',
      marked: true,
    });
    expect(attached.provisioned.created).toEqual([
      'schema documents',
      'table documents.users (row-level security on) for users',
      'index users_email_key on documents.users',
      'index users_data_gin on documents.users',
      'table documents.users__orders (row-level security on) for users/{uid}/orders',
      'index users__orders_status_placed_at_idx on documents.users__orders',
      'index orders_total_idx on documents.users__orders',
    ]);
    const again = await runCli(['attach', 'documents', '--env', 'development'], { cwd: project.dir });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^already attached: documents \(embedded\) to development/);
    expect(again.stdout).not.toMatch(/created|differs/);
  });

  it('the documents checks pass', async () => {
    const { code, byId } = await check();
    expect(byId['documents.reachable']?.status).toBe('pass');
    expect(byId['documents.collections']).toMatchObject({
      status: 'pass',
      summary: '2 collections in schema documents, each with data jsonb',
    });
    expect(byId['documents.indexes']).toMatchObject({
      status: 'pass',
      summary: '4 declared indexes in place and valid',
    });
    expect(byId['documents.rls']?.status).toBe('pass');
    expect(byId['documents.rules-version']?.status).toBe('skip');
    expect(code).toBe(0);
  });

  it('a dropped index, RLS off, and a write policy open to PUBLIC each fail; a re-attach recreates the index and reports RLS', async () => {
    await sql(`drop index documents.users_email_key;
      alter table documents.users__orders disable row level security;
      create policy anyone_writes on documents.users for insert to public with check (true);
      create policy anyone_reads on documents.users for select to public using (true);
      insert into documents.users (id, data) values ('u1', '{"email": "a@example.com"}'), ('u2', '{"email": "b@example.com"}');`);
    const { code, byId } = await check();
    expect(byId['documents.indexes']).toMatchObject({
      status: 'fail',
      summary: `documents.users: no index UNIQUE USING btree (((data ->> 'email'::text))) (users_email_key)`,
    });
    expect(byId['documents.rls']?.status).toBe('fail');
    expect(byId['documents.rls']?.details?.problems).toEqual([
      'documents.users__orders: row-level security is off',
      'documents.users: policy anyone_writes lets public INSERT every row (true)',
    ]);
    expect(code).toBe(1);

    const attached = await runCli(['attach', 'documents', '--env', 'development', '--json'], {
      cwd: project.dir,
    });
    expect(attached.code, attached.stderr).toBe(0);
    expect(JSON.parse(attached.stdout).provisioned).toEqual({
      created: ['index users_email_key on documents.users'],
      differences: ['documents.users__orders has row-level security off'],
    });
    await sql(`alter table documents.users__orders enable row level security;
      drop policy anyone_writes on documents.users;`);
    const fixed = await check();
    expect(fixed.byId['documents.indexes']?.status).toBe('pass');
    // A read policy open to all is the app's choice; only writes are judged.
    expect(fixed.byId['documents.rls']?.status).toBe('pass');
  });

  it('an index of the declared name but another definition differs', async () => {
    await sql(`drop index documents.orders_total_idx;
      create index orders_total_idx on documents.users__orders ((data->>'total'));`);
    const { byId } = await check();
    expect(byId['documents.indexes']?.summary).toBe(
      `documents.users__orders: index orders_total_idx is USING btree (((data ->> 'total'::text))), the config says USING btree ((((data ->> 'total'::text))::numeric))`,
    );
    await sql(`drop index documents.orders_total_idx;`);
    await runCli(['attach', 'documents', '--env', 'development'], { cwd: project.dir });
  });

  it('env list shows the documents row: the schema, its collections and documents, the marker', async () => {
    const result = await runCli(['env', 'list', '--json'], { cwd: project.dir });
    expect(result.code, result.stderr).toBe(0);
    const [environment] = JSON.parse(result.stdout).environments;
    expect(environment.stores.map((store: { store: string }) => store.store)).toEqual([
      'postgres',
      'documents',
    ]);
    expect(environment.stores[1]).toMatchObject({
      store: 'documents',
      backing: 'embedded',
      database: 'documents',
      host: '.launchdb/development/postgres',
      status: 'reachable',
      size: '2 of 2 collections, 2 documents',
      attached: true,
      marker: { environment: 'development', project: project.name },
    });
  });
});

describe('bad input', () => {
  it('collections without a Postgres: a config error naming the key to add', async () => {
    const bare = tempProject(
      `{ project: '{project}', environments: { development: { documents: { collections: { users: {} } } } } }`,
    );
    try {
      const result = await runCli(['attach', 'documents', '--env', 'development'], { cwd: bare.dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /environments\.development\.documents\.collections.*add `postgres: \{\}` beside `documents`/,
      );
    } finally {
      bare.remove();
    }
  });

  it('an index expression Postgres refuses: attach names its config path and changes nothing', async () => {
    const bad =
      tempProject(`{ project: '{project}', environments: { development: { postgres: {}, documents: { collections: {
      users: { indexes: [{ expression: "data->>" }] } } } } } }`);
    try {
      expect((await runCli(['attach', 'postgres', '--env', 'development'], { cwd: bad.dir })).code).toBe(0);
      const result = await runCli(['attach', 'documents', '--env', 'development'], { cwd: bad.dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /environments\.development\.documents\.collections\["users"\]\.indexes\[0\]: not a valid index: syntax error/,
      );
      const listed = await runCli(['env', 'list', '--json'], { cwd: bad.dir });
      expect(JSON.parse(listed.stdout).environments[0].stores[1]).toMatchObject({
        store: 'documents',
        attached: false,
        size: '0 of 1 collection, 0 documents',
      });
    } finally {
      bad.remove();
    }
  });
});
