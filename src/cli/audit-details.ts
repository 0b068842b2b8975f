// What a command adds to its own audit event, once it knows: the person an approved request was for,
// the roles `access expire` ended. The recorder (record-action.ts) merges it into the event's details.
// A run that found nothing to do may say so, and then leaves no event: `access expire` runs every few
// minutes from a scheduler, and a trail of no-ops would bury the changes it exists to show.
import type { JsonValue } from '../stores/postgres/audit/canonical-json.js';
import type { CommandInput } from './spec.js';

const noted = new WeakMap<CommandInput, { [key: string]: JsonValue }>();
const unchanged = new WeakSet<CommandInput>();

/** Adds `details` to the event this run of the command will record; never a secret. */
export function noteAuditDetails(input: CommandInput, details: { [key: string]: JsonValue }): void {
  noted.set(input, { ...noted.get(input), ...details });
}

/** What the command noted for its event; undefined when nothing. */
export function auditDetailsOf(input: CommandInput): { [key: string]: JsonValue } | undefined {
  return noted.get(input);
}

/** Says this run changed nothing: a successful run so marked is not recorded. */
export function noteNothingChanged(input: CommandInput): void {
  unchanged.add(input);
}

/** True when the command said it changed nothing. */
export function changedNothing(input: CommandInput): boolean {
  return unchanged.has(input);
}
