// provisioning.tls: a server off this machine is reached over TLS that the URL insists on.
import type { Check, CheckOutcome } from '../../../core/checks/check.js';
import { isLoopback, parseConnectionUrl } from '../connection-url.js';
import type { PostgresCheckContext } from './context.js';

/** sslmodes that refuse a plaintext connection; `prefer` and `allow` silently fall back to one. */
export const STRICT_SSLMODES = ['require', 'verify-ca', 'verify-full'] as const;

export interface TlsFacts {
  host: string;
  /** The URL's `sslmode`, if any. */
  sslmode: string | undefined;
  /** Whether this connection is encrypted (`pg_stat_ssl.ssl`); unknown when not asked yet. */
  encrypted?: boolean;
}

const FIX =
  'add `?sslmode=verify-full` (or at least `sslmode=require`) to the URL and enable TLS on the server';

/** The verdict for a server connection: loopback needs no TLS; anything else needs it, enforced. */
export function tlsVerdict(facts: TlsFacts): CheckOutcome {
  const details = { host: facts.host, sslmode: facts.sslmode ?? null, encrypted: facts.encrypted ?? null };
  if (isLoopback(facts.host)) {
    return { status: 'pass', summary: 'loopback connection; TLS not required', details };
  }
  const strict = (STRICT_SSLMODES as readonly string[]).includes(facts.sslmode ?? '');
  if (facts.encrypted && strict) {
    return { status: 'pass', summary: `TLS to ${facts.host} with sslmode=${facts.sslmode}`, details };
  }
  if (facts.encrypted) {
    return {
      status: 'fail',
      summary: `TLS is used but not required (sslmode=${facts.sslmode ?? 'unset'}): a downgraded connection would go unnoticed`,
      details,
      fix: FIX,
    };
  }
  return {
    status: 'fail',
    summary: `the connection to ${facts.host} is not encrypted${facts.sslmode ? ` (sslmode=${facts.sslmode})` : ''}`,
    details,
    fix: FIX,
  };
}

export const tls: Check<PostgresCheckContext> = {
  id: 'provisioning.tls',
  area: 'provisioning',
  title: 'A remote server is reached with TLS',
  severity: 'fail',
  async run(ctx) {
    const db = await ctx.postgres.db();
    const target = ctx.postgres.target;
    if (!db.capabilities.network || target.backing !== 'server') {
      return { status: 'skip', summary: 'embedded: no network connection' };
    }
    const { sslmode } = parseConnectionUrl(target.url);
    if (isLoopback(target.host)) return tlsVerdict({ host: target.host, sslmode });
    const { rows } = await db.query<{ ssl: boolean }>(
      'select ssl from pg_stat_ssl where pid = pg_backend_pid()',
    );
    return tlsVerdict({ host: target.host, sslmode, encrypted: rows[0]?.ssl === true });
  },
};
