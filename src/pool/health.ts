// pool.health(): one `select 1` through the pool, for readiness probes; it answers, never throws.
import type pg from 'pg';
import { redactText } from '../core/redact.js';

export interface PoolHealth {
  ok: boolean;
  /** How long the probe took, acquiring a connection included, in ms. */
  latencyMs: number;
  /** Why not, when not ok: the error's message, with any password masked. */
  error?: string;
}

export interface HealthOptions {
  /** Give up after this long, in ms. Default 2000: under a probe's usual timeout, so it answers first. */
  timeoutMs?: number;
}

export const DEFAULT_HEALTH_TIMEOUT = 2_000;

export async function probe(pool: pg.Pool, { timeoutMs = DEFAULT_HEALTH_TIMEOUT }: HealthOptions = {}) {
  const started = performance.now();
  const latency = () => Math.round((performance.now() - started) * 100) / 100;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    // The query itself may outlive the probe; race() keeps its eventual rejection handled.
    await Promise.race([pool.query('select 1'), late]);
    return { ok: true, latencyMs: latency() } satisfies PoolHealth;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, latencyMs: latency(), error: redactText(message) } satisfies PoolHealth;
  } finally {
    clearTimeout(timer);
  }
}
