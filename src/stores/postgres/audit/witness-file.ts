// `.launchdb/audit-heads`: signed heads of every environment's trail, one JSON line each, only ever
// appended. A trail rewritten in its database no longer extends the heads witnessed here.
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SignedHead } from './audit-event.js';

/** A head some witness holds, and which witness: `.launchdb/audit-heads`, or a backup. */
export interface WitnessedHead extends SignedHead {
  source: string;
}

export const WITNESS_FILE = 'audit-heads';

export function witnessFile(stateDir: string): string {
  return join(stateDir, WITNESS_FILE);
}

/** Appends the head as one line (a single write, well under what O_APPEND keeps whole). */
export function witnessLocally(
  stateDir: string,
  where: { project: string; environment: string },
  head: SignedHead,
): void {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const line = {
    project: where.project,
    environment: where.environment,
    seq: head.seq,
    hash: head.hash,
    at: head.at,
    key: head.key,
    signature: head.signature,
  };
  appendFileSync(witnessFile(stateDir), `${JSON.stringify(line)}\n`, { mode: 0o600 });
}

export interface LocalWitnesses {
  /** The heads witnessed for this environment, in the order they were written. */
  heads: WitnessedHead[];
  /** Public keys of every head in the file, of any environment: the keys this machine has signed with. */
  keys: Set<string>;
  /** Line numbers that are not a witnessed head (damaged or edited). */
  damaged: number[];
}

/** The heads of `environment` in the file; none when there is no file yet. */
export function readLocalWitnesses(stateDir: string, project: string, environment: string): LocalWitnesses {
  const witnesses: LocalWitnesses = { heads: [], keys: new Set(), damaged: [] };
  let text: string;
  try {
    text = readFileSync(witnessFile(stateDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return witnesses;
    throw error;
  }
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const head = parseLine(line);
    if (!head) {
      witnesses.damaged.push(index + 1);
      return;
    }
    witnesses.keys.add(head.key);
    if (head.project === project && head.environment === environment) {
      const { project: _, environment: __, ...signed } = head;
      witnesses.heads.push({ ...signed, source: `.launchdb/${WITNESS_FILE} line ${index + 1}` });
    }
  });
  return witnesses;
}

type Line = SignedHead & { project: string; environment: string };

function parseLine(line: string): Line | undefined {
  let value: Partial<Line>;
  try {
    value = JSON.parse(line) as Partial<Line>;
  } catch {
    return undefined;
  }
  const strings = ['project', 'environment', 'hash', 'at', 'key', 'signature'] as const;
  if (!strings.every((name) => typeof value[name] === 'string')) return undefined;
  if (!Number.isSafeInteger(value.seq) || (value.seq as number) < 1) return undefined;
  return value as Line;
}
