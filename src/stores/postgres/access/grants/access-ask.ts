// What a grant or a request asks for — whose access, at what level, for how long, why — checked
// before anything connects: one line naming the bad part and its fix.
import { maxGrantMs } from '../../../../core/config/access-durations.js';
import { personOf } from '../../../../core/config/people.js';
import type { LaunchdbConfig } from '../../../../core/config/types.js';
import { describeDuration, parseDuration } from '../../../../core/duration.js';
import { UsageError } from '../../../../core/errors.js';
import { suggest } from '../../../../core/suggest.js';
import { ACCESS_LEVELS, type AccessLevel } from '../personal-role.js';

export interface AccessAsk {
  /** An id from `access.people`. */
  person: string;
  level: AccessLevel;
  /** How long the access lasts once granted, in ms. */
  durationMs: number;
  reason: string;
}

/** The raw flags of a grant or request: `--person`, `--level`, `--for`, `--reason`. */
export interface AccessAskFlags {
  person?: string | undefined;
  level?: string | undefined;
  for?: string | undefined;
  reason?: string | undefined;
}

/** Checks every part, in the order the usage line gives them. */
export function readAccessAsk(config: LaunchdbConfig, flags: AccessAskFlags, usage: string): AccessAsk {
  const person = requireDeclaredPerson(config, required(flags.person, 'person', usage));
  const level = parseAccessLevel(required(flags.level, 'level', usage));
  const durationMs = parseAccessDuration(config, required(flags.for, 'for', usage));
  const reason = requireReason(flags.reason, usage);
  return { person, level, durationMs, reason };
}

export function requireDeclaredPerson(config: LaunchdbConfig, id: string): string {
  if (personOf(config, id)) return id;
  const declared = Object.keys(config.access?.people ?? {});
  const guess = suggest(id, declared);
  throw new UsageError(
    `"${id}" is not a person in access.people (${declared.length > 0 ? `declared: ${declared.join(', ')}` : 'none declared'}); nothing was changed`,
    {
      fix: guess
        ? `did you mean --person ${guess}?`
        : `declare them under access.people in the config: ${id}: { email: '…' }`,
    },
  );
}

export function parseAccessLevel(text: string): AccessLevel {
  if ((ACCESS_LEVELS as readonly string[]).includes(text)) return text as AccessLevel;
  throw new UsageError(`--level ${text} is not an access level; nothing was changed`, {
    fix: 'give --level read (the read-only role), write (the app role) or admin (the owner role, after SET ROLE)',
  });
}

/** `--for` in ms: a strict duration, at most `access.maxGrant`. */
export function parseAccessDuration(config: LaunchdbConfig, text: string): number {
  const max = maxGrantMs(config.access);
  // Years are no unit of the shared parser (`--since`), but asking for them here is asking too much.
  const ms = /^[1-9][0-9]{0,6}y$/.test(text) ? Number.POSITIVE_INFINITY : parseDuration(text, '--for');
  if (ms > max) {
    throw new UsageError(
      `--for ${text} is longer than access.maxGrant (${describeDuration(max)}); nothing was changed`,
      { fix: `ask for ${describeDuration(max)} or less, or raise access.maxGrant in the config` },
    );
  }
  return ms;
}

export function requireReason(text: string | undefined, usage: string): string {
  const reason = text?.trim();
  if (reason) return reason;
  throw new UsageError('--reason is required: why the access is needed, for the audit trail', {
    fix: `e.g. ${usage}`,
  });
}

function required(value: string | undefined, flag: string, usage: string): string {
  if (value !== undefined) return value;
  throw new UsageError(`--${flag} is required`, { fix: `e.g. ${usage}` });
}
