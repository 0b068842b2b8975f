// What an audit event says: who did what to which environment, with which parameters, how it ended, when.
import type { JsonValue } from './canonical-json.js';

/**
 * Where an identity came from; `actor.source` says which one is the actor. `database` is the role
 * that logged in (session_user) for a change made outside launchdb and captured in the database.
 */
export type IdentitySource = 'launchdb' | 'git' | 'os' | 'database';

/** Every identity known for whoever ran the action, and which of them is the actor. */
export interface Actor {
  /** `LAUNCHDB_ACTOR` when set, else the project's git `user.email`, else the OS user. */
  id: string;
  source: IdentitySource;
  /** All that are known: `{ launchdb: 'deploy-bot', git: 'ada@shop.dev', os: 'ada' }`. */
  identities: Partial<Record<IdentitySource, string>>;
}

export interface AuditTarget {
  project: string;
  environment: string;
  backing: 'embedded' | 'server';
  /** `host:port/database`, or the embedded folder: never a URL, never a password. */
  database: string;
}

/** How the action ended: `refused` when its target was not confirmed (a wrong or missing --confirm). */
export type AuditResult =
  | { status: 'ok' }
  | { status: 'failed'; exitCode: number; error?: string }
  | { status: 'refused'; error: string };

/** What a caller hands to the append: everything but the chain fields, which the append fills in. */
export interface AuditDraft {
  /** The command as typed: `migrate up`, `backup restore`, `access grant`. */
  action: string;
  actor: Actor;
  target: AuditTarget;
  /** Flags and arguments with secrets removed (URLs redacted); never a password, key or token. */
  parameters: { [key: string]: JsonValue };
  result: AuditResult;
  /** What the action adds about itself: a restore names the head it replaced (`replaces`). */
  details?: { [key: string]: JsonValue };
}

/** One event as hashed: the draft, its place in the chain, when, and the launchdb that wrote it. */
export interface AuditEvent extends AuditDraft {
  /** 1, 2, 3, … with no gaps. */
  seq: number;
  /** The previous event's hash (SHA-256 of its canonical JSON, hex); null for the first. */
  prev: string | null;
  /** ISO 8601, UTC. */
  at: string;
  launchdb: string;
}

/** A point of the chain: event `seq`, whose hash is `hash`, made at `at`. */
export interface AuditHead {
  seq: number;
  hash: string;
  at: string;
}

/**
 * A head signed with the audit key (Ed25519, kept outside the database): the form in which heads are
 * stored beside each event, witnessed in `.launchdb/audit-heads` and in backup manifests.
 */
export interface SignedHead extends AuditHead {
  /** The signer's public key: raw Ed25519, base64url. */
  key: string;
  /** Ed25519 signature of `signedText(head)`, base64url. */
  signature: string;
}
