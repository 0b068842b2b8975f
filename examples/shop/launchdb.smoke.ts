import { defineSmoke } from 'launchdb';

// The article's five steps through the shop's public routes, proven in the store: `launchdb smoke`.
export default defineSmoke({
  app: { budgetMs: 1_000 },
  // Where the run's id lands: the account's email and the order's reference.
  records: [
    { table: 'accounts', column: 'email' },
    { table: 'orders', column: 'reference' },
  ],
  steps: [
    {
      name: 'create a record from the public app',
      http: {
        method: 'POST',
        path: '/accounts',
        body: { email: 'smoke+{{run.id}}@shop.dev', name: 'Smoke Test' },
        expect: { status: 201 },
        capture: { accountId: '/id' },
      },
    },
    {
      name: 'create an order for it',
      http: {
        method: 'POST',
        path: '/orders',
        body: { accountId: '{{accountId}}', totalCents: 1200, reference: '{{run.id}}' },
        expect: { status: 201, body: { '/status': 'pending' } },
        capture: { orderId: '/id' },
      },
    },
    {
      name: 'read it back from the public app',
      http: {
        path: '/orders/{{orderId}}',
        expect: { status: 200, body: { '/reference': '{{run.id}}' } },
      },
    },
    {
      name: 'it is in the production store',
      sql: {
        query: 'select status, total_cents from orders where id = $1 and reference = $2',
        params: ['{{orderId}}', '{{run.id}}'],
        expect: { rows: 1, row: { status: 'pending', total_cents: 1200 } },
      },
    },
    {
      name: 'update it, as the core workflow does',
      http: {
        method: 'PATCH',
        path: '/orders/{{orderId}}',
        body: { status: 'paid' },
        expect: { status: 200, body: { '/status': 'paid' } },
      },
    },
    {
      name: 'the update persisted',
      sql: {
        query: 'select status from orders where id = $1',
        params: ['{{orderId}}'],
        expect: { rows: 1, row: { status: 'paid' } },
      },
    },
    {
      name: 'the logs show the database work',
      log: { file: 'logs/app.log', pattern: '"order updated".*"{{run.id}}"', database: true },
    },
  ],
  finally: [
    {
      name: 'delete the order',
      http: { method: 'DELETE', path: '/orders/{{orderId}}', expect: { status: [204, 404] } },
    },
    {
      name: 'delete the account',
      http: { method: 'DELETE', path: '/accounts/{{accountId}}', expect: { status: [204, 404] } },
    },
  ],
});
