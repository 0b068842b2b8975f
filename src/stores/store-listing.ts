// One row of `env list`: an environment's store, reachable or why not. Every store kind lists itself
// in this shape; unreachable stores are data, not failure.
import { redactText } from '../core/redact.js';
import type { StoreName } from './store-kind.js';

/** How a store answered: reachable, or why not. */
export type StoreStatus =
  | 'reachable'
  | 'unreachable'
  | 'not attached'
  | 'not configured'
  | 'busy'
  | 'timeout';

export interface StoreListing {
  store: StoreName;
  backing: 'embedded' | 'server';
  /**
   * What holds this environment's data in the store: the database (`postgres` embedded), the bucket
   * and prefix, the key prefix, the documents schema; null when unknown.
   */
  database: string | null;
  /** `host:port` on a server (never a password); the data folder for embedded. */
  host: string | null;
  status: StoreStatus;
  reachable: boolean;
  /** The server's version: `15.8`, `18.6` (PGlite), `7.0.15` (Redis). */
  version: string | null;
  /** How much it holds, in words: `8 MB`, `1,204 objects`. */
  size: string | null;
  sizeBytes: number | null;
  /** The store carries launchdb's marker. */
  attached: boolean;
  /** What the marker says, which may name another environment. */
  marker: { project: string; environment: string; attachedAt: string } | null;
  /** The port a running `launchdb serve` offers this embedded database on. */
  servedOn?: number;
  error?: string;
  fix?: string;
}

export interface ListOptions {
  connectTimeoutMs: number | undefined;
  /** Passwords met on the way, for the output to mask wherever they appear. */
  secrets: Set<string>;
}

/** The facts of a store that did not answer. */
export const UNKNOWN = {
  reachable: false,
  version: null,
  size: null,
  sizeBytes: null,
  attached: false,
  marker: null,
} as const;

/** An error as a listing's `error` and `fix`, redacted, one line. */
export function problem(error: unknown): { error: string; fix?: string } {
  const message = error instanceof Error ? error.message : String(error);
  const fix = (error as { fix?: unknown }).fix;
  return {
    error: redactText(message.split('\n')[0] ?? message),
    ...(typeof fix === 'string' ? { fix: redactText(fix) } : {}),
  };
}

/**
 * The row of a store whose config does not resolve (typically an unset env('…') variable): this
 * row says why, the other stores and environments still list.
 */
export function notConfigured(
  row: Pick<StoreListing, 'store' | 'backing'> & { database?: string | null },
  error: unknown,
): StoreListing {
  return { database: null, host: null, ...row, status: 'not configured', ...UNKNOWN, ...problem(error) };
}
