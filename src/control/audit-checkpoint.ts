// An audit checkpoint: the environment's trail verified against every witness (as `audit verify`),
// and, when it holds, its signed head witnessed in the control database, outside the environment's
// server. What `launchdb audit checkpoint` and the scheduler's `audit-checkpoint` job run.

import type { BackupTarget } from '../backup/local-target.js';
import type { Environment, Project } from '../core/project.js';
import type { SignedHead } from '../stores/postgres/audit/audit-event.js';
import { headSignatureValid } from '../stores/postgres/audit/audit-key.js';
import {
  type EnvironmentTrailVerdict,
  verifyEnvironmentTrail,
} from '../stores/postgres/audit/verify-environment.js';
import type { Queryable } from '../stores/postgres/database.js';
import { readControlHeads, witnessHeadInControl } from './audit-heads.js';
import type { ControlDatabase } from './open-control.js';

export interface AuditCheckpoint {
  verdict: EnvironmentTrailVerdict;
  /**
   * The head witnessed, `new: false` when the control database held it already; null when nothing
   * was witnessed: the trail is empty, or not intact.
   */
  witnessed: (SignedHead & { new: boolean }) | null;
}

/** Verifies the trail of `env` in `trail` (its database) and witnesses its head in `control`. */
export async function checkpointAuditTrail(
  project: Project,
  env: Environment,
  trail: Queryable,
  control: ControlDatabase,
  options: { target?: BackupTarget } = {},
): Promise<AuditCheckpoint> {
  const where = { project: project.name, environment: env.name };
  const heads = readControlHeads(control.db, where, control.location).then((read) => ({
    ...read,
    location: control.location,
  }));
  const verdict = await verifyEnvironmentTrail(project, env, trail, { ...options, control: heads });
  const head = verdict.head;
  if (verdict.ok && head && !headSignatureValid(head)) {
    // Verify checks the newest signature only against a key it knows; a witness must hold a valid one.
    verdict.ok = false;
    verdict.firstBad = head.seq;
    verdict.problems.push({
      seq: head.seq,
      problem: `event ${head.seq}, the newest, does not carry a valid signature`,
    });
  }
  if (!verdict.ok || !head) return { verdict, witnessed: null };
  const fresh = await witnessHeadInControl(control.db, where, head);
  return { verdict, witnessed: { ...head, new: fresh } };
}
