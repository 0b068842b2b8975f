// Hono on Node: module scope holds the pool; every request borrows from the same one.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createPool, PoolConnectionError, PoolExhaustedError, QueryTimeoutError } from 'launchdb/pool';

const pool = createPool({ kind: 'web' });

const app = new Hono();

app.get('/products', async (c) => {
  const limit = Math.min(Number(c.req.query('limit') ?? 20), 100);
  const { rows } = await pool.query('select id, name, price from products order by id limit $1', [limit]);
  return c.json(rows);
});

app.get('/readyz', async (c) => {
  const health = await pool.health({ timeoutMs: 1_000 });
  return c.json(health, health.ok ? 200 : 503);
});

app.onError((error, c) => {
  if (
    error instanceof PoolExhaustedError ||
    error instanceof QueryTimeoutError ||
    error instanceof PoolConnectionError
  ) {
    console.warn(error.message);
    c.header('Retry-After', '1');
    return c.json({ error: 'busy, try again' }, 503);
  }
  console.error(error);
  return c.json({ error: 'internal error' }, 500);
});

const server = serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000) });

process.on('SIGTERM', () => {
  server.close(async () => {
    await pool.end({ timeoutMs: 10_000 });
    process.exit(0);
  });
});
