// The catalog schema checks against real databases: the same tests on embedded PGlite and the server.
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CheckOutcome } from '../../src/core/checks/check.js';
import { runChecks } from '../../src/core/checks/run-checks.js';
import type { RequiredIndex } from '../../src/core/config/types.js';
import { type Environment, Project } from '../../src/core/project.js';
import type { PostgresCheckContext } from '../../src/stores/postgres/checks/context.js';
import { fkWithoutIndex } from '../../src/stores/postgres/checks/fk-without-index.js';
import { invalidIndex } from '../../src/stores/postgres/checks/invalid-index.js';
import {
  NO_REQUIRED_INDEXES_SKIP,
  parseTableName,
  requiredIndexes,
} from '../../src/stores/postgres/checks/required-indexes.js';
import { schemaCatalogChecks } from '../../src/stores/postgres/checks/schema-checks.js';
import { sequenceNearOverflow } from '../../src/stores/postgres/checks/sequence-near-overflow.js';
import { tableWithoutPrimaryKey } from '../../src/stores/postgres/checks/table-without-primary-key.js';
import type { PostgresDatabase } from '../../src/stores/postgres/database.js';
import { openServer } from '../../src/stores/postgres/server.js';
import { PostgresSession } from '../../src/stores/postgres/session.js';
import { type PostgresTarget, resolvePostgresTarget } from '../../src/stores/postgres/target.js';
import {
  adminQuery,
  BACKINGS,
  type FreshDatabase,
  freshDatabase,
  serverAvailable,
  uniqueName,
} from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/** A session over a database the test already opened: the checks reach it through the real `db()`. */
class OpenedSession extends PostgresSession {
  constructor(
    env: Environment,
    target: PostgresTarget,
    private readonly database: PostgresDatabase,
  ) {
    super(env, target, { connectTimeoutMs: 5_000, command: 'test' });
  }

  override connect(): Promise<PostgresDatabase> {
    return Promise.resolve(this.database);
  }
}

interface SequenceDetail {
  sequence: string;
  percent: string | null;
  limit: string;
  limitedBy: string;
  columns: string[];
  cycles?: boolean;
  unreadable?: boolean;
}

const INT4_MAX = 2 ** 31 - 1;

/** The value an ascending integer sequence from 1 has when `fraction` of its range is used. */
const intAt = (fraction: number) => Math.ceil((INT4_MAX - 1) * fraction) + 1;

/** The details entry of one sequence. */
function sequenceIn(outcome: CheckOutcome, sequence: string): SequenceDetail | undefined {
  return (outcome.details as { sequences: SequenceDetail[] }).sequences.find(
    (entry) => entry.sequence === sequence,
  );
}

/** The statements of a fix, one by one: CONCURRENTLY cannot share a multi-statement query. */
function statementsOf(fix: string): string[] {
  return fix
    .split(';')
    .map((part) => part.trim())
    .filter(Boolean);
}

