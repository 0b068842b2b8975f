// Binds the `:name` parameters of a statement from the config to `$1…`, and proves it is one statement.
import { UsageError } from '../../../core/errors.js';
import { loadParser, type Token } from '../sql/parser.js';
import { SourceText } from '../sql/source-text.js';

export interface BoundStatement {
  /** The statement with each `:name` replaced by `$n`. */
  text: string;
  /** The values of `$1…`, in order. */
  values: unknown[];
  /** The parameter names the statement uses, in `$n` order. */
  names: string[];
  /** The parser's node type of the statement: `InsertStmt`, `SelectStmt`, … */
  kind: string;
}

export interface NamedParameters {
  /** Where the statement comes from, for messages: `admin.create`. */
  path: string;
  /** The names the statement may use and their values; `undefined` is a name without a value. */
  values: Record<string, unknown>;
  /** How to give a value that is missing: `pass --name NAME`. */
  missingFix?: (name: string) => string;
}

/** What a name is in SQL: psql's `:variable`, unquoted. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const IDENTIFIER_CHAR = /[A-Za-z0-9_$]/;

interface Reference {
  /** String indices of `:name` in the statement. */
  start: number;
  end: number;
  name: string;
}

/**
 * Replaces `:name` with `$n` and returns the values in order. The real Postgres scanner finds them,
 * so casts (`::text`), `:=`, and text in strings, dollar quotes, quoted identifiers and comments are
 * never touched. Unknown names, names without a value, and anything but exactly one statement are
 * bad input naming `path`.
 */
export async function bindNamedParameters(sql: string, parameters: NamedParameters): Promise<BoundStatement> {
  const parser = await loadParser();
  const source = new SourceText(sql);
  const references = findReferences(parser.scan(sql), source, parameters);

  const names: string[] = [];
  const pieces: string[] = [];
  const shifts: { at: number; by: number; end: number }[] = [];
  let last = 0;
  for (const reference of references) {
    if (!names.includes(reference.name)) names.push(reference.name);
    // `x:email` must not become the identifier `x$1`.
    const space = IDENTIFIER_CHAR.test(sql[reference.start - 1] ?? '') ? ' ' : '';
    const placeholder = `${space}$${names.indexOf(reference.name) + 1}`;
    pieces.push(sql.slice(last, reference.start), placeholder);
    shifts.push({
      at: reference.start,
      end: reference.end,
      by: placeholder.length - (reference.end - reference.start),
    });
    last = reference.end;
  }
  pieces.push(sql.slice(last));
  const text = pieces.join('');

  const parsed = parser.parse(text);
  if ('failure' in parsed) {
    const bound = new SourceText(text);
    const offset = parsed.failure.offset;
    const at =
      offset === undefined
        ? undefined
        : source.positionOfIndex(originalIndex(bound.indexOfCodePoint(offset), shifts));
    throw new UsageError(
      `${parameters.path} does not parse: ${parsed.failure.message}${at ? ` (line ${at.line}, column ${at.column})` : ''}`,
      { fix: `fix the SQL of ${parameters.path} in the config (docs/ADMIN.md)` },
    );
  }
  if (parsed.statements.length !== 1) {
    throw new UsageError(
      `${parameters.path} must be exactly one SQL statement; it has ${parsed.statements.length === 0 ? 'none' : parsed.statements.length}`,
      { fix: `write ${parameters.path} as one statement (a CTE can do several things in one)` },
    );
  }
  const kind = Object.keys(parsed.statements[0]!.stmt ?? {})[0] ?? 'unknown';
  if (kind === 'TransactionStmt') {
    throw new UsageError(
      `${parameters.path} is a transaction command; launchdb runs it inside its own transaction`,
      {
        fix: `remove BEGIN/COMMIT/ROLLBACK from ${parameters.path}`,
      },
    );
  }
  return { text, values: names.map((name) => parameters.values[name]), names, kind };
}

/** Each `:name` written with no space between the colon and the name; every name known and given. */
function findReferences(tokens: Token[], source: SourceText, parameters: NamedParameters): Reference[] {
  const known = Object.keys(parameters.values);
  const listKnown =
    known.length === 0 ? 'it takes none' : `it takes ${known.map((name) => `:${name}`).join(', ')}`;
  const references: Reference[] = [];
  for (let i = 0; i + 1 < tokens.length; i++) {
    const colon = tokens[i]!;
    const next = tokens[i + 1]!;
    if (colon.text !== ':' || next.start !== colon.end) continue;
    const start = source.indexOfByte(colon.start);
    const end = source.indexOfByte(next.end);
    if (!NAME.test(next.text)) {
      // psql's quoted forms, :'email' and :"email": launchdb binds values, so they need no quoting.
      const quoted = /^['"]([A-Za-z_][A-Za-z0-9_]*)['"]$/.exec(next.text)?.[1];
      if (quoted && known.includes(quoted)) {
        throw new UsageError(`${parameters.path} writes ${source.text.slice(start, end)}; write :${quoted}`, {
          fix: 'launchdb passes values as bound parameters, so they need no quoting',
        });
      }
      continue;
    }
    const name = next.text;
    if (!known.includes(name)) {
      throw new UsageError(`${parameters.path} uses the unknown parameter :${name}; ${listKnown}`, {
        fix: `use only those names (an array slice needs a space after its colon: a[1: n])`,
      });
    }
    if (parameters.values[name] === undefined) {
      throw new UsageError(`${parameters.path} uses :${name}, and no value was given for it`, {
        fix: parameters.missingFix?.(name) ?? `give a value for :${name}`,
      });
    }
    references.push({ start, end, name });
  }
  return references;
}

/** Maps an index in the bound text back to the statement as written. */
function originalIndex(index: number, shifts: readonly { at: number; by: number; end: number }[]): number {
  let shifted = 0;
  for (const shift of shifts) {
    const boundStart = shift.at + shifted;
    if (index < boundStart) break;
    const boundEnd = shift.end + shifted + shift.by;
    if (index < boundEnd) return shift.at;
    shifted += shift.by;
  }
  return index - shifted;
}
