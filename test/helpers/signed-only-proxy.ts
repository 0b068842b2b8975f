// A loopback proxy in front of an S3 server that refuses what a private bucket refuses: any request
// without an AWS signature (SigV4 `Authorization` header or `X-Amz-Signature` query) gets 403
// AccessDenied, one signed with another access key id 403 InvalidAccessKeyId; signed ones pass
// through. It can also answer bucket settings the server does not implement (policy, encryption,
// versioning, lifecycle), refuse signed writes as for a read-only key, and answer preflights itself
// with given headers, as a CDN in front would.
import { createServer, request } from 'node:http';

export interface SignedOnlyProxyOptions {
  /** The server behind it: `http://127.0.0.1:PORT`. */
  upstream: string;
  /** The only access key id it lets through. */
  accessKeyId: string;
  /**
   * Answers for `GET /bucket?<name>` (`policy`, `encryption`, `versioning`, `lifecycle`), given here:
   * a body (HTTP 200), or a status and body (`404` with an S3 error for a setting never made).
   */
  bucketSettings?: Record<string, string | { status: number; body: string }>;
  /** Signed writes (PUT, POST, DELETE) are refused too, as for a read-only key. */
  readOnly?: boolean;
  /** Headers of its own answer to every preflight (OPTIONS); absent, preflights go to the server. */
  preflight?: Record<string, string>;
}

export interface SignedOnlyProxy {
  endpoint: string;
  /** Unsigned requests it refused. */
  refused: number;
  close(): Promise<void>;
}

/** An S3 error document. */
export const s3Error = (code: string, message: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`;

export async function startSignedOnlyProxy(options: SignedOnlyProxyOptions): Promise<SignedOnlyProxy> {
  const upstream = new URL(options.upstream);
  const proxy: SignedOnlyProxy = { endpoint: '', refused: 0, close: async () => {} };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    if (req.method === 'OPTIONS' && options.preflight) {
      res.writeHead(200, options.preflight).end();
      return;
    }
    const credential =
      /Credential=([^/,\s]+)\//.exec(req.headers.authorization ?? '')?.[1] ??
      (url.searchParams.has('X-Amz-Signature')
        ? url.searchParams.get('X-Amz-Credential')?.split('/')[0]
        : undefined);
    if (req.method !== 'OPTIONS' && credential === undefined) {
      proxy.refused += 1;
      res.writeHead(403, { 'content-type': 'application/xml' }).end(s3Error('AccessDenied', 'Access Denied'));
      req.resume();
      return;
    }
    if (req.method !== 'OPTIONS' && credential !== options.accessKeyId) {
      res
        .writeHead(403, { 'content-type': 'application/xml' })
        .end(
          s3Error('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.'),
        );
      req.resume();
      return;
    }
    if (options.readOnly && !['GET', 'HEAD', 'OPTIONS'].includes(req.method ?? '')) {
      res.writeHead(403, { 'content-type': 'application/xml' }).end(s3Error('AccessDenied', 'Access Denied'));
      req.resume();
      return;
    }
    const setting = [...url.searchParams.keys()].find((name) => options.bucketSettings?.[name] !== undefined);
    if (req.method === 'GET' && setting && /^\/[^/]+\/?$/.test(url.pathname)) {
      const answer = options.bucketSettings?.[setting] ?? '';
      const { status, body } = typeof answer === 'string' ? { status: 200, body: answer } : answer;
      const type = setting === 'policy' && status === 200 ? 'application/json' : 'application/xml';
      res.writeHead(status, { 'content-type': type }).end(body);
      req.resume();
      return;
    }
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  proxy.endpoint = `http://127.0.0.1:${port}`;
  proxy.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}