describe.each(BACKINGS)('catalog schema checks on %s', (backing) => {
  const onServer = backing === 'server';
  describe.skipIf(onServer && !serverAvailable)(`${backing} backing`, () => {
    // One database per backing (an embedded one takes seconds to start); each test works in its own
    // schema, dropped afterwards, so the database-wide checks see only that test's objects.
    let fresh: FreshDatabase;
    let temp: TempProject;
    let ctx: PostgresCheckContext;
    let schema: string;
    const sql = (text: string) => fresh.db.query(text);

    beforeAll(async () => {
      fresh = await freshDatabase(backing);
      temp = tempProject();
      const project = await Project.load(temp.dir);
      const env = project.environment('development');
      const target: PostgresTarget = fresh.url
        ? resolvePostgresTarget(env, { url: fresh.url })!
        : { backing: 'embedded', dataDir: join(fresh.dir!, 'postgres'), location: 'test embedded database' };
      ctx = { project, env, postgres: new OpenedSession(env, target, fresh.db), now: new Date() };
    });
    afterAll(async () => {
      await fresh?.drop();
      temp?.remove();
    });
    beforeEach(async () => {
      schema = uniqueName('s');
      await sql(`create schema ${schema}`);
    });
    afterEach(async () => {
      await sql(`drop schema if exists ${schema} cascade`);
    });

    /** The context with `schema.requiredIndexes` set in the project's config. */
    function requiring(...required: RequiredIndex[]): PostgresCheckContext {
      const { project } = ctx;
      const config = { ...project.config, schema: { requiredIndexes: required } };
      return { ...ctx, project: new Project({ config, file: project.file, root: project.root }) };
    }

    describe('schema.required-indexes', () => {
      beforeEach(async () => {
        await sql(`
          create table ${schema}.customers (id bigint primary key, email text not null);
          create table ${schema}.orders (
            id bigint primary key, customer_id bigint not null, status text, created_at timestamptz);`);
      });

      it('skips when the config declares none', async () => {
        const outcome = await requiredIndexes.run(ctx);
        expect(outcome).toEqual({ status: 'skip', summary: NO_REQUIRED_INDEXES_SKIP });
        expect((await requiredIndexes.run(requiring())).status).toBe('skip');
      });

      it('passes when each required index exists, one of them as the leading columns of a wider index', async () => {
        await sql(`create index orders_customer on ${schema}.orders (customer_id, created_at, status)`);
        const outcome = await requiredIndexes.run(
          requiring(
            { table: `${schema}.orders`, columns: ['customer_id'] },
            { table: `${schema}.orders`, columns: ['customer_id', 'created_at'] },
          ),
        );
        expect(outcome.status, outcome.summary).toBe('pass');
        expect(outcome.summary).toBe('all 2 required indexes exist');
        expect(outcome.details).toMatchObject({
          satisfied: [{ index: 'orders_customer' }, { index: 'orders_customer' }],
        });
      });

      it('fails on a missing index, with the CREATE INDEX CONCURRENTLY that adds it', async () => {
        const ctx = requiring({ table: `${schema}.orders`, columns: ['customer_id', 'created_at'] });
        const outcome = await requiredIndexes.run(ctx);
        expect(outcome.status).toBe('fail');
        expect(outcome.summary).toContain(
          `${schema}.orders (customer_id, created_at) (no index on these columns)`,
        );
        const create = `create index concurrently on ${schema}.orders (customer_id, created_at);`;
        expect(outcome.fix).toBe(create);
        await sql(create);
        expect((await requiredIndexes.run(ctx)).status).toBe('pass');
      });

      it('fails on an index that is present but not unique, and accepts a unique constraint or primary key', async () => {
        await sql(`create index customers_email on ${schema}.customers (email)`);
        const ctx = requiring(
          { table: `${schema}.customers`, columns: ['email'], unique: true },
          { table: `${schema}.customers`, columns: ['id'], unique: true },
        );
        const outcome = await requiredIndexes.run(ctx);
        expect(outcome.status).toBe('fail');
        expect(outcome.summary).toContain('1 of 2 required indexes are missing');
        expect(outcome.summary).toContain('customers_email is not unique');
        expect(outcome.fix).toBe(`create unique index concurrently on ${schema}.customers (email);`);
        await sql(`alter table ${schema}.customers add constraint customers_email_key unique (email)`);
        const after = await requiredIndexes.run(ctx);
        expect(after.status, after.summary).toBe('pass');
        expect(after.details).toMatchObject({
          satisfied: [{ index: 'customers_email_key' }, { index: 'customers_pkey' }],
        });
      });

      it('does not take uniqueness over more columns as uniqueness of the leading ones', async () => {
        await sql(`create unique index orders_customer_status on ${schema}.orders (customer_id, status)`);
        const outcome = await requiredIndexes.run(
          requiring({ table: `${schema}.orders`, columns: ['customer_id'], unique: true }),
        );
        expect(outcome.status).toBe('fail');
        expect(outcome.summary).toContain('unique over more columns');
      });

      it('does not count a partial index, and says so', async () => {
        await sql(`create index orders_open on ${schema}.orders (customer_id) where status = 'open'`);
        const outcome = await requiredIndexes.run(
          requiring({ table: `${schema}.orders`, columns: ['customer_id'] }),
        );
        expect(outcome.status).toBe('fail');
        expect(outcome.summary).toContain('orders_open is partial (it has a WHERE clause)');
        const [missing] = (outcome.details as { missing: { nearMisses: { definition: string }[] }[] })
          .missing;
        expect(missing?.nearMisses[0]?.definition).toContain('WHERE');
      });

      it('does not count an index on the same columns in another order', async () => {
        await sql(`create index orders_created_customer on ${schema}.orders (created_at, customer_id)`);
        const outcome = await requiredIndexes.run(
          requiring({ table: `${schema}.orders`, columns: ['customer_id', 'created_at'] }),
        );
        expect(outcome.status).toBe('fail');
        expect(outcome.summary).toContain(
          'orders_created_customer is led by (created_at, customer_id), not by these columns in this order',
        );
      });

      it('does not count an index on an expression of the column', async () => {
        await sql(`create index customers_lower_email on ${schema}.customers (lower(email))`);
        const outcome = await requiredIndexes.run(
          requiring({ table: `${schema}.customers`, columns: ['email'] }),
        );
        expect(outcome.status).toBe('fail');
        expect(outcome.summary).toContain('customers_lower_email is led by (lower(email))');
      });

      it('fails naming a table that does not exist, and suggests one that differs only in case', async () => {
        await sql(`create table ${schema}."Invoices" (id bigint primary key, number text)`);
        const outcome = await requiredIndexes.run(
          requiring(
            { table: `${schema}.shipments`, columns: ['order_id'] },
            { table: `${schema}.invoices`, columns: ['number'] },
            { table: `${schema}.orders`, columns: ['coupon'] },
          ),
        );
        expect(outcome.status).toBe('fail');
        expect(outcome.summary).toContain(`table ${schema}.shipments does not exist`);
        expect(outcome.summary).toContain(`did you mean ${schema}."Invoices"?`);
        expect(outcome.summary).toContain(`${schema}.orders has no column coupon`);
        expect(outcome.fix).toContain('launchdb migrate up --env development');
        expect(outcome.fix).not.toContain('create index');
      });

      it('finds mixed-case tables written as they are named, quoted or not', async () => {
        await sql(`create table ${schema}."Invoices" (id bigint primary key, "customerId" bigint)`);
        await sql(`create index on ${schema}."Invoices" ("customerId")`);
        for (const table of [`${schema}.Invoices`, `"${schema}"."Invoices"`]) {
          const outcome = await requiredIndexes.run(requiring({ table, columns: ['customerId'] }));
          expect(outcome.status, `${table}: ${outcome.summary}`).toBe('pass');
        }
        expect(parseTableName('orders')).toEqual({ schema: 'public', name: 'orders' });
        expect(parseTableName('"a.b"."c""d"')).toEqual({ schema: 'a.b', name: 'c"d' });
        expect(parseTableName('a.b.c')).toBeUndefined();
      });

      it('does not count an invalid index on the columns', async () => {
        await sql(`insert into ${schema}.customers values (1, 'a@example.com'), (2, 'a@example.com')`);
        await expect(
          sql(`create unique index concurrently customers_email on ${schema}.customers (email)`),
        ).rejects.toThrow();
        const outcome = await requiredIndexes.run(
          requiring({ table: `${schema}.customers`, columns: ['email'], unique: true }),
        );
        expect(outcome.status).toBe('fail');
        expect(outcome.summary).toContain('customers_email is invalid');
      });
    });

    describe('schema.invalid-index', () => {
      it('passes when every index is valid', async () => {
        await sql(
          `create table ${schema}.users (id bigint primary key, email text); create index on ${schema}.users (email)`,
        );
        const outcome = await invalidIndex.run(ctx);
        expect(outcome).toEqual({ status: 'pass', summary: 'no invalid index' });
      });

      it('fails on the index a failed CREATE UNIQUE INDEX CONCURRENTLY leaves, and its fix repairs it', async () => {
        await sql(`create table ${schema}.users (id bigint primary key, email text)`);
        await sql(`insert into ${schema}.users values (1, 'a@example.com'), (2, 'a@example.com')`);
        // A concurrent build commits its catalog entry before it scans, so a duplicate leaves it behind.
        await expect(
          sql(`create unique index concurrently users_email on ${schema}.users (email)`),
        ).rejects.toThrow(/could not create unique index/);
        const outcome = await invalidIndex.run(ctx);
        expect(outcome.status).toBe('fail');
        expect(outcome.summary).toContain(`1 invalid index`);
        expect(outcome.summary).toContain(`${schema}.users_email on ${schema}.users`);
        expect(outcome.details).toMatchObject({
          invalid: [{ index: `${schema}.users_email`, unique: true }],
        });
        expect(outcome.fix).toContain('remove them first');
        const repair = outcome.fix!.slice(outcome.fix!.indexOf('then ') + 'then '.length);
        expect(repair).toBe(
          `drop index concurrently ${schema}.users_email; CREATE UNIQUE INDEX CONCURRENTLY users_email ON ${schema}.users USING btree (email);`,
        );
        await sql(`delete from ${schema}.users where id = 2`);
        for (const statement of statementsOf(repair)) await sql(statement);
        expect((await invalidIndex.run(ctx)).status).toBe('pass');
      });

      it('fails on a partitioned index some partition lacks, and says to attach one', async () => {
        await sql(`
          create table ${schema}.events (id bigint, at date not null) partition by range (at);
          create table ${schema}.events_2025 partition of ${schema}.events for values from ('2025-01-01') to ('2026-01-01');
          create index events_at on only ${schema}.events (at);`);
        const outcome = await invalidIndex.run(ctx);
        expect(outcome.status).toBe('fail');
        expect(outcome.fix).toContain(`alter index ${schema}.events_at attach partition`);
        await sql(`
          create index events_2025_at on ${schema}.events_2025 (at);
          alter index ${schema}.events_at attach partition ${schema}.events_2025_at;`);
        expect((await invalidIndex.run(ctx)).status).toBe('pass');
      });

      it('says only to drop what a failed REINDEX CONCURRENTLY leaves', async () => {
        await sql(`create table ${schema}.users (id bigint primary key, email text)`);
        await sql(`create index users_email_ccnew on ${schema}.users (email)`);
        // The catalog as a failed REINDEX CONCURRENTLY leaves it, set directly (as a superuser):
        // that failure cannot be caused on purpose from one session.
        await sql(
          `update pg_index set indisvalid = false where indexrelid = '${schema}.users_email_ccnew'::regclass`,
        );
        const outcome = await invalidIndex.run(ctx);
        expect(outcome.status).toBe('fail');
        expect(outcome.fix).toBe(`drop index concurrently ${schema}.users_email_ccnew;`);
      });
    });

    describe('schema.fk-without-index', () => {
      beforeEach(async () => {
        await sql(`
          create table ${schema}.customers (id bigint primary key, region text, unique (id, region));
          create table ${schema}.orders (
            id bigint primary key, customer_id bigint references ${schema}.customers, region text, status text,
            foreign key (customer_id, region) references ${schema}.customers (id, region));`);
      });

      it('warns on a foreign key without an index, and its fix clears it', async () => {
        await sql(`create index orders_region_customer on ${schema}.orders (region, customer_id)`);
        const outcome = await fkWithoutIndex.run(ctx);
        expect(outcome.status).toBe('warn');
        expect(outcome.summary).toContain(`1 foreign key has no index`);
        expect(outcome.summary).toContain(`${schema}.orders (customer_id)`);
        expect(outcome.details).toMatchObject({
          total: 1,
          foreignKeys: [
            { table: `${schema}.orders`, columns: ['customer_id'], references: `${schema}.customers` },
          ],
        });
        expect(outcome.fix).toBe(`create index concurrently on ${schema}.orders (customer_id);`);
        await sql(outcome.fix!);
        const after = await fkWithoutIndex.run(ctx);
        expect(after.status, after.summary).toBe('pass');
      });

      it('passes when each foreign key leads an index, the columns in any order', async () => {
        // (region, customer_id) serves the two-column key declared as (customer_id, region), and
        // its leading column is not the one-column key: that one needs its own.
        await sql(`
          create index orders_region_customer on ${schema}.orders (region, customer_id);
          create index orders_customer_status on ${schema}.orders (customer_id, status);`);
        const outcome = await fkWithoutIndex.run(ctx);
        expect(outcome).toEqual({
          status: 'pass',
          summary: 'every foreign key has an index on its referencing columns',
        });
      });

      it('does not count a partial index, nor an index where the key is not the leading columns', async () => {
        await sql(`
          create index orders_open_customer on ${schema}.orders (customer_id, region) where status = 'open';
          create index orders_status_customer on ${schema}.orders (status, customer_id, region);`);
        const outcome = await fkWithoutIndex.run(ctx);
        expect(outcome.status).toBe('warn');
        expect((outcome.details as { total: number }).total).toBe(2);
      });

      it('judges a partitioned table once, not once per partition', async () => {
        await sql(`
          create table ${schema}.events (id bigint, customer_id bigint references ${schema}.customers, at date not null)
            partition by range (at);
          create table ${schema}.events_2025 partition of ${schema}.events for values from ('2025-01-01') to ('2026-01-01');
          create table ${schema}.events_2026 partition of ${schema}.events for values from ('2026-01-01') to ('2027-01-01');
          create index on ${schema}.orders (customer_id, region);`);
        const outcome = await fkWithoutIndex.run(ctx);
        expect(outcome.status).toBe('warn');
        expect(outcome.details).toMatchObject({ total: 1, foreignKeys: [{ table: `${schema}.events` }] });
        // Postgres builds no index on a partitioned table concurrently.
        expect(outcome.fix).toBe(`create index on ${schema}.events (customer_id);`);
        await sql(outcome.fix!);
        expect((await fkWithoutIndex.run(ctx)).status).toBe('pass');
      });
    });

    describe('schema.table-without-primary-key', () => {
      it('passes when every table has a primary key', async () => {
        await sql(`create table ${schema}.users (id bigint generated always as identity primary key)`);
        expect(await tableWithoutPrimaryKey.run(ctx)).toEqual({
          status: 'pass',
          summary: 'every table has a primary key',
        });
      });

      it('warns on tables without one, and promotes a unique index over NOT NULL columns', async () => {
        await sql(`
          create table ${schema}.audit (at timestamptz, message text);
          create table ${schema}.codes (code text not null, label text);
          create unique index codes_code on ${schema}.codes (code);`);
        const outcome = await tableWithoutPrimaryKey.run(ctx);
        expect(outcome.status).toBe('warn');
        expect(outcome.summary).toContain(`2 tables have no primary key`);
        expect(outcome.details).toMatchObject({
          total: 2,
          tables: [{ table: `${schema}.audit` }, { table: `${schema}.codes`, uniqueIndex: 'codes_code' }],
        });
        expect(outcome.fix).toContain(`alter table ${schema}.codes add primary key using index codes_code;`);
        await sql(`alter table ${schema}.codes add primary key using index codes_code`);
        await sql(
          `alter table ${schema}.audit add column id bigint generated always as identity primary key`,
        );
        expect((await tableWithoutPrimaryKey.run(ctx)).status).toBe('pass');
      });

      it('judges a partitioned table, not its partitions', async () => {
        await sql(`
          create table ${schema}.events (id bigint, at date not null) partition by range (at);
          create table ${schema}.events_2025 partition of ${schema}.events for values from ('2025-01-01') to ('2026-01-01');`);
        const outcome = await tableWithoutPrimaryKey.run(ctx);
        expect(outcome.status).toBe('warn');
        expect(outcome.details).toMatchObject({
          total: 1,
          tables: [{ table: `${schema}.events`, partitioned: true }],
        });
        await sql(`alter table ${schema}.events add primary key (id, at)`);
        expect((await tableWithoutPrimaryKey.run(ctx)).status).toBe('pass');
      });
    });

    describe('schema.sequence-near-overflow', () => {
      it('passes on sequences far from their limit, a never-used one at 0%', async () => {
        await sql(`
          create table ${schema}.users (id bigint generated always as identity primary key, name text);
          insert into ${schema}.users (name) values ('a'), ('b');
          create sequence ${schema}.unused as integer;`);
        const outcome = await sequenceNearOverflow.run(ctx);
        expect(outcome.status, outcome.summary).toBe('pass');
        expect(outcome.summary).toMatch(/^2 sequences below 85% of their limit/);
        expect(sequenceIn(outcome, `${schema}.unused`)).toMatchObject({
          percent: '0.0%',
          limit: String(INT4_MAX),
        });
        expect(sequenceIn(outcome, `${schema}.users_id_seq`)).toMatchObject({
          percent: '0.0%',
          columns: [`${schema}.users.id`],
        });
      });

      it('warns at 85% of the maximum and fails at 95%', async () => {
        await sql(`create sequence ${schema}.tickets as integer`);
        await sql(`select setval('${schema}.tickets', ${intAt(0.86)})`);
        const warned = await sequenceNearOverflow.run(ctx);
        expect(warned.status, warned.summary).toBe('warn');
        expect(warned.summary).toContain(`${schema}.tickets at 86.0% of ${INT4_MAX}`);
        expect(warned.fix).toContain(`alter sequence ${schema}.tickets as bigint;`);
        await sql(`select setval('${schema}.tickets', ${intAt(0.96)})`);
        const failed = await sequenceNearOverflow.run(ctx);
        expect(failed.status).toBe('fail');
        expect(sequenceIn(failed, `${schema}.tickets`)?.percent).toBe('96.0%');
        await sql(`alter sequence ${schema}.tickets as bigint`);
        expect((await sequenceNearOverflow.run(ctx)).status).toBe('pass');
      });

      it("judges a serial's bigint sequence by its integer column's ceiling", async () => {
        // As a serial made before Postgres 10, or a bigserial whose column was narrowed: the
        // sequence alone looks nearly empty.
        await sql(`
          create table ${schema}.orders (id serial primary key);
          alter sequence ${schema}.orders_id_seq as bigint;
          select setval('${schema}.orders_id_seq', ${intAt(0.9)});`);
        const warned = await sequenceNearOverflow.run(ctx);
        expect(warned.status, warned.summary).toBe('warn');
        expect(sequenceIn(warned, `${schema}.orders_id_seq`)).toMatchObject({
          percent: '90.0%',
          limit: String(INT4_MAX),
          limitedBy: `column ${schema}.orders.id (integer)`,
        });
        expect(warned.summary).toContain(`(the integer column ${schema}.orders.id)`);
        expect(warned.fix).toContain(`alter table ${schema}.orders alter column id type bigint;`);
        expect(warned.fix).not.toContain('alter sequence');
        await sql(`select setval('${schema}.orders_id_seq', ${intAt(0.96)})`);
        expect((await sequenceNearOverflow.run(ctx)).status).toBe('fail');
        await sql(`alter table ${schema}.orders alter column id type bigint`);
        expect((await sequenceNearOverflow.run(ctx)).status).toBe('pass');
      });

      it('judges identity columns, by their own sequence and by a narrower column', async () => {
        await sql(`
          create table ${schema}.tags (id smallint generated by default as identity primary key);
          select setval('${schema}.tags_id_seq', 31000);
          create table ${schema}.items (id int generated always as identity primary key);
          alter sequence ${schema}.items_id_seq as bigint;
          select setval('${schema}.items_id_seq', ${intAt(0.97)});`);
        const outcome = await sequenceNearOverflow.run(ctx);
        expect(outcome.status).toBe('fail');
        expect(sequenceIn(outcome, `${schema}.tags_id_seq`)).toMatchObject({
          percent: '94.6%',
          limit: '32767',
          limitedBy: 'sequence (smallint)',
        });
        expect(sequenceIn(outcome, `${schema}.items_id_seq`)).toMatchObject({
          percent: '97.0%',
          limitedBy: `column ${schema}.items.id (integer)`,
        });
        expect(outcome.fix).toContain(
          `alter table ${schema}.tags alter column id type bigint; alter sequence ${schema}.tags_id_seq as bigint;`,
        );
      });

      it('finds the column of a sequence that only a default names, and the sequence a widened column left behind', async () => {
        await sql(`
          create sequence ${schema}.legacy;
          create table ${schema}.legacy_rows (id int not null default nextval('${schema}.legacy'));
          select setval('${schema}.legacy', ${intAt(0.88)});
          create table ${schema}.widened (id serial primary key);
          alter table ${schema}.widened alter column id type bigint;
          select setval('${schema}.widened_id_seq', ${intAt(0.87)});`);
        const outcome = await sequenceNearOverflow.run(ctx);
        expect(outcome.status, outcome.summary).toBe('warn');
        expect(sequenceIn(outcome, `${schema}.legacy`)).toMatchObject({
          percent: '88.0%',
          limitedBy: `column ${schema}.legacy_rows.id (integer)`,
        });
        expect(sequenceIn(outcome, `${schema}.widened_id_seq`)).toMatchObject({
          percent: '87.0%',
          limitedBy: 'sequence (integer)',
        });
        expect(outcome.fix).toContain(`alter sequence ${schema}.widened_id_seq as bigint;`);
        expect(outcome.fix).not.toContain(`alter table ${schema}.widened `);
      });

      it('measures a descending sequence toward its minimum, and lets a cycling one wrap', async () => {
        await sql(`
          create sequence ${schema}.countdown as integer increment -1;
          select setval('${schema}.countdown', ${-(Math.ceil(INT4_MAX * 0.96) + 1)});
          create sequence ${schema}.ring as smallint cycle;
          select setval('${schema}.ring', 32000);`);
        const outcome = await sequenceNearOverflow.run(ctx);
        expect(outcome.status).toBe('fail');
        expect(sequenceIn(outcome, `${schema}.countdown`)?.percent).toBe('96.0%');
        expect(sequenceIn(outcome, `${schema}.ring`)).toMatchObject({ cycles: true });
        expect(outcome.summary).not.toContain('ring');
      });

      // Server only: embedded Postgres has one superuser session, which may read every sequence.
      it.runIf(onServer)('reports a sequence the app may not read instead of calling it empty', async () => {
        const role = uniqueName('ldbr');
        await adminQuery(`create role ${role} login`);
        const url = new URL(fresh.url!);
        url.username = role;
        const app = await openServer(url.toString(), { max: 1 });
        try {
          await sql(`
            create sequence ${schema}.hidden as integer;
            select setval('${schema}.hidden', ${intAt(0.99)});
            grant usage on schema ${schema} to ${role};`);
          const appCtx = { ...ctx, postgres: new OpenedSession(ctx.env, ctx.postgres.target, app) };
          const outcome = await sequenceNearOverflow.run(appCtx);
          expect(outcome.status, outcome.summary).toBe('pass');
          expect(outcome.summary).toContain(
            `1 could not be read (grant the app usage on them): ${schema}.hidden`,
          );
          expect(sequenceIn(outcome, `${schema}.hidden`)).toMatchObject({ percent: null, unreadable: true });
        } finally {
          await app.close();
          await sql(`drop schema ${schema} cascade`);
          await adminQuery(`drop role ${role}`);
        }
      });
    });

    it('runs all five through the runner on a clean database without an error', async () => {
      await sql(
        `create table ${schema}.users (id bigint generated always as identity primary key, email text)`,
      );
      const report = await runChecks(schemaCatalogChecks, ctx, { project: 'p', environment: 'development' });
      expect(report.checks.map((check) => check.id)).toEqual([
        'schema.required-indexes',
        'schema.invalid-index',
        'schema.fk-without-index',
        'schema.table-without-primary-key',
        'schema.sequence-near-overflow',
      ]);
      expect(report.checks.map((check) => check.status)).toEqual(['skip', 'pass', 'pass', 'pass', 'pass']);
      expect(report.verdict).toBe('ready');
    });
  });
});
