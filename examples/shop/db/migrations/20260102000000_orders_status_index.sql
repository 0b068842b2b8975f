-- launchdb:no-transaction
-- Built without blocking writes to orders.
create index concurrently if not exists orders_status_idx on orders (status);
