// Verifies an environment's trail against everything that witnessed it: `.launchdb/audit-heads` and
// the manifests of the environment's backups. What `audit verify` and `access.audit-chain` both run.
import type { Environment, Project } from '../../../core/project.js';
import { backupTargetOf } from '../backup/backup-location.js';
import type { BackupTarget } from '../backup/local-target.js';
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
  /** Heads read from each witness. */
  sources: { local: number; backups: number };
}

export async function verifyEnvironmentTrail(
  project: Project,
  env: Environment,
  db: Queryable,
  options: { target?: BackupTarget } = {},
): Promise<EnvironmentTrailVerdict> {
  const state = await auditTableState(db);
  const rows = state.exists ? await readTrail(db) : [];
  const local = readLocalWitnesses(env.stateDir, project.name, env.name);
  const backups = await backupWitnesses(options.target ?? backupTargetOf(project, env));
  const trustedKeys = new Set([...local.keys, ...backups.heads.map((head) => head.key)]);
  const own = localAuditKey(env);
  if (own) trustedKeys.add(own);
  const verdict = verifyTrail({ rows, witnesses: [...local.heads, ...backups.heads], trustedKeys });
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
  return {
    ...verdict,
    started: state.exists,
    protected: state.protected,
    sources: { local: local.heads.length, backups: backups.heads.length },
  };
}
