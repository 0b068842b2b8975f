// One request of an `http` step, through node:http(s) rather than fetch: Node 20's fetch spends
// 15–50 ms on its first request in a process (undici compiles its parser on first use) and a few ms
// more than curl on each later one, time a step would charge to the app's latency budget. Failures
// keep fetch's shapes, which the step reads: a timeout is a DOMException named TimeoutError, a
// connection that fails is an Error whose `cause` is the socket's error (with its `code`).
import { type IncomingMessage, request as plainRequest } from 'node:http';
import { request as tlsRequest } from 'node:https';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

export interface StepRequest {
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** The whole exchange, sending to the last byte of the body. */
  timeoutMs: number;
}

export interface StepResponse {
  status: number;
  /** A 2xx status. */
  ok: boolean;
  /** The body as UTF-8 text, decompressed when the app compressed it. */
  text: string;
}

/** Sent when the spec gives none, as curl and fetch send them. */
const DEFAULT_HEADERS = { accept: '*/*', 'user-agent': 'launchdb-smoke' };

/** Sends one request; redirects are answers, never followed. Idle connections are kept for the next step. */
export function sendRequest(url: string, options: StepRequest): Promise<StepResponse> {
  const headers: Record<string, string> = { ...DEFAULT_HEADERS };
  for (const [name, value] of Object.entries(options.headers)) headers[name.toLowerCase()] = value;
  if (options.body !== undefined && headers['content-length'] === undefined)
    headers['content-length'] = String(Buffer.byteLength(options.body));
  const send = new URL(url).protocol === 'https:' ? tlsRequest : plainRequest;

  return new Promise((resolve, reject) => {
    const request = send(url, { method: options.method, headers });
    const timer = setTimeout(
      () => request.destroy(new DOMException(`no answer within ${options.timeoutMs} ms`, 'TimeoutError')),
      options.timeoutMs,
    );
    const fail = (error: Error) => {
      clearTimeout(timer);
      reject(
        error instanceof DOMException
          ? error
          : new Error(`request failed: ${error.message}`, { cause: error }),
      );
    };
    request.on('error', fail);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', fail);
      response.on('end', () => {
        clearTimeout(timer);
        try {
          const status = response.statusCode ?? 0;
          resolve({
            status,
            ok: status >= 200 && status < 300,
            text: decode(response, Buffer.concat(chunks)),
          });
        } catch (error) {
          reject(error);
        }
      });
    });
    request.end(options.body);
  });
}

/** The body as text: we ask for no compression, but an app may compress anyway. */
function decode(response: IncomingMessage, body: Buffer): string {
  const encoding = String(response.headers['content-encoding'] ?? '')
    .toLowerCase()
    .trim();
  if (encoding === 'gzip' || encoding === 'x-gzip') return gunzipSync(body).toString('utf8');
  if (encoding === 'deflate') return inflateSync(body).toString('utf8');
  if (encoding === 'br') return brotliDecompressSync(body).toString('utf8');
  return body.toString('utf8');
}
