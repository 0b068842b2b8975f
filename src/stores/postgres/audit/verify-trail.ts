// Proves a trail: every event hashes to its stored hash and names the one before it, the sequence has
// no gap, every witnessed head is still in the chain (or was replaced by a signed restore), and the
// newest head is signed by a key a witness knows. Names the first bad sequence number.

import { eventHash } from './append-event.js';
import type { AuditEvent, SignedHead } from './audit-event.js';
import { headSignatureValid } from './audit-key.js';
import type { TrailRow } from './read-trail.js';
import type { WitnessedHead } from './witness-file.js';

export interface TrailProblem {
  /** The sequence number the problem is at: the first event that is not as it was written. */
  seq: number;
  problem: string;
}

export interface TrailVerdict {
  ok: boolean;
  events: number;
  head: SignedHead | null;
  /** The smallest sequence number of any problem; null when the trail verifies. */
  firstBad: number | null;
  problems: TrailProblem[];
  /** Witnessed heads the chain extends, and those a signed restore replaced. */
  witnessed: { checked: number; extended: number; replacedByRestore: number };
  notes: string[];
}

export interface TrailEvidence {
  rows: readonly TrailRow[];
  witnesses: readonly WitnessedHead[];
  /** Public keys known outside the database: this machine's, and those of witnessed heads. */
  trustedKeys: ReadonlySet<string>;
}

/** A restore recorded in the chain: heads witnessed before it, up to the head it replaced, are excused. */
interface RestoreMark {
  seq: number;
  at: string;
  replaces: { seq: number; hash: string } | null;
}

export function verifyTrail(evidence: TrailEvidence): TrailVerdict {
  const { rows, witnesses, trustedKeys } = evidence;
  const problems: TrailProblem[] = [];
  const notes: string[] = [];
  const chain = readChain(rows, problems);
  const restores = chain.restores.filter((mark) => signedByTrustedKey(rows[mark.seq - 1]!, trustedKeys));

  let extended = 0;
  let replacedByRestore = 0;
  for (const witness of witnesses) {
    if (!headSignatureValid(witness)) {
      problems.push({
        seq: witness.seq,
        problem: `the head of event ${witness.seq} in ${witness.source} has a signature that does not match it: the witness was changed`,
      });
      continue;
    }
    if (chain.hashes[witness.seq - 1] === witness.hash) {
      extended++;
      continue;
    }
    if (restores.some((mark) => replaced(mark, witness))) {
      replacedByRestore++;
      continue;
    }
    problems.push(
      witness.seq > chain.intact
        ? {
            seq: chain.intact + 1,
            problem: `${witness.source} witnessed event ${witness.seq}, but the trail ${chain.intact === 0 ? 'has no events' : `ends at event ${chain.intact}`}: events were removed`,
          }
        : {
            seq: witness.seq,
            problem: `event ${witness.seq} is not the one ${witness.source} witnessed: the trail was rewritten`,
          },
    );
  }
  if (replacedByRestore > 0) {
    notes.push(
      `${replacedByRestore} witnessed head${replacedByRestore === 1 ? ' was' : 's were'} replaced by a restore, which the trail records`,
    );
  }

  const tail = rows[chain.intact - 1];
  if (tail && chain.intact === rows.length) {
    if (trustedKeys.size === 0) {
      notes.push(
        'no audit key or witnessed head is known here, so the newest head’s signature was not checked',
      );
    } else if (!trustedKeys.has(tail.key)) {
      problems.push({
        seq: tail.seq,
        problem: `event ${tail.seq}, the newest, is signed by a key no witness knows (${tail.key.slice(0, 12)}…)`,
      });
    } else if (!headSignatureValid(signedHeadOf(tail, chain.times[tail.seq - 1]!))) {
      problems.push({
        seq: tail.seq,
        problem: `event ${tail.seq}, the newest, does not carry a valid signature`,
      });
    }
  }

  problems.sort((a, b) => a.seq - b.seq);
  const firstBad = problems[0]?.seq ?? null;
  return {
    ok: problems.length === 0,
    events: rows.length,
    head: tail ? signedHeadOf(tail, chain.times[tail.seq - 1] ?? '') : null,
    firstBad,
    problems,
    witnessed: { checked: witnesses.length, extended, replacedByRestore },
    notes,
  };
}

