// Schemas for the snapshot and drift tests: a kitchen sink with every object family, and a large generated one.

/** Roles the kitchen sink grants to; created on the server (cluster-wide) or in the embedded database. */
export const KITCHEN_ROLES = ['ldbt_snap_analyst', 'ldbt_snap_auditor'];

/** Every object family the snapshot records, in plain SQL that Postgres 15 and PGlite (18) both run. */
export const KITCHEN_SINK = `
create schema app;
comment on schema app is 'the application';
create type app.mood as enum ('sad', 'ok', 'happy');
create domain app.email as text collate "C" check (value ~ '@') not null;
create type app.point2 as (x integer, y integer);
create type app.price_range as range (subtype = numeric);
create sequence app.invoice_no as integer increment by 5 minvalue 100 maxvalue 999999 cycle;

create table app.users (
  id bigint generated always as identity primary key,
  email app.email not null unique,
  name text collate "C" not null default '',
  mood app.mood default 'ok',
  score numeric(10, 2) check (score >= 0),
  created_at timestamptz not null default now(),
  search text generated always as (lower(name)) stored
);
comment on table app.users is 'people';
comment on column app.users.email is 'login';

create table app.orders (
  id serial primary key,
  user_id bigint not null references app.users (id) on delete cascade,
  total numeric(12, 2) not null,
  status text not null default 'new',
  placed_at timestamptz default now(),
  invoice integer default nextval('app.invoice_no')
) with (fillfactor = 70);
alter table app.orders add constraint total_positive check (total > 0) not valid;
create index orders_user_idx on app.orders (user_id);
create index orders_open_idx on app.orders (placed_at desc) where status <> 'done';
create unique index orders_invoice_key on app.orders (invoice) include (total);
comment on index app.orders_user_idx is 'for the user page';

create table app.events (
  id bigint not null,
  at timestamptz not null,
  payload jsonb
) partition by range (at);
create table app.events_2025 partition of app.events for values from ('2025-01-01') to ('2026-01-01');
create table app.events_2026 partition of app.events for values from ('2026-01-01') to ('2027-01-01');
create index events_at_idx on app.events (at);

create unlogged table app.cache (k text primary key, v text);
create table app.audit_base (at timestamptz default now());
create table app.audit (what text) inherits (app.audit_base);
alter table app.audit replica identity full;

create view app.active_users as select id, email from app.users where mood <> 'sad';
create view app.secure_orders with (security_barrier) as select id, total from app.orders;
create materialized view app.order_totals as
  select user_id, sum(total) as total from app.orders group by user_id with no data;
create index order_totals_user_idx on app.order_totals (user_id);

create function app.touch() returns trigger language plpgsql as $$
begin
  new.placed_at := now();
  return new;
end $$;
create function app.add(a integer, b integer default 1) returns integer
  language sql immutable strict as 'select a + b';
create procedure app.archive(before timestamptz) language sql as $$ delete from app.orders where placed_at < before $$;
create aggregate app.total_of(numeric) (sfunc = numeric_add, stype = numeric, initcond = '0');
comment on function app.add(integer, integer) is 'adds';

create trigger orders_touch before insert or update on app.orders
  for each row when (new.status is not null) execute function app.touch();
create trigger events_touch before insert on app.events for each row execute function app.touch();
alter table app.orders disable trigger orders_touch;

alter table app.orders enable row level security;
alter table app.orders force row level security;
create policy own_orders on app.orders for select to ldbt_snap_analyst using (user_id > 0);
create policy insert_orders on app.orders as restrictive for insert to public with check (total < 1000000);

grant usage on schema app to ldbt_snap_analyst;
grant select on app.orders to ldbt_snap_analyst;
grant select (email), update (name) on app.users to ldbt_snap_auditor;
grant usage on sequence app.invoice_no to ldbt_snap_analyst with grant option;
revoke execute on function app.add(integer, integer) from public;
grant execute on function app.add(integer, integer) to ldbt_snap_analyst;
alter default privileges in schema app grant select on tables to ldbt_snap_auditor;
alter default privileges revoke execute on functions from public;
create table app.after_defaults (id int);

create table public.notes (id int primary key, body text);

create collation app.posix_c (locale = 'C');
comment on collation app.posix_c is 'bytewise';
create collation app.ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
create table app.labels (
  id int primary key,
  code text collate app.posix_c not null,
  tag text collate app.ci,
  body text
);
alter table app.labels alter column body set storage external, alter column body set statistics 500,
  alter column code set (n_distinct = -0.5);
create statistics app.labels_stats (ndistinct, dependencies) on id, code from app.labels;
alter statistics app.labels_stats set statistics 250;
comment on statistics app.labels_stats is 'codes follow ids';
create rule labels_keep as on delete to app.labels do instead nothing;
comment on rule labels_keep on app.labels is 'labels stay';
comment on column app.active_users.email is 'their login';
`;

/**
 * A schema shaped like a real application's, `tables` tables long: foreign keys, indexes, enums,
 * views, functions, triggers and policies, spread over migration files of `perFile` tables each.
 */
export function largeSchema(tables: number, perFile = 25): string[] {
  const files: string[] = [];
  const header = `create type status as enum ('draft', 'active', 'archived');
create function touch_updated_at() returns trigger language plpgsql as $$
begin
  new.updated_at := now();
  return new;
end $$;
create table accounts (id bigint generated always as identity primary key, name text not null unique);
alter table accounts enable row level security;
create policy accounts_self on accounts using (id = nullif(current_setting('app.account', true), '')::bigint);`;
  let sql = header;
  for (let i = 0; i < tables; i++) {
    const parent = i === 0 ? 'accounts' : `t${i - 1}`;
    sql += `
create table t${i} (
  id bigint generated always as identity primary key,
  account_id bigint not null references accounts (id),
  parent_id bigint references ${parent} (id) on delete set null,
  title text not null,
  state status not null default 'draft',
  amount numeric(12, 2) check (amount >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz
);
create index t${i}_account_idx on t${i} (account_id, created_at desc);
create index t${i}_parent_idx on t${i} (parent_id) where parent_id is not null;
create trigger t${i}_touch before update on t${i} for each row execute function touch_updated_at();`;
    if (i % 10 === 0) {
      sql += `
create view t${i}_active as select id, title, amount from t${i} where state = 'active';
alter table t${i} enable row level security;
create policy t${i}_account on t${i} using (account_id = nullif(current_setting('app.account', true), '')::bigint);
create function t${i}_total(account bigint) returns numeric language sql stable as $$ select coalesce(sum(amount), 0) from t${i} where account_id = account $$;`;
    }
    if (i % 7 === 3)
      sql += `\nalter table t${i} add column note text;\ncomment on column t${i}.note is 'free text';`;
    if ((i + 1) % perFile === 0) {
      files.push(sql);
      sql = '';
    }
  }
  if (sql) files.push(sql);
  return files;
}
