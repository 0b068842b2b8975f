// The address a request came from, for sign-in throttling: the socket's peer, or behind a proxy the
// address the proxy reports (only when started with --behind-proxy, which trusts that header).
import { getConnInfo } from '@hono/node-server/conninfo';
import type { ConsoleContext } from './console-context.js';

export function clientAddress(c: ConsoleContext): string {
  if (c.var.deps.behindProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
