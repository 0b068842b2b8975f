// Lints SQL seeds with the real Postgres parser: reference seeds must converge, so a statement that
// adds, rewrites or removes rows on every run is an error with its file:line:col.
import type { Node, RangeVar } from 'libpg-query';
import { type LintFinding, SYNTAX_ERROR } from '../migrate/lint/lint.js';
import { displayName, located } from '../migrate/lint/nodes.js';
import { parseChunks } from '../migrate/lint/parsed-chunks.js';
import { type LintStatement, nodeOf } from '../migrate/lint/statement.js';
import { isSuppressed } from '../migrate/lint/suppressions.js';
import { loadParser, type SqlParser } from '../sql/parser.js';
import type { SeedFile } from './seed-files.js';

export type { LintFinding } from '../migrate/lint/lint.js';

interface Hit {
  rule: string;
  message: string;
  fix: string;
  /** Byte offset of what the hit points at. */
  at: number;
}

/** Rules only reference seeds answer to; `-- launchdb-lint-ignore RULE` switches one off for a reviewed statement. */
export const IDEMPOTENCY_RULES = [
  'insert-without-on-conflict',
  'update-without-where',
  'delete-without-where',
  'truncate',
] as const;

/**
 * The findings of the SQL files among `files`, every one an error. Each kind is checked for what
 * breaks its transaction (a file that does not parse, a COMMIT inside it); reference seeds also for
 * what is not idempotent. Demo seeds run once, so they may insert freely.
 */
export async function lintSeeds(files: readonly SeedFile[]): Promise<LintFinding[]> {
  const sqlFiles = files.filter((file) => file.format === 'sql');
  if (sqlFiles.length === 0) return [];
  const parser = await loadParser();
  return sqlFiles.flatMap((file) => lintSeed(parser, file));
}

/** One file, a chunk of statements at a time, so a large seed is linted in bounded memory. */
function lintSeed(parser: SqlParser, file: SeedFile): LintFinding[] {
  const finding = (hit: Omit<Hit, 'at'>, position: { line: number; column: number }): LintFinding => ({
    ...hit,
    severity: 'error',
    file: file.file,
    ...position,
  });
  const findings: LintFinding[] = [];
  // A file-wide directive holds for statements before it too, in earlier chunks.
  const offForFile = new Set<string>();
  for (const chunk of parseChunks(parser, () => file.pieces())) {
    if ('failure' in chunk) {
      return [
        finding(
          { rule: SYNTAX_ERROR, message: chunk.failure.message, fix: 'correct the SQL' },
          chunk.position,
        ),
      ];
    }
    for (const rule of chunk.suppressions.file) offForFile.add(rule);
    chunk.statements.forEach((statement, index) => {
      for (const hit of hitsOf(statement, file.kind === 'reference')) {
        if (isIdempotencyRule(hit.rule) && isSuppressed(chunk.suppressions, hit.rule, index)) continue;
        findings.push(finding(hit, chunk.positionOfByte(hit.at)));
      }
    });
  }
  return findings.filter((found) => !(isIdempotencyRule(found.rule) && offForFile.has(found.rule)));
}

function isIdempotencyRule(rule: string): boolean {
  return (IDEMPOTENCY_RULES as readonly string[]).includes(rule);
}

/** `db/seeds/reference/plans.sql:3:1: insert-without-on-conflict: …` */
export function formatFinding(finding: LintFinding): string {
  return `${finding.file}:${finding.line}:${finding.column}: ${finding.rule}: ${finding.message}`;
}

function hitsOf(statement: LintStatement, reference: boolean): Hit[] {
  const hits: Hit[] = [];
  const transaction = statement.get('TransactionStmt');
  if (transaction && !SAVEPOINTS.has(transaction.kind ?? '')) {
    hits.push({
      rule: 'transaction-control',
      message: `${statement.tokens[0]?.text.toUpperCase() ?? 'it'} would end the transaction launchdb applies this file in, leaving it half applied on a failure`,
      fix: 'remove it: each seed file runs in one transaction of its own (SAVEPOINT is fine)',
      at: statement.start,
    });
  }
  if (!reference) return hits;
  // Anywhere in the statement: a data-modifying CTE changes rows as surely as a plain statement.
  visit(statement.node, (node) => {
    const at = (relation: RangeVar | undefined) =>
      node === statement.node ? statement.start : (located(relation?.location) ?? statement.start);
    const insert = nodeOf(node, 'InsertStmt');
    if (insert && !insert.onConflictClause) {
      hits.push({
        rule: 'insert-without-on-conflict',
        message: `INSERT INTO ${displayName(insert.relation)} without ON CONFLICT adds its rows again on every run`,
        fix: 'add ON CONFLICT (key) DO UPDATE SET … (or DO NOTHING), so a second run leaves the same data',
        at: at(insert.relation),
      });
    }
    const update = nodeOf(node, 'UpdateStmt');
    if (update && !update.whereClause) {
      hits.push({
        rule: 'update-without-where',
        message: `UPDATE ${displayName(update.relation)} without WHERE rewrites every row, the app's own included`,
        fix: 'add a WHERE naming the seeded rows by their key',
        at: at(update.relation),
      });
    }
    const remove = nodeOf(node, 'DeleteStmt');
    if (remove && !remove.whereClause) {
      hits.push({
        rule: 'delete-without-where',
        message: `DELETE FROM ${displayName(remove.relation)} without WHERE removes every row, the app's own included`,
        fix: 'add a WHERE naming the rows to remove by their key',
        at: at(remove.relation),
      });
    }
    const truncate = nodeOf(node, 'TruncateStmt');
    if (truncate) {
      const tables = (truncate.relations ?? []).map((relation) => displayName(nodeOf(relation, 'RangeVar')));
      hits.push({
        rule: 'truncate',
        message: `TRUNCATE ${tables.join(', ')} removes every row, the app's own included, in every environment`,
        fix: 'upsert the reference rows with ON CONFLICT; delete obsolete ones by key',
        at: statement.start,
      });
    }
  });
  return hits;
}

/** Savepoints nest inside the file's transaction; every other transaction statement escapes it. */
const SAVEPOINTS = new Set(['TRANS_STMT_SAVEPOINT', 'TRANS_STMT_RELEASE', 'TRANS_STMT_ROLLBACK_TO']);

/** Calls `found` with every node of the tree, the root first. */
function visit(value: unknown, found: (node: Node) => void): void {
  if (Array.isArray(value)) {
    for (const item of value) visit(item, found);
    return;
  }
  if (!value || typeof value !== 'object') return;
  found(value as Node);
  for (const child of Object.values(value)) visit(child, found);
}
