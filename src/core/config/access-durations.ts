// How long personal access may last and how long a request for it may wait: `access.maxGrant` and
// `access.requestTtl`, durations as `--for` takes them (`30m`, `8h`, `1d`).
import { parseDuration } from '../duration.js';
import type { AccessConfig } from './types.js';

/** Personal access for an afternoon by default, not a standing right. */
export const DEFAULT_MAX_GRANT = '8h';
/** A request nobody approved within a day is stale: whoever needed it asks again. */
export const DEFAULT_REQUEST_TTL = '24h';

/** What either setting may be: a minute to 30 days. */
export const ACCESS_DURATION_MIN_MS = 60_000;
export const ACCESS_DURATION_MAX_MS = 30 * 86_400_000;

/** True when `text` is a duration within a minute and 30 days: what the config schema accepts. */
export function isAccessDuration(text: string): boolean {
  try {
    const ms = parseDuration(text, 'duration');
    return ms >= ACCESS_DURATION_MIN_MS && ms <= ACCESS_DURATION_MAX_MS;
  } catch {
    return false;
  }
}

/** `access.maxGrant` in ms (the config schema checked it). */
export function maxGrantMs(access: AccessConfig | undefined): number {
  return parseDuration(access?.maxGrant ?? DEFAULT_MAX_GRANT, 'access.maxGrant');
}

/** `access.requestTtl` in ms (the config schema checked it). */
export function requestTtlMs(access: AccessConfig | undefined): number {
  return parseDuration(access?.requestTtl ?? DEFAULT_REQUEST_TTL, 'access.requestTtl');
}
