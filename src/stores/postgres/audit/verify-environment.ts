// Verifies an environment's trail against everything that witnessed it: `.launchdb/audit-heads`, the
// manifests of the environment's backups, and the heads the control database witnessed (read by the
// caller, who knows how long it may wait for them). What `audit verify`, `audit checkpoint` and
// `access.audit-chain` all run.

import { backupTargetOf } from '../../../backup/backup-location.js';
import type { BackupTarget } from '../../../backup/local-target.js';
import type { ControlWitnesses } from '../../../control/control-witnesses.js';
import type { Environment, Project } from '../../../core/project.js';
import type { Queryable } from '../database.js';
import { localAuditKey } from './audit-key.js';
import { auditTableState } from './audit-table.js';
import { backupWitnesses } from './backup-witnesses.js';
import { readTrail } from './read-trail.js';
import { type TrailVerdict, verifyTrail } from './verify-trail.js';
import { readLocalWitnesses, WITNESS_FILE } from './witness-file.js';

export interface EnvironmentTrailVerdict extends TrailVerdict {
  /** Whether the table exists at all (it is created by the first event). */
  started: boolean;
  /** Whether both triggers that keep it append-only are in place and enabled. */
  protected: boolean;
  /** Heads read from each witness; `control` only when the control database's heads were read. */
  sources: { local: number; backups: number; control?: number };
  /** Where the control database's heads were read from, when they were. */
  controlLocation?: string;
}

export interface VerifyEnvironmentOptions {
  target?: BackupTarget;
  /** The heads the control database witnessed, or a read of them under way (it overlaps the trail's). */
  control?: ControlWitnesses | Promise<ControlWitnesses>;
}

export async function verifyEnvironmentTrail(
  project: Project,
  env: Environment,
  db: Queryable,
  options: VerifyEnvironmentOptions = {},
): Promise<EnvironmentTrailVerdict> {
  const reading = Promise.resolve(options.control);
  reading.catch(() => {}); // awaited below; a failure that comes first must not go unhandled meanwhile
  const state = await auditTableState(db);
  const rows = state.exists ? await readTrail(db) : [];
  const local = readLocalWitnesses(env.stateDir, project.name, env.name);
  const backups = await backupWitnesses(options.target ?? backupTargetOf(project, env));
  const control = await reading;
  const trustedKeys = new Set([
    ...local.keys,
    ...backups.heads.map((head) => head.key),
    ...(control?.keys ?? []),
  ]);
  const own = localAuditKey(env);
  if (own) trustedKeys.add(own);
  const verdict = verifyTrail({
    rows,
    witnesses: [...local.heads, ...backups.heads, ...(control?.heads ?? [])],
    trustedKeys,
  });
  if (state.exists && !state.protected) {
    verdict.notes.push(
      'a trigger that keeps launchdb.audit append-only is missing or disabled; the next event puts it back',
    );
  }
  if (local.damaged.length > 0) {
    verdict.notes.push(
      `${WITNESS_FILE} lines ${local.damaged.join(', ')} are not witnessed heads and were passed over`,
    );
  }
  if (backups.unreadable.length > 0) {
    verdict.notes.push(`the manifests of ${backups.unreadable.join(', ')} could not be read`);
  }
  if (control?.unread) verdict.notes.push(control.unread);
  return {
    ...verdict,
    started: state.exists,
    protected: state.protected,
    sources: {
      local: local.heads.length,
      backups: backups.heads.length,
      ...(control?.location ? { control: control.heads.length } : {}),
    },
    ...(control?.location ? { controlLocation: control.location } : {}),
  };
}
