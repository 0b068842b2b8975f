-- launchdb:no-transaction
-- The client's own reference for an order (a payment or idempotency reference; the smoke test puts
-- its run id there), so an order can be found by what the client knows of it.
alter table orders add column if not exists reference text;
-- Built without blocking writes to orders; most orders carry no reference, so only those that do are indexed.
create index concurrently if not exists orders_reference_idx on orders (reference) where reference is not null;
