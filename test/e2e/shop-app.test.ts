// The example shop's HTTP app (examples/shop/app) as a real process over a real database: on the
// server (provisioned and migrated by the CLI, the app connecting as the app role) and on embedded
// (through `launchdb serve`). Each write is checked in the database and in the app's log.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSecrets } from '../../src/core/secrets.js';
import { runCli, runNode } from '../helpers/cli.js';
import {
  adminQuery,
  BACKINGS,
  type BackingName,
  SERVER_URL,
  serverAvailable,
  serverUrlFor,
} from '../helpers/databases.js';
import {
  copyShop,
  type RunningProcess,
  SHOP_APP,
  type ShopApp,
  type ShopCopy,
  serveEmbeddedEnvironment,
  startShopApp,
} from '../helpers/shop-app.js';

const PRODUCTION = ['--env', 'production', '--confirm', 'production'];

interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

function logLines(file: string): LogLine[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as LogLine);
}

/** The shop's production database, attached and migrated by the CLI: the app's URL and ours to check it. */
interface Store {
  appUrl: string;
  checkUrl: string;
  close(): Promise<void>;
}

async function attachAndMigrate(shop: ShopCopy, backing: BackingName): Promise<Store> {
  const admin = backing === 'server' ? ['--admin-url', SERVER_URL] : [];
  const attached = await runCli(['attach', 'postgres', ...admin, ...PRODUCTION], { cwd: shop.dir });
  expect(attached.code, attached.stderr).toBe(0);
  const up = await runCli(['migrate', 'up', ...PRODUCTION], { cwd: shop.dir });
  expect(up.code, up.stderr).toBe(0);
  expect(up.stdout).toContain('20260104000000_order_reference.sql');
  if (backing === 'server') {
    const database = `${shop.name}_production`;
    return {
      // The provisioned app role: data read/write only, no DDL, as in production.
      appUrl: readSecrets(join(shop.dir, '.launchdb'), 'production').DATABASE_URL!,
      checkUrl: serverUrlFor(database),
      close: async () => {
        await adminQuery(`drop database if exists ${database} with (force)`);
        for (const role of ['app', 'readonly', 'owner'])
          await adminQuery(`drop role if exists ${database}_${role}`);
      },
    };
  }
  const served: RunningProcess & { url: string } = await serveEmbeddedEnvironment({
    cwd: shop.dir,
    env: 'production',
  });
  return {
    appUrl: served.url,
    checkUrl: served.url,
    close: async () => {
      expect(await served.stop()).toBe(0);
    },
  };
}

