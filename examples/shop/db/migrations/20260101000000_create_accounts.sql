-- Accounts: who can sign in.
create table accounts (
  id bigint generated always as identity primary key,
  email text not null,
  name text not null,
  created_at timestamptz not null default now()
);
create unique index accounts_email_key on accounts (email);
