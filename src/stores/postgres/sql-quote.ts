// Quoting for the few statements that cannot take parameters (DDL): identifiers and string literals.

/** `"name"`, with embedded double quotes doubled; always quoted so names keep their exact case. */
export function quoteIdent(name: string): string {
  if (name.length === 0) throw new Error('an SQL identifier cannot be empty');
  if (name.includes('\0')) throw new Error('an SQL identifier cannot contain a NUL character');
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * `'value'`, with single quotes doubled. A value holding a backslash becomes an escape string
 * (` E'…'`, backslashes doubled) so it reads the same whatever `standard_conforming_strings` is,
 * the way libpq's `PQescapeLiteral` does it.
 */
export function quoteLiteral(value: string): string {
  if (value.includes('\0')) throw new Error('an SQL string literal cannot contain a NUL character');
  const quoted = `'${value.replaceAll("'", "''").replaceAll('\\', '\\\\')}'`;
  return value.includes('\\') ? ` E${quoted}` : quoted;
}