describe.each(BACKINGS)('the shop app on %s', (backing) => {
  const skip = backing === 'server' && !serverAvailable;
  let shop: ShopCopy;
  let store: Store;
  let app: ShopApp;

  async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new pg.Client({ connectionString: store.checkUrl });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  }

  async function call(method: string, path: string, body?: unknown) {
    const response = await fetch(`${app.url}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  beforeAll(async () => {
    if (skip) return;
    shop = copyShop();
    store = await attachAndMigrate(shop, backing);
    app = await startShopApp({
      databaseUrl: store.appUrl,
      logFile: join(shop.dir, 'run', 'app.log'),
      cwd: shop.dir,
    });
  });
  afterAll(async () => {
    await app?.kill();
    await store?.close();
    shop?.remove();
  });

  it.skipIf(skip)('answers its health from the pool', async () => {
    expect(await call('GET', '/health')).toMatchObject({ status: 200, body: { ok: true } });
  });

  it.skipIf(skip)(
    'creates, reads, updates and deletes an order and its account, each write in the store and the log',
    async () => {
      const reference = `smoke-${backing}-${Date.now().toString(36)}`;
      const email = `${reference}@shop.dev`;

      const account = await call('POST', '/accounts', { email, name: 'Smoke Tester' });
      expect(account.status).toBe(201);
      expect(account.body).toEqual({ id: expect.any(Number), email, name: 'Smoke Tester' });
      const accountId = account.body.id as number;
      expect(await query('select email, name from accounts where id = $1', [accountId])).toEqual([
        { email, name: 'Smoke Tester' },
      ]);
      expect((await call('POST', '/accounts', { email, name: 'Again' })).status).toBe(409);

      const created = await call('POST', '/orders', { accountId, totalCents: 1250, reference });
      expect(created.status).toBe(201);
      const order = { id: expect.any(Number), accountId, totalCents: 1250, status: 'pending', reference };
      expect(created.body).toEqual(order);
      const orderId = created.body.id as number;
      const stored = () =>
        query('select account_id::int, total_cents::int, status from orders where reference = $1', [
          reference,
        ]);
      expect(await stored()).toEqual([{ account_id: accountId, total_cents: 1250, status: 'pending' }]);

      expect(await call('GET', `/orders/${orderId}`)).toEqual({ status: 200, body: created.body });

      const updated = await call('PATCH', `/orders/${orderId}`, { status: 'paid' });
      expect(updated).toEqual({ status: 200, body: { ...created.body, status: 'paid' } });
      expect(await stored()).toEqual([{ account_id: accountId, total_cents: 1250, status: 'paid' }]);

      const refused = await call('DELETE', `/accounts/${accountId}`);
      expect(refused).toEqual({
        status: 409,
        body: { error: `account ${accountId} still has orders; delete them first` },
      });

      expect(await call('DELETE', `/orders/${orderId}`)).toEqual({ status: 204, body: undefined });
      expect(await stored()).toEqual([]);
      expect(await call('DELETE', `/accounts/${accountId}`)).toEqual({ status: 204, body: undefined });
      expect(await query('select id from accounts where id = $1', [accountId])).toEqual([]);

      // Each write logged with its row id and what it carried, on stdout and in the file alike.
      const lines = logLines(app.logFile);
      expect(lines.filter((line) => line.level === 'info' && line.msg !== 'request')).toEqual(
        expect.arrayContaining(
          [
            { msg: 'account created', account: accountId, email },
            { msg: 'order created', order: orderId, account: accountId, reference },
            { msg: 'order updated', order: orderId, reference, status: 'paid' },
            { msg: 'order deleted', order: orderId, reference },
            { msg: 'account deleted', account: accountId, email },
          ].map((fields) =>
            expect.objectContaining({ ...fields, time: expect.any(String), ms: expect.any(Number) }),
          ),
        ),
      );
      expect(lines).toContainEqual(
        expect.objectContaining({
          level: 'warn',
          msg: 'account not deleted: it has orders',
          account: accountId,
        }),
      );
      expect(app.output()).toContain(`"msg":"order created","order":${orderId}`);
    },
  );

  it.skipIf(skip)('answers 404 for what is not there and 400 for bad input, writing nothing', async () => {
    const before = await query<{ n: number }>(
      'select (select count(*) from orders) + (select count(*) from accounts) as n',
    );
    expect(await call('GET', '/orders/999999')).toEqual({ status: 404, body: { error: 'no order 999999' } });
    expect((await call('PATCH', '/orders/999999', { status: 'paid' })).status).toBe(404);
    expect((await call('DELETE', '/accounts/999999')).status).toBe(404);
    expect(await call('GET', '/orders/first')).toEqual({
      status: 400,
      body: { error: 'order id must be a whole number ≥ 1' },
    });
    expect(await call('POST', '/accounts', { email: 'not-an-email', name: 'X' })).toEqual({
      status: 400,
      body: { error: 'email must be an email address' },
    });
    expect((await call('POST', '/orders', { accountId: 1, totalCents: -5 })).body).toEqual({
      error: 'totalCents must be a whole number ≥ 0',
    });
    expect((await call('POST', '/orders', { accountId: 999999, totalCents: 5 })).status).toBe(400);
    expect((await call('PATCH', '/orders/1', { status: 'lost' })).body.error).toContain(
      'status must be one of pending',
    );
    const broken = await fetch(`${app.url}/accounts`, { method: 'POST', body: '{"email":' });
    expect(broken.status).toBe(400);
    expect(
      await query('select (select count(*) from orders) + (select count(*) from accounts) as n'),
    ).toEqual(before);
  });

  it.skipIf(skip)('stops gracefully on SIGTERM: exit 0 after the pool ended', async () => {
    expect((await call('GET', '/health')).status).toBe(200);
    expect(await app.stop()).toBe(0);
    expect(logLines(app.logFile).slice(-2)).toMatchObject([
      { msg: 'stopping', signal: 'SIGTERM' },
      { msg: 'stopped' },
    ]);
    if (backing === 'server') {
      const left = await adminQuery(
        'select count(*)::int as n from pg_stat_activity where datname = $1 and application_name = $2',
        [`${shop.name}_production`, `${shop.name}:web`],
      );
      expect(left.rows[0].n).toBe(0);
    }
    await expect(fetch(`${app.url}/health`)).rejects.toThrow();
  });
});

describe('the shop app without its database', () => {
  let dir: string;
  let app: ShopApp;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'launchdb-shop-app-'));
    // Nothing listens on port 1: every connection is refused at once.
    app = await startShopApp({
      databaseUrl: 'postgresql://app:s3cretpw@127.0.0.1:1/shop_production',
      cwd: dir,
    });
  });
  afterAll(async () => {
    await app?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 with Retry-After, logs the error without the password, in logs/app.log by default', async () => {
    const health = await fetch(`${app.url}/health`);
    expect(health.status).toBe(503);
    expect(await health.json()).toMatchObject({ ok: false });
    const response = await fetch(`${app.url}/accounts`, {
      method: 'POST',
      body: JSON.stringify({ email: 'ada@shop.dev', name: 'Ada' }),
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(await response.json()).toEqual({ error: 'busy, try again' });
    expect(app.logFile).toBe(join(dir, 'logs', 'app.log'));
    expect(logLines(app.logFile)).toContainEqual(
      expect.objectContaining({
        level: 'error',
        msg: 'database error',
        path: '/accounts',
        error: expect.stringContaining('could not connect to 127.0.0.1:1/shop_production'),
      }),
    );
    expect(readFileSync(app.logFile, 'utf8')).not.toContain('s3cretpw');
    expect(app.output()).not.toContain('s3cretpw');
  });

  it('refuses a bad PORT and a missing DATABASE_URL in one line, exit 2', async () => {
    const env = { LOG_FILE: join(dir, 'refused.log') };
    const badPort = await runNode([SHOP_APP], {
      cwd: dir,
      env: { ...env, PORT: 'many', DATABASE_URL: SERVER_URL },
    });
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toBe('PORT must be a whole number 0-65535, got "many"\n');
    const noUrl = await runNode([SHOP_APP], {
      cwd: dir,
      env: { ...env, PORT: '0', DATABASE_URL: undefined },
    });
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toBe('createPool: no database URL: set DATABASE_URL or pass { url }\n');
  });
});
