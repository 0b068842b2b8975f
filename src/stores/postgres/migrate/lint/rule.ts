// What a lint rule is: an id, a severity, and a check that reads one statement in its context.
import type { RangeVar } from 'libpg-query';
import type { Position } from '../../sql/source-text.js';
import type { LintFacts } from './facts.js';
import type { LintStatement } from './statement.js';

export type LintSeverity = 'error' | 'warning';

export interface RuleContext {
  file: string;
  /** The file's first line is `-- launchdb:no-transaction`: it runs outside a transaction. */
  noTransaction: boolean;
  /** The migration session sets lock_timeout itself (`migrations.sessionLockTimeout` > 0). */
  sessionLockTimeout: boolean;
  facts: LintFacts;
  /** True the first time a key is seen in this file: for findings worth making once per file. */
  once(key: string): boolean;
  /** The table was created earlier in this file, so it is empty: scans and locks on it cost nothing. */
  isNewTable(relation: RangeVar | undefined): boolean;
  /** Where a byte offset of the statement being checked is in the file. */
  positionOf(byte: number): Position;
}

export interface RuleHit {
  /** What is unsafe, naming the object. */
  message: string;
  /** The safe alternative, when it differs from the rule's. */
  fix?: string;
  /** Byte offset of what the hit points at; the statement's start when absent. */
  at?: number | undefined;
}

export interface Rule {
  /** kebab-case, stable: what `-- launchdb-lint-ignore` names. */
  id: string;
  severity: LintSeverity;
  /** What the rule catches, one line. */
  summary: string;
  /** The safe alternative, one line. */
  fix: string;
  check(statement: LintStatement, context: RuleContext): RuleHit[];
  /** After the file's last statement: what only the whole file shows (a BEGIN never committed). */
  finish?(context: RuleContext): FileHit[];
}

/** A hit found once the file has been read: at a position the rule noted on the way. */
export interface FileHit {
  message: string;
  fix?: string;
  at: Position;
}
