// A Next.js route handler (app/api/orders/route.js): it imports the pool, never creates one per request.
import { PoolConnectionError, PoolExhaustedError, QueryTimeoutError } from 'launchdb/pool';
import { pool } from '../../../lib/db.js';

// pg needs Node's sockets, not the Edge runtime.
export const runtime = 'nodejs';

export async function GET(request) {
  const accountId = new URL(request.url).searchParams.get('account');
  try {
    const { rows } = await pool.query(
      'select id, status, total from orders where account_id = $1 order by created_at desc limit 50',
      [accountId],
    );
    return Response.json(rows);
  } catch (error) {
    if (
      error instanceof PoolExhaustedError ||
      error instanceof QueryTimeoutError ||
      error instanceof PoolConnectionError
    ) {
      console.warn(error.message);
      return Response.json({ error: 'busy, try again' }, { status: 503, headers: { 'Retry-After': '1' } });
    }
    throw error;
  }
}

export async function POST(request) {
  const { accountId, total } = await request.json();
  const { rows } = await pool.query('insert into orders (account_id, total) values ($1, $2) returning id', [
    accountId,
    total,
  ]);
  return Response.json({ id: rows[0].id }, { status: 201 });
}