/** The chain as far as it holds: hashes and times by position, the restores in it; its first break. */
function readChain(rows: readonly TrailRow[], problems: TrailProblem[]) {
  const hashes: string[] = [];
  const times: string[] = [];
  const restores: RestoreMark[] = [];
  for (const [index, row] of rows.entries()) {
    const seq = index + 1;
    const read = readRow(row, seq, hashes[index - 1] ?? null);
    if ('problem' in read) {
      problems.push(read.problem);
      // The event before this one is the one that changed: the chain holds up to the one before it.
      if (read.problem.seq < seq) {
        hashes.pop();
        times.pop();
        if (restores.at(-1)?.seq === read.problem.seq) restores.pop();
      }
      break;
    }
    hashes.push(row.hash);
    times.push(read.event.at);
    const mark = restoreMark(read.event);
    if (mark) restores.push(mark);
  }
  return { hashes, times, restores, intact: hashes.length };
}

/** The row's event when it is the `seq`th, holds its hash and follows `prev`; else what is wrong. */
function readRow(
  row: TrailRow,
  seq: number,
  prev: string | null,
): { event: AuditEvent } | { problem: TrailProblem } {
  const bad = (at: number, problem: string) => ({ problem: { seq: at, problem } });
  if (row.seq !== seq)
    return bad(seq, `event ${seq} is missing: the trail goes from ${seq - 1} to ${row.seq}`);
  if (eventHash(row.event) !== row.hash)
    return bad(seq, `event ${seq} does not match its hash: it was changed`);
  let event: AuditEvent;
  try {
    event = JSON.parse(row.event) as AuditEvent;
  } catch {
    return bad(seq, `event ${seq} is not JSON`);
  }
  if (event.seq !== seq) return bad(seq, `event ${seq} says it is event ${event.seq}`);
  if (event.prev !== prev) {
    // The event's own hash holds, so it is as written; what it names as its predecessor is not
    // the predecessor there now: the one before it was changed (and re-hashed).
    return seq === 1
      ? bad(1, 'event 1 follows an event the trail does not have: events before it were removed')
      : bad(seq - 1, `event ${seq - 1} is not the one event ${seq} followed: it was changed`);
  }
  return { event };
}

function restoreMark(event: AuditEvent): RestoreMark | undefined {
  if (event.action !== 'backup restore' || event.result?.status !== 'ok') return undefined;
  const replaces = event.details?.replaces as RestoreMark['replaces'] | undefined;
  return { seq: event.seq, at: event.at, replaces: replaces ?? null };
}

/**
 * A head witnessed before a restore that replaced a trail reaching at least as far (and, at the very
 * head it replaced, holding the same hash) is history the restore took away, not tampering.
 */
function replaced(mark: RestoreMark, witness: WitnessedHead): boolean {
  const replaces = mark.replaces;
  if (!replaces || witness.at > mark.at || witness.seq > replaces.seq) return false;
  return witness.seq < replaces.seq || witness.hash === replaces.hash;
}

function signedByTrustedKey(row: TrailRow, trustedKeys: ReadonlySet<string>): boolean {
  if (!trustedKeys.has(row.key)) return false;
  const at = (JSON.parse(row.event) as AuditEvent).at;
  return headSignatureValid(signedHeadOf(row, at));
}

function signedHeadOf(row: TrailRow, at: string): SignedHead {
  return { seq: row.seq, hash: row.hash, at, key: row.key, signature: row.signature };
}
