// Accounts: created with an email that no other account has, deleted once they have no orders.
import { HttpError, readJson } from './http.mjs';
import { pathId, requiredText } from './input.mjs';
import { msSince } from './log.mjs';
import { FOREIGN_KEY_VIOLATION, UNIQUE_VIOLATION } from './sqlstate.mjs';

export function accountRoutes({ pool, log }) {
  async function createAccount({ req }) {
    const body = await readJson(req);
    const email = requiredText(body, 'email', 320);
    if (!email.includes('@')) throw new HttpError(400, 'email must be an email address');
    const name = requiredText(body, 'name', 200);
    const started = performance.now();
    try {
      const { rows } = await pool.query('insert into accounts (email, name) values ($1, $2) returning id', [
        email,
        name,
      ]);
      const id = Number(rows[0].id);
      log.info('account created', { account: id, email, ms: msSince(started) });
      return { status: 201, body: { id, email, name } };
    } catch (error) {
      if (error.code !== UNIQUE_VIOLATION) throw error;
      log.warn('account not created: email taken', { email, ms: msSince(started) });
      throw new HttpError(409, 'an account with this email exists already');
    }
  }

  async function deleteAccount({ params }) {
    const id = pathId(params[0], 'account');
    const started = performance.now();
    try {
      const { rows } = await pool.query('delete from accounts where id = $1 returning email', [id]);
      if (rows.length === 0) throw new HttpError(404, `no account ${id}`);
      log.info('account deleted', { account: id, email: rows[0].email, ms: msSince(started) });
      return { status: 204 };
    } catch (error) {
      if (error.code !== FOREIGN_KEY_VIOLATION) throw error;
      log.warn('account not deleted: it has orders', { account: id, ms: msSince(started) });
      throw new HttpError(409, `account ${id} still has orders; delete them first`);
    }
  }

  return [
    { method: 'POST', path: /^\/accounts$/, handle: createAccount },
    { method: 'DELETE', path: /^\/accounts\/([^/]+)$/, handle: deleteAccount },
  ];
}
