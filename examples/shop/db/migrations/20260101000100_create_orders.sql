-- Orders: what accounts bought.
create table orders (
  id bigint generated always as identity primary key,
  account_id bigint not null references accounts (id),
  total_cents bigint not null check (total_cents >= 0),
  status text not null default 'pending',
  created_at timestamptz not null default now()
);
create index orders_account_id_idx on orders (account_id);
