// `-- launchdb-lint-ignore RULE` comments: which rules are switched off for which statements.
import type { Token } from '../../sql/parser.js';
import type { SourceText } from '../../sql/source-text.js';
import type { LintStatement } from './statement.js';

export const IGNORE = 'launchdb-lint-ignore';
export const IGNORE_FILE = 'launchdb-lint-ignore-file';

export interface Suppressions {
  /** Rules off for the whole file. */
  file: Set<string>;
  /** Rules off per statement, by the statement's index. */
  statements: Map<number, Set<string>>;
}

export const NO_SUPPRESSIONS: Suppressions = { file: new Set(), statements: new Map() };

/** The directive in one comment, if any: `launchdb-lint-ignore[-file] RULE[, RULE…] [-- reason]`. */
export function parseDirective(
  comment: string,
): { scope: 'file' | 'statement'; rules: string[] } | undefined {
  const body = comment.startsWith('/*') ? comment.slice(2, -2) : comment.slice(2);
  const text = body.trim();
  const scope = text.startsWith(`${IGNORE_FILE} `) || text === IGNORE_FILE ? 'file' : 'statement';
  const keyword = scope === 'file' ? IGNORE_FILE : IGNORE;
  if (!(text.startsWith(`${keyword} `) || text.startsWith(`${keyword},`) || text === keyword))
    return undefined;
  const list = text.slice(keyword.length).split(' --')[0]!;
  const rules = list.split(/[\s,]+/).filter(Boolean);
  return { scope, rules };
}

/**
 * Assigns each directive to a statement: one inside a statement, or at the end of its last line,
 * belongs to that statement; any other belongs to the next statement.
 */
export function readSuppressions(
  tokens: readonly Token[],
  statements: readonly LintStatement[],
  source: SourceText,
): Suppressions {
  const suppressions: Suppressions = { file: new Set(), statements: new Map() };
  for (const token of tokens) {
    if (token.kind !== 'comment') continue;
    const directive = parseDirective(token.text);
    if (!directive) continue;
    if (directive.scope === 'file') {
      for (const rule of directive.rules) suppressions.file.add(rule);
      continue;
    }
    const index = statementOf(token, statements, source);
    if (index === undefined) continue;
    const rules = suppressions.statements.get(index) ?? new Set<string>();
    for (const rule of directive.rules) rules.add(rule);
    suppressions.statements.set(index, rules);
  }
  return suppressions;
}

function statementOf(
  comment: Token,
  statements: readonly LintStatement[],
  source: SourceText,
): number | undefined {
  const next = statements.findIndex((statement) => statement.end > comment.start);
  if (next !== -1 && statements[next]!.start < comment.start) return next;
  const previous = (next === -1 ? statements.length : next) - 1;
  const before = statements[previous];
  if (before && !source.sliceBytes(before.end, comment.start).includes('\n')) return previous;
  return next === -1 ? undefined : next;
}

export function isSuppressed(suppressions: Suppressions, rule: string, statement: number): boolean {
  return suppressions.file.has(rule) || suppressions.statements.get(statement)?.has(rule) === true;
}
