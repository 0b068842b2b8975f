// A `sql` step: a query in an environment's database as its read-only role, its rows held to the spec
// (dbt-style: the query returns what is wrong, `rows: 0`, or the row expected).
import { redactText } from '../core/redact.js';
import { shellQuote } from '../core/shell-quote.js';
import { shorten } from '../core/shorten.js';
import type { Queryable } from '../stores/postgres/database.js';
import { quoteLiteral } from '../stores/postgres/sql-quote.js';
import type { SqlStep } from './spec.js';
import { failed, type StepOutcome } from './step-result.js';

export interface SqlStepContext {
  /** The environment's database, read-only. */
  db: Queryable;
  /** How to reach it by hand, e.g. `psql 'postgresql://shop_readonly@127.0.0.1:5432/shop'` (no password). */
  psql: string | undefined;
  /** Where it is, for messages: `production (127.0.0.1:5432/shop_production)`. */
  where: string;
  secrets: readonly string[];
}

/** A row quoted in a failure: at most this many characters. */
const QUOTED_ROW = 300;

/** Runs `step` (its templates already rendered). */
export async function runSqlStep(step: SqlStep, context: SqlStepContext): Promise<StepOutcome> {
  const params = step.params ?? [];
  const reproduce = [reproduceLine(step.query, params, context)];
  const sent = performance.now();
  let rows: Record<string, unknown>[];
  try {
    ({ rows } = await context.db.query<Record<string, unknown>>(step.query, params));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return failed(
      `the query failed in ${context.where}`,
      'the query to run',
      redactText(reason, context.secrets),
      reproduce,
    );
  }
  const serviceMs = performance.now() - sent;
  const said = `${rows.length} row${rows.length === 1 ? '' : 's'} in ${context.where}`;
  const quoteRow = (row: Record<string, unknown> | undefined) =>
    row === undefined ? 'no row' : redactText(shorten(JSON.stringify(row), QUOTED_ROW), context.secrets);

  const expect = step.expect ?? {};
  if (expect.rows !== undefined && rows.length !== expect.rows) {
    const first = rows.length > 0 ? `; the first: ${quoteRow(rows[0])}` : '';
    return {
      ...failed(
        said,
        `${expect.rows} row${expect.rows === 1 ? '' : 's'}`,
        `${rows.length}${first}`,
        reproduce,
      ),
      serviceMs,
    };
  }
  if (expect.rows === undefined && rows.length === 0)
    return { ...failed(said, 'at least one row', 'none', reproduce), serviceMs };
  for (const [column, value] of Object.entries(expect.row ?? {})) {
    const row = rows[0];
    if (!row || !(column in row))
      return {
        ...failed(
          said,
          `a column ${column}`,
          `columns: ${Object.keys(row ?? {}).join(', ') || 'none'}`,
          reproduce,
        ),
        serviceMs,
      };
    if (!sameValue(row[column], value))
      return {
        ...failed(
          said,
          `${column} = ${JSON.stringify(value)}`,
          `${column} = ${JSON.stringify(row[column])}`,
          reproduce,
        ),
        serviceMs,
      };
  }
  const captures: Record<string, unknown> = {};
  for (const [name, column] of Object.entries(step.capture ?? {})) {
    const row = rows[0];
    if (!row || !(column in row))
      return {
        ...failed(said, `a column ${column} to capture as ${name}`, quoteRow(row), reproduce),
        serviceMs,
      };
    captures[name] = row[column];
  }
  return { status: 'pass', message: `${said} in ${Math.round(serviceMs)} ms`, captures, serviceMs };
}

/**
 * A database value against a spec's: drivers give bigint and numeric as strings, and dates as Dates,
 * so compare as the text Postgres would print, except null only equals null.
 */
function sameValue(actual: unknown, expected: string | number | boolean | null): boolean {
  if (expected === null || actual === null || actual === undefined)
    return expected === null && actual == null;
  if (actual instanceof Date) return actual.toISOString() === String(expected);
  return String(actual) === String(expected);
}

/** The query with its parameters written in, runnable in psql (or read as the SQL, embedded). */
function reproduceLine(query: string, params: readonly string[], context: SqlStepContext): string {
  // Highest first, so $1 does not eat the start of $10.
  let sql = query;
  for (let i = params.length; i >= 1; i--)
    sql = sql.replaceAll(`$${i}`, quoteLiteral(String(params[i - 1])).trim());
  const shown = redactText(sql.replace(/\s+/g, ' ').trim(), context.secrets);
  return context.psql ? `${context.psql} -c ${shellQuote(shown)}` : `-- in ${context.where}: ${shown}`;
}
