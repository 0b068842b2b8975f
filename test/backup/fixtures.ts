// A small application with awkward data for backup tests: every column kind that COPY must carry
// exactly, identity and serial sequences moved on, a partitioned table, inheritance, a populated
// materialized view and launchdb's own schema.
import { createHash } from 'node:crypto';
import type { PostgresDatabase } from '../../src/stores/postgres/database.js';

export const SHOP_APP = `
create schema shop;
create type shop.mood as enum ('sad', 'ok', 'happy');
create domain shop.email as text check (value ~ '@');
create table shop.users (
  id bigint generated always as identity primary key,
  email shop.email not null unique,
  name text not null default '',
  mood shop.mood,
  tags text[],
  avatar bytea,
  profile jsonb,
  "order" integer,
  search text generated always as (lower(name)) stored
);
create table shop.orders (
  id serial primary key,
  user_id bigint not null references shop.users (id) on delete cascade,
  total numeric(12, 2) not null check (total >= 0),
  note text,
  placed_at timestamptz not null default now()
);
create index orders_user_idx on shop.orders (user_id);
create table shop.events (id bigint not null, at date not null, what text) partition by range (at);
create table shop.events_2025 partition of shop.events for values from ('2025-01-01') to ('2026-01-01');
create table shop.events_2026 partition of shop.events for values from ('2026-01-01') to ('2027-01-01');
create table shop.audit_base (at timestamptz default now());
create table shop.audit (what text) inherits (shop.audit_base);
create materialized view shop.totals as select user_id, sum(total) as total from shop.orders group by user_id;
create table public.empty_one (id int);
`;

/** The shop with a launchdb schema of its own, as a backup of an attached database carries one. */
export const SHOP = `${SHOP_APP}
create schema launchdb;
create table launchdb.migrations (version text primary key, name text not null);
`;

/** Rows with tabs, newlines, backslashes, quotes, NULLs, unicode and binary in them. */
export function shopAppData(users: number): string {
  return `
insert into shop.users (email, name, mood, tags, avatar, profile, "order")
select 'user' || i || '@example.com',
  case when i % 7 = 0 then E'tab\\there\\nnew line \\\\ back' when i % 11 = 0 then 'Zoë ✓ "quoted"' else 'name ' || i end,
  (array['sad','ok','happy'])[1 + i % 3]::shop.mood,
  case when i % 5 = 0 then null else array['a', 'b c', null] end,
  decode(md5(i::text), 'hex'),
  jsonb_build_object('i', i, 'nested', jsonb_build_object('list', jsonb_build_array(1, 'two', null))),
  case when i % 3 = 0 then null else i end
from generate_series(1, ${users}) i;
insert into shop.orders (user_id, total, note, placed_at)
select 1 + (i % ${users}), (i * 1.25)::numeric(12,2), case when i % 4 = 0 then null else 'n' || i end,
  timestamptz '2026-01-01 00:00:00+00' + i * interval '1 minute'
from generate_series(1, ${users * 3}) i;
insert into shop.events select i, date '2025-06-01' + (i % 400), 'e' || i from generate_series(1, ${users}) i;
insert into shop.audit (at, what) values ('2026-01-02 03:04:05+00', 'child row');
insert into shop.audit_base (at) values ('2026-01-01 00:00:00+00');
refresh materialized view shop.totals;
delete from shop.orders where id % 10 = 0;
select setval('shop.orders_id_seq', (select max(id) from shop.orders) + 100);
`;
}

/** The shop's rows and a migration history row in its launchdb schema (for SHOP). */
export function shopData(users: number): string {
  return `${shopAppData(users)}
insert into launchdb.migrations values ('20260101000000', 'init');`;
}

/** SHA-256 of each table's rows as COPY text, in the table's own order: what the manifest records (the restore log aside). */
export async function contentChecksums(db: PostgresDatabase): Promise<Record<string, string>> {
  const { rows } = await db.query<{ name: string; columns: string[] | null }>(
    `select quote_ident(n.nspname) || '.' || quote_ident(c.relname) as name,
       (select array_agg(quote_ident(a.attname) order by a.attnum) from pg_attribute a
        where a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped and a.attgenerated = '') as columns
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema')
       -- What a restore itself writes: its own log.
       and (n.nspname, c.relname) <> ('launchdb', 'restores')
     order by 1`,
  );
  const sums: Record<string, string> = {};
  await db.withConnection(async (connection) => {
    await connection.query('set synchronize_seqscans = off');
    for (const row of rows) {
      const hash = createHash('sha256');
      const columns = row.columns ? ` (${row.columns.join(', ')})` : '';
      for await (const chunk of connection.copyOut(`COPY ${row.name}${columns} TO STDOUT`))
        hash.update(chunk);
      sums[row.name] = hash.digest('hex');
    }
  });
  return sums;
}
