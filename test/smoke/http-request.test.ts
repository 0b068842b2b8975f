// The http step's request against a real HTTP server: what arrives, what comes back, and the shapes
// of its failures (a timeout, a refused connection) that the step tells apart.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendRequest } from '../../src/smoke/http-request.js';
import { closedPort } from '../helpers/closed-port.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

let server: Server;
let base: string;
let received: Received[] = [];
const routes: Record<string, (res: ServerResponse) => void> = {
  '/ok': (res) => res.writeHead(201, { 'content-type': 'application/json' }).end('{"id":7,"name":"é"}'),
  '/gzip': (res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(gzipSync('compressed ✓')),
  '/redirect': (res) => res.writeHead(302, { location: '/ok' }).end(),
  '/hang': () => {},
  // Headers at once, then the body never finishes: the timeout covers the body too.
  '/slow-body': (res) => {
    res.writeHead(200);
    res.write('partial');
  },
};

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      (routes[req.url!] ?? ((r: ServerResponse) => r.writeHead(404).end()))(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  base = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('sendRequest', () => {
  it('sends the method, headers and body with its length, and returns the status and the text', async () => {
    received = [];
    const body = JSON.stringify({ name: 'é' });
    const response = await sendRequest(`${base}/ok`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer t' },
      body,
      timeoutMs: 5_000,
    });
    expect(response).toEqual({ status: 201, ok: true, text: '{"id":7,"name":"é"}' });
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({ method: 'POST', url: '/ok', body });
    expect(received[0]!.headers).toMatchObject({
      'content-type': 'application/json',
      authorization: 'Bearer t',
      'content-length': String(Buffer.byteLength(body)),
      accept: '*/*',
      'user-agent': 'launchdb-smoke',
    });
    expect(received[0]!.headers['transfer-encoding']).toBeUndefined();
  });

  it('keeps the headers the spec gives over its defaults', async () => {
    received = [];
    await sendRequest(`${base}/ok`, {
      method: 'GET',
      headers: { Accept: 'application/json', 'User-Agent': 'shop-monitor' },
      timeoutMs: 5_000,
    });
    expect(received[0]!.headers).toMatchObject({ accept: 'application/json', 'user-agent': 'shop-monitor' });
  });

  it('answers a redirect as it is, and says when the status is not 2xx', async () => {
    expect(await sendRequest(`${base}/redirect`, { method: 'GET', headers: {}, timeoutMs: 5_000 })).toEqual({
      status: 302,
      ok: false,
      text: '',
    });
    expect(
      await sendRequest(`${base}/missing`, { method: 'DELETE', headers: {}, timeoutMs: 5_000 }),
    ).toMatchObject({
      status: 404,
      ok: false,
    });
  });

  it('decompresses a body the app compressed', async () => {
    const response = await sendRequest(`${base}/gzip`, { method: 'GET', headers: {}, timeoutMs: 5_000 });
    expect(response.text).toBe('compressed ✓');
  });

  it('times out as fetch does, before the headers and while the body is coming', async () => {
    for (const path of ['/hang', '/slow-body']) {
      const error = await sendRequest(`${base}${path}`, { method: 'GET', headers: {}, timeoutMs: 200 }).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(DOMException);
      expect((error as DOMException).name).toBe('TimeoutError');
    }
  });

  it('fails with the socket error as its cause when nothing listens', async () => {
    const port = await closedPort();
    const error = await sendRequest(`http://127.0.0.1:${port}/`, {
      method: 'GET',
      headers: {},
      timeoutMs: 5_000,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error & { cause: { code: string } }).cause.code).toBe('ECONNREFUSED');
  });
});
