// An audit event's result and parameters in words, as `audit list` and the console show them.
import type { AuditEvent, AuditResult } from './audit-event.js';

/** `ok`, `refused: …`, `failed (exit 1): …`. */
export function describeResult(result: AuditResult): string {
  if (result.status === 'ok') return 'ok';
  if (result.status === 'refused') return `refused: ${result.error}`;
  const exit = `failed (exit ${result.exitCode})`;
  return result.error ? `${exit}: ${result.error}` : exit;
}

/** `postgres --env production --confirm production`: as typed, secrets already removed when recorded. */
export function describeParameters(event: AuditEvent): string {
  const parameters = event.parameters as { flags?: Record<string, unknown>; arguments?: unknown[] };
  const words = (parameters.arguments ?? []).map(String);
  for (const [name, value] of Object.entries(parameters.flags ?? {})) {
    words.push(value === true ? `--${name}` : `--${name} ${String(value)}`);
  }
  return words.join(' ');
}
