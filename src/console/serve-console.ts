// Serves the console over HTTP on loopback, or HTTPS with a certificate; returns its URL and a stop.

import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { abandonUnfinishedActions } from './actions/action-log.js';
import { consoleApp } from './app.js';
import type { ConsoleDeps } from './console-context.js';

export interface ServeConsoleOptions extends Omit<ConsoleDeps, 'secure'> {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** PEM certificate and key: the console speaks HTTPS and its cookies are Secure. */
  tls?: { cert: string; key: string };
}

export interface RunningConsole {
  url: string;
  stop(): Promise<void>;
}

export async function serveConsole(options: ServeConsoleOptions): Promise<RunningConsole> {
  const { host, port, tls, ...deps } = options;
  if (deps.control.backing === 'embedded') await abandonUnfinishedActions(deps.control.db, deps.project.name);
  const app = consoleApp({ ...deps, secure: Boolean(tls) });
  return new Promise<RunningConsole>((resolve, reject) => {
    const server = serve(
      {
        fetch: app.fetch,
        hostname: host,
        port,
        ...(tls ? { createServer: createHttpsServer, serverOptions: { cert: tls.cert, key: tls.key } } : {}),
      },
      (info: AddressInfo) => {
        const shown = info.family === 'IPv6' ? `[${info.address}]` : info.address;
        resolve({
          url: `${tls ? 'https' : 'http'}://${shown}:${info.port}`,
          stop: () =>
            new Promise<void>((done) => {
              server.close(() => done());
              // Open keep-alive connections would hold close() until they time out.
              if ('closeAllConnections' in server) server.closeAllConnections();
            }),
        });
      },
    );
    server.once('error', reject);
  });
}
