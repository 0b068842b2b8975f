// Whether a sql step's query can run as the read-only role, decided by the real Postgres parser:
// a write anywhere in it (a WITH, an EXPLAIN ANALYZE) is refused by a read-only transaction.
import type { RawStmt } from 'libpg-query';
import { loadParser } from '../stores/postgres/sql/parser.js';

const READING = new Set(['SelectStmt', 'ExplainStmt', 'VariableShowStmt']);
const WRITES: Record<string, string> = {
  InsertStmt: 'INSERT',
  UpdateStmt: 'UPDATE',
  DeleteStmt: 'DELETE',
  MergeStmt: 'MERGE',
};
/** A template outside quotes is no SQL: an identifier of the same length parses wherever a value or a name does. */
const TEMPLATE = /\{\{[^{}]*\}\}/g;

export type QueryVerdict =
  | { readOnly: true }
  | { readOnly: false; reason: string }
  | { parses: false; reason: string };

/** Why `query` would be refused in a read-only transaction, or why it does not parse. */
export async function readOnlyVerdict(query: string): Promise<QueryVerdict> {
  const parser = await loadParser();
  const parsed = parser.parse(query.replace(TEMPLATE, (template) => '_'.repeat(template.length)));
  if ('failure' in parsed) return { parses: false, reason: parsed.failure.message };
  for (const statement of parsed.statements) {
    const reason = whyNotReadOnly(statement);
    if (reason) return { readOnly: false, reason };
  }
  return { readOnly: true };
}

function whyNotReadOnly(statement: RawStmt): string | undefined {
  const [kind, body] = Object.entries(statement.stmt ?? {})[0] ?? [];
  if (kind === undefined) return undefined;
  if (WRITES[kind]) return `${WRITES[kind]} writes`;
  if (!READING.has(kind)) return `${statementName(kind)} is not a query`;
  const inner = writeInside(body);
  if (inner) return `${inner} inside it writes`;
  if (kind === 'SelectStmt' && (body as { intoClause?: unknown }).intoClause)
    return 'SELECT INTO creates a table';
  if (hasKey(body, 'lockingClause')) return 'FOR UPDATE / FOR SHARE locks rows';
  return undefined;
}

/** The first write nested anywhere in `node`: a data-modifying WITH, an EXPLAIN ANALYZE of an INSERT. */
function writeInside(node: unknown): string | undefined {
  if (node === null || typeof node !== 'object') return undefined;
  for (const [key, value] of Object.entries(node)) {
    if (WRITES[key]) return WRITES[key];
    const found = writeInside(value);
    if (found) return found;
  }
  return undefined;
}

function hasKey(node: unknown, wanted: string): boolean {
  if (node === null || typeof node !== 'object') return false;
  return Object.entries(node).some(([key, value]) => key === wanted || hasKey(value, wanted));
}

/** `CreateStmt` → `CREATE`, `TruncateStmt` → `TRUNCATE`, `VariableSetStmt` → `SET`: what the statement starts with. */
function statementName(kind: string): string {
  const known: Record<string, string> = {
    CreateStmt: 'CREATE TABLE',
    CreateTableAsStmt: 'CREATE TABLE AS',
    VariableSetStmt: 'SET',
    CopyStmt: 'COPY',
    TransactionStmt: 'a transaction statement',
  };
  return (
    known[kind] ??
    kind
      .replace(/Stmt$/, '')
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toUpperCase()
  );
}
