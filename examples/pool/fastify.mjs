// Fastify: the pool is created once at module scope and closed with the server.
import Fastify from 'fastify';
import { createPool, PoolConnectionError, PoolExhaustedError, QueryTimeoutError } from 'launchdb/pool';

const pool = createPool({ kind: 'web' });

const app = Fastify({ logger: true });

app.get('/accounts/:id', async (request, reply) => {
  const { rows } = await pool.query('select id, name from accounts where id = $1', [request.params.id]);
  if (rows.length === 0) return reply.code(404).send({ error: 'not found' });
  return rows[0];
});

app.get('/readyz', async (_request, reply) => {
  const health = await pool.health({ timeoutMs: 1_000 });
  return reply.code(health.ok ? 200 : 503).send(health);
});

app.setErrorHandler((error, request, reply) => {
  if (
    error instanceof PoolExhaustedError ||
    error instanceof QueryTimeoutError ||
    error instanceof PoolConnectionError
  ) {
    request.log.warn(error.message);
    return reply.code(503).header('retry-after', '1').send({ error: 'busy, try again' });
  }
  request.log.error(error);
  return reply.code(500).send({ error: 'internal error' });
});

// Pool numbers beside the app's own metrics.
app.get('/metrics/pool', async () => pool.stats());

// app.close() (on SIGTERM, say) waits for running statements, up to 10 s.
app.addHook('onClose', async () => {
  await pool.end({ timeoutMs: 10_000 });
});

await app.listen({ port: Number(process.env.PORT ?? 3000), host: '0.0.0.0' });

process.on('SIGTERM', () => {
  app.close().then(() => process.exit(0));
});
