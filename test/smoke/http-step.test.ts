// An http step as the app sees it, against a real HTTP server: launchdb names itself, so an app's
// logs can tell smoke traffic from users'.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHttpStep } from '../../src/smoke/http-step.js';

let server: Server;
let baseUrl: string;
const seen: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    req.on('end', () => res.writeHead(201, { 'content-type': 'application/json' }).end('{"id":1}'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  baseUrl = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('runHttpStep', () => {
  it('sends user-agent launchdb-smoke and the JSON body with its length, unless the spec says otherwise', async () => {
    const outcome = await runHttpStep(
      { method: 'POST', path: '/orders', body: { total: 1 }, capture: { id: '/id' } },
      { baseUrl, headers: {}, budgetMs: 1_000, secrets: [] },
    );
    expect(outcome).toMatchObject({ status: 'pass', captures: { id: 1 } });
    expect(seen.at(-1)).toMatchObject({
      'user-agent': 'launchdb-smoke',
      'content-type': 'application/json',
      'content-length': String('{"total":1}'.length),
    });

    await runHttpStep(
      { method: 'GET', path: '/orders/1', headers: { 'User-Agent': 'shop-monitor' } },
      { baseUrl, headers: {}, budgetMs: 1_000, secrets: [] },
    );
    expect(seen.at(-1)!['user-agent']).toBe('shop-monitor');
  });
});
