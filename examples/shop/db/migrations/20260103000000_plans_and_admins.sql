-- Plans the shop sells (reference data, seeded in every environment) and who administers the shop.
create table plans (
  slug text primary key,
  name text not null,
  price_cents integer not null check (price_cents >= 0)
);
alter table accounts add column role text not null default 'member';
