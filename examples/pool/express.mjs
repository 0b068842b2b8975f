// Express: one pool for the process, created at module scope; handlers borrow from it per request.
import express from 'express';
import { createPool, PoolConnectionError, PoolExhaustedError, QueryTimeoutError } from 'launchdb/pool';

// DATABASE_URL, LAUNCHDB_POOL_MAX and LAUNCHDB_PROCESS_KIND come from the environment (`launchdb pool plan`).
const pool = createPool({ kind: 'web' });

const app = express();
app.use(express.json());

app.get('/orders/:id', async (req, res, next) => {
  try {
    const { rows } = await pool.query('select id, status, total from orders where id = $1', [req.params.id]);
    if (rows.length === 0) return res.status(404).json({ error: 'not found' });
    res.json(rows[0]);
  } catch (error) {
    next(error);
  }
});

app.post('/orders', async (req, res, next) => {
  // A transaction needs one connection: connect(), and release() on every path.
  const client = await pool.connect().catch(next);
  if (!client) return;
  try {
    await client.query('begin');
    const { rows } = await client.query(
      'insert into orders (account_id, total) values ($1, $2) returning id',
      [req.body.accountId, req.body.total],
    );
    await client.query('update accounts set order_count = order_count + 1 where id = $1', [
      req.body.accountId,
    ]);
    await client.query('commit');
    res.status(201).json({ id: rows[0].id });
  } catch (error) {
    await client.query('rollback').catch(() => {});
    next(error);
  } finally {
    client.release();
  }
});

// Readiness: the load balancer stops sending traffic while the database cannot answer.
app.get('/readyz', async (_req, res) => {
  const health = await pool.health({ timeoutMs: 1_000 });
  res.status(health.ok ? 200 : 503).json(health);
});

// A slow query, a full pool or a lost server is a 503 the client may retry, not a request that hangs.
app.use((error, _req, res, _next) => {
  if (
    error instanceof PoolExhaustedError ||
    error instanceof QueryTimeoutError ||
    error instanceof PoolConnectionError
  ) {
    console.warn(error.message);
    return res.status(503).set('Retry-After', '1').json({ error: 'busy, try again' });
  }
  console.error(error);
  res.status(500).json({ error: 'internal error' });
});

const server = app.listen(Number(process.env.PORT ?? 3000));

process.on('SIGTERM', () => {
  server.close(async () => {
    await pool.end({ timeoutMs: 10_000 });
    process.exit(0);
  });
});
