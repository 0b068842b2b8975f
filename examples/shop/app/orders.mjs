// Orders: created for an account with the client's own reference, read, moved through their statuses,
// deleted. Every write logs the order's id and its reference.
import { HttpError, readJson } from './http.mjs';
import { oneOf, optionalText, pathId, wholeNumber } from './input.mjs';
import { msSince } from './log.mjs';
import { FOREIGN_KEY_VIOLATION } from './sqlstate.mjs';

export const ORDER_STATUSES = ['pending', 'paid', 'shipped', 'delivered', 'cancelled'];

const COLUMNS = 'id, account_id, total_cents, status, reference';

/** The API's shape of an orders row (bigint columns come from pg as strings). */
function orderOf(row) {
  return {
    id: Number(row.id),
    accountId: Number(row.account_id),
    totalCents: Number(row.total_cents),
    status: row.status,
    reference: row.reference,
  };
}

export function orderRoutes({ pool, log }) {
  async function createOrder({ req }) {
    const body = await readJson(req);
    const accountId = wholeNumber(body, 'accountId', 1);
    const totalCents = wholeNumber(body, 'totalCents', 0);
    const reference = optionalText(body, 'reference', 200);
    const started = performance.now();
    try {
      const { rows } = await pool.query(
        `insert into orders (account_id, total_cents, reference) values ($1, $2, $3) returning ${COLUMNS}`,
        [accountId, totalCents, reference],
      );
      const order = orderOf(rows[0]);
      log.info('order created', { order: order.id, account: accountId, reference, ms: msSince(started) });
      return { status: 201, body: order };
    } catch (error) {
      if (error.code !== FOREIGN_KEY_VIOLATION) throw error;
      log.warn('order not created: no such account', { account: accountId, reference, ms: msSince(started) });
      throw new HttpError(400, `accountId ${accountId}: no such account`);
    }
  }

  async function readOrder({ params }) {
    const id = pathId(params[0], 'order');
    const { rows } = await pool.query(`select ${COLUMNS} from orders where id = $1`, [id]);
    if (rows.length === 0) throw new HttpError(404, `no order ${id}`);
    return { status: 200, body: orderOf(rows[0]) };
  }

  async function updateOrder({ req, params }) {
    const id = pathId(params[0], 'order');
    const status = oneOf(await readJson(req), 'status', ORDER_STATUSES);
    const started = performance.now();
    const { rows } = await pool.query(`update orders set status = $2 where id = $1 returning ${COLUMNS}`, [
      id,
      status,
    ]);
    if (rows.length === 0) throw new HttpError(404, `no order ${id}`);
    const order = orderOf(rows[0]);
    log.info('order updated', { order: id, reference: order.reference, status, ms: msSince(started) });
    return { status: 200, body: order };
  }

  async function deleteOrder({ params }) {
    const id = pathId(params[0], 'order');
    const started = performance.now();
    const { rows } = await pool.query('delete from orders where id = $1 returning reference', [id]);
    if (rows.length === 0) throw new HttpError(404, `no order ${id}`);
    log.info('order deleted', { order: id, reference: rows[0].reference, ms: msSince(started) });
    return { status: 204 };
  }

  return [
    { method: 'POST', path: /^\/orders$/, handle: createOrder },
    { method: 'GET', path: /^\/orders\/([^/]+)$/, handle: readOrder },
    { method: 'PATCH', path: /^\/orders\/([^/]+)$/, handle: updateOrder },
    { method: 'DELETE', path: /^\/orders\/([^/]+)$/, handle: deleteOrder },
  ];
}
