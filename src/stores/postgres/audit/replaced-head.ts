// What a restore replaces: the newest head witnessed for the environment before it, recorded in the
// restore's event, so `audit verify` knows the heads witnessed up to it were history, not tampering.
import type { Environment, Project } from '../../../core/project.js';
import { backupTargetOf } from '../backup/backup-location.js';
import { backupWitnesses } from './backup-witnesses.js';
import type { JsonValue } from './canonical-json.js';
import { readLocalWitnesses } from './witness-file.js';

/** `{ seq, hash }` of the newest witnessed head of `env` (local file and backups), or null when none. */
export async function replacedHead(project: Project, env: Environment): Promise<JsonValue> {
  const local = readLocalWitnesses(env.stateDir, project.name, env.name).heads;
  const backups = (await backupWitnesses(backupTargetOf(project, env))).heads;
  let newest: { seq: number; hash: string; at: string } | undefined;
  for (const head of [...local, ...backups]) {
    if (!newest || head.at > newest.at || (head.at === newest.at && head.seq > newest.seq)) newest = head;
  }
  return newest ? { seq: newest.seq, hash: newest.hash } : null;
}
