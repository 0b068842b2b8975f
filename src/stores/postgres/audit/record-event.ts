// Records one event for an environment: appended to its trail, signed with the project's audit key,
// and the new head witnessed in `.launchdb/audit-heads`. The entry point for anything that changes
// an environment; the CLI calls it once per audited command (src/cli/record-action.ts).
import type { Environment } from '../../../core/project.js';
import type { PostgresDatabase, Queryable } from '../database.js';
import {
  type AppendedEvent,
  appendAuditEvent,
  appendInTransaction,
  appendOutsideChanges,
} from './append-event.js';
import type { AuditDraft, AuditTarget } from './audit-event.js';
import { type AuditSigner, auditSigner } from './audit-key.js';
import { witnessLocally } from './witness-file.js';

/** Appends `draft` to the trail of `env` in `db` (the environment's database, as its owner). */
export async function recordAuditEvent(
  env: Environment,
  db: PostgresDatabase,
  draft: AuditDraft,
): Promise<AppendedEvent> {
  const appended = await appendAuditEvent(db, draft, auditSigner(env));
  witnessLocally(env.stateDir, { project: env.project, environment: env.name }, appended.head);
  return appended;
}

/**
 * As `recordAuditEvent`, inside the caller's open transaction: the event commits or rolls back with
 * the change. Call `witness()` once the transaction has committed.
 */
export async function recordAuditEventIn(
  env: Environment,
  tx: Queryable,
  draft: AuditDraft,
): Promise<AppendedEvent & { witness(): void }> {
  const appended = await appendInTransaction(tx, draft, auditSigner(env));
  return {
    ...appended,
    witness: () =>
      witnessLocally(env.stateDir, { project: env.project, environment: env.name }, appended.head),
  };
}

/**
 * Folds the changes made outside launchdb into the trail of `env` (captured DDL, role and grant
 * differences since the stored snapshot, which is then replaced), as `check` does; witnesses the new
 * head when there were any. The audit key is read only when there is something to sign.
 */
export async function recordOutsideChanges(
  env: Environment,
  db: PostgresDatabase,
  target: AuditTarget,
  by = 'check',
): Promise<AppendedEvent[]> {
  let signer: AuditSigner | undefined;
  const lazy: AuditSigner = {
    get key() {
      signer ??= auditSigner(env);
      return signer.key;
    },
    sign(head) {
      signer ??= auditSigner(env);
      return signer.sign(head);
    },
  };
  const appended = await db.transaction((tx) =>
    appendOutsideChanges(tx, lazy, { target, by, snapshot: true }),
  );
  const head = appended.at(-1)?.head;
  if (head) witnessLocally(env.stateDir, { project: env.project, environment: env.name }, head);
  return appended;
}
