// Lints migration SQL with the real Postgres parser: each finding names a rule, a place, the danger and the fix.

import { loadParser, type SqlParser } from '../../sql/parser.js';
import type { Position } from '../../sql/source-text.js';
import { withPlaceholderStandIns } from '../placeholders.js';
import { LintFacts } from './facts.js';
import { parseChunks, type SqlText } from './parsed-chunks.js';
import type { LintSeverity, RuleContext } from './rule.js';
import { RULES } from './rules/index.js';
import { isSuppressed } from './suppressions.js';

export type { LintSeverity } from './rule.js';
export { RULES } from './rules/index.js';

export interface LintInput {
  /** As it appears in findings, e.g. `db/migrations/20260101000000_users.sql`. */
  file: string;
  /** The SQL, or a migration file's pieces, read a chunk at a time. */
  sql: SqlText;
  /** The file's first line is `-- launchdb:no-transaction`. */
  noTransaction: boolean;
}

export interface LintOptions {
  /**
   * The migration session sets `lock_timeout` (config `migrations.sessionLockTimeout` > 0), which
   * satisfies `missing-lock-timeout` without a SET in the file. Default true.
   */
  sessionLockTimeout?: boolean;
}

export interface LintFinding {
  rule: string;
  severity: LintSeverity;
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** What is unsafe. */
  message: string;
  /** The safe alternative. */
  fix: string;
}

export const SYNTAX_ERROR = 'syntax-error';

/** Loads the parser ahead of the first lint, so its compilation can overlap other work. */
export async function prepareLint(): Promise<void> {
  await loadParser();
}

/** Lints one file on its own. */
export async function lintSql(input: LintInput, options: LintOptions = {}): Promise<LintFinding[]> {
  return lintFile(await loadParser(), input, new LintFacts(), options);
}

/**
 * Lints migrations in order. What one migration proves carries to the next — a CHECK (col IS NOT
 * NULL) validated in one lets a later one SET NOT NULL — but tables created in one are not new in the next.
 */
export async function lintMigrations(files: LintInput[], options: LintOptions = {}): Promise<LintFinding[]> {
  const parser = await loadParser();
  const facts = new LintFacts();
  return files.flatMap((input) => lintFile(parser, input, facts, options));
}

function lintFile(
  parser: SqlParser,
  input: LintInput,
  facts: LintFacts,
  options: LintOptions,
): LintFinding[] {
  facts.startFile();
  const seen = new Set<string>();
  let positionOfByte: ((byte: number) => Position) | undefined;
  const context: RuleContext = {
    file: input.file,
    noTransaction: input.noTransaction,
    sessionLockTimeout: options.sessionLockTimeout ?? true,
    facts,
    once: (key) => !seen.has(key) && Boolean(seen.add(key)),
    isNewTable: (relation) => facts.isNewTable(relation),
    positionOf: (byte) => positionOfByte!(byte),
  };
  const findings: LintFinding[] = [];
  // A file-wide directive holds for statements before it too, in earlier chunks.
  const offForFile = new Set<string>();
  // Role placeholders (`${launchdb:app_role}`) read as names: lint runs without an environment.
  const sql = input.sql;
  const pieces = () => withPlaceholderStandIns(typeof sql === 'string' ? [sql] : sql(), input.file);
  for (const chunk of parseChunks(parser, pieces)) {
    if ('failure' in chunk) {
      return [
        {
          rule: SYNTAX_ERROR,
          severity: 'error',
          file: input.file,
          ...chunk.position,
          message: chunk.failure.message,
          fix: 'correct the SQL; nothing else in this file is linted until it parses',
        },
      ];
    }
    for (const rule of chunk.suppressions.file) offForFile.add(rule);
    positionOfByte = chunk.positionOfByte;
    chunk.statements.forEach((statement, index) => {
      for (const rule of RULES) {
        if (isSuppressed(chunk.suppressions, rule.id, index)) continue;
        for (const hit of rule.check(statement, context)) {
          findings.push({
            rule: rule.id,
            severity: rule.severity,
            file: input.file,
            ...chunk.positionOfByte(hit.at ?? statement.start),
            message: hit.message,
            fix: hit.fix ?? rule.fix,
          });
        }
      }
      facts.observe(statement);
    });
  }
  for (const rule of RULES) {
    for (const hit of rule.finish?.(context) ?? []) {
      findings.push({
        rule: rule.id,
        severity: rule.severity,
        file: input.file,
        ...hit.at,
        message: hit.message,
        fix: hit.fix ?? rule.fix,
      });
    }
  }
  return findings
    .filter((finding) => !offForFile.has(finding.rule))
    .sort((a, b) => a.line - b.line || a.column - b.column);
}
