// What a restore replaces: the newest head witnessed for the environment before it, recorded in the
// restore's event, so `audit verify` knows the heads witnessed up to it were history, not tampering.

import { backupTargetOf } from '../../../backup/backup-location.js';
import { readControlWitnesses } from '../../../control/control-witnesses.js';
import type { Environment, Project } from '../../../core/project.js';
import { backupWitnesses } from './backup-witnesses.js';
import type { JsonValue } from './canonical-json.js';
import { readLocalWitnesses } from './witness-file.js';

/** A control database slower than this is passed over: the restore is done, its event must not wait. */
const CONTROL_DEADLINE_MS = 5000;

/**
 * `{ seq, hash }` of the newest witnessed head of `env` (local file, backups and the control
 * database, whose checkpoints may be newer than anything this machine witnessed), or null when none.
 */
export async function replacedHead(project: Project, env: Environment): Promise<JsonValue> {
  const local = readLocalWitnesses(env.stateDir, project.name, env.name).heads;
  const [backups, control] = await Promise.all([
    backupWitnesses(backupTargetOf(project, env)),
    readControlWitnesses(project, env, {
      command: 'backup restore',
      openEmbedded: true,
      connectTimeoutMs: CONTROL_DEADLINE_MS,
      deadlineMs: CONTROL_DEADLINE_MS,
      onError: 'note',
    }),
  ]);
  let newest: { seq: number; hash: string; at: string } | undefined;
  for (const head of [...local, ...backups.heads, ...control.heads]) {
    if (!newest || head.at > newest.at || (head.at === newest.at && head.seq > newest.seq)) newest = head;
  }
  return newest ? { seq: newest.seq, hash: newest.hash } : null;
}
