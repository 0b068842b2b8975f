// Column changes that fail on, rewrite, or scan a table that already holds rows.
import type { ColumnDef } from 'libpg-query';
import {
  builtinType,
  constraintsOf,
  displayName,
  functionCalls,
  located,
  strings,
  tableCommands,
} from '../nodes.js';
import type { Rule, RuleHit } from '../rule.js';
import { nodeOf } from '../statement.js';

/**
 * Functions Postgres marks volatile that turn up as column defaults. A volatile default is computed
 * for every existing row, so ADD COLUMN rewrites the table; `now()` and other stable ones do not (PG 11+).
 */
const VOLATILE = new Set([
  'random',
  'random_normal',
  'gen_random_uuid',
  'uuidv4',
  'uuidv7',
  'uuid_generate_v1',
  'uuid_generate_v1mc',
  'uuid_generate_v4',
  'gen_random_bytes',
  'clock_timestamp',
  'timeofday',
  'nextval',
  'setseed',
]);
const SERIAL = new Set(['smallserial', 'serial', 'bigserial', 'serial2', 'serial4', 'serial8']);

/** The ADD COLUMN subcommands of an ALTER TABLE on a table that existed before this file. */
function addedColumns(...[statement, context]: Parameters<Rule['check']>): ColumnDef[] {
  const alter = statement.get('AlterTableStmt');
  if (!alter || context.isNewTable(alter.relation)) return [];
  return tableCommands(alter).flatMap((cmd) => {
    const column = cmd.subtype === 'AT_AddColumn' ? nodeOf(cmd.def, 'ColumnDef') : undefined;
    return column ? [column] : [];
  });
}

export const addColumnNotNullWithoutDefault: Rule = {
  id: 'add-column-not-null-without-default',
  severity: 'error',
  summary: 'ADD COLUMN … NOT NULL without a DEFAULT on an existing table',
  fix: 'add it with a constant DEFAULT, or nullable: backfill in batches, then add a CHECK (col IS NOT NULL) NOT VALID, validate it, and SET NOT NULL',
  check(statement, context) {
    const table = displayName(statement.get('AlterTableStmt')?.relation);
    return addedColumns(statement, context).flatMap((column): RuleHit[] => {
      const constraints = constraintsOf(column);
      const notNull =
        column.is_not_null ||
        constraints.some((c) => c.contype === 'CONSTR_NOTNULL' || c.contype === 'CONSTR_PRIMARY');
      const filled = constraints.some(
        (c) =>
          (c.contype === 'CONSTR_DEFAULT' && !nodeOf(c.raw_expr, 'A_Const')?.isnull) ||
          c.contype === 'CONSTR_IDENTITY' ||
          c.contype === 'CONSTR_GENERATED',
      );
      if (!notNull || filled || SERIAL.has(builtinType(column.typeName) ?? '')) return [];
      return [
        {
          message: `adding NOT NULL column ${column.colname} without a default fails as soon as ${table} has a row`,
          at: located(column.location),
        },
      ];
    });
  },
};

export const addColumnVolatileDefault: Rule = {
  id: 'add-column-volatile-default',
  severity: 'error',
  summary:
    'ADD COLUMN whose value is computed per row (a volatile default, serial, identity, stored generated) on an existing table',
  fix: 'add the column without that default, SET DEFAULT afterwards for new rows, and backfill existing rows in batches',
  check(statement, context) {
    const table = displayName(statement.get('AlterTableStmt')?.relation);
    return addedColumns(statement, context).flatMap((column): RuleHit[] => {
      const why = perRowValue(column);
      if (!why) return [];
      return [
        {
          message: `adding column ${column.colname} with ${why.text} rewrites all of ${table} under an ACCESS EXCLUSIVE lock`,
          at: located(why.at) ?? located(column.location),
        },
      ];
    });
  },
};

function perRowValue(column: ColumnDef): { text: string; at?: number | undefined } | undefined {
  const type = builtinType(column.typeName) ?? '';
  if (SERIAL.has(type)) return { text: `type ${type} (a nextval() default)`, at: column.typeName?.location };
  for (const constraint of constraintsOf(column)) {
    if (constraint.contype === 'CONSTR_DEFAULT') {
      const call = functionCalls(constraint.raw_expr).find((candidate) => VOLATILE.has(candidate.name));
      if (call) return { text: `volatile default ${call.name}()`, at: call.location };
    }
    if (constraint.contype === 'CONSTR_IDENTITY')
      return { text: 'GENERATED AS IDENTITY', at: constraint.location };
    if (constraint.contype === 'CONSTR_GENERATED' && constraint.generated_kind !== 'v') {
      return { text: 'a STORED generated value', at: constraint.location };
    }
  }
  return undefined;
}

export const setNotNullWithoutCheck: Rule = {
  id: 'set-not-null-without-check',
  severity: 'error',
  summary: 'SET NOT NULL on an existing table without a validated CHECK (col IS NOT NULL) first',
  fix: 'first ADD CONSTRAINT … CHECK (col IS NOT NULL) NOT VALID, then VALIDATE CONSTRAINT in a later migration; SET NOT NULL then skips the scan',
  check(statement, context) {
    const alter = statement.get('AlterTableStmt');
    if (!alter || context.isNewTable(alter.relation)) return [];
    const table = displayName(alter.relation);
    return tableCommands(alter).flatMap((cmd): RuleHit[] => {
      const constraint = nodeOf(cmd.def, 'Constraint');
      // Postgres 18's ADD CONSTRAINT … NOT NULL col does what SET NOT NULL does.
      const columns =
        cmd.subtype === 'AT_SetNotNull' && cmd.name
          ? [cmd.name]
          : cmd.subtype === 'AT_AddConstraint' &&
              constraint?.contype === 'CONSTR_NOTNULL' &&
              !constraint.skip_validation
            ? strings(constraint.keys)
            : [];
      return columns
        .filter((column) => !context.facts.hasProvenNotNull(alter.relation, column))
        .map((column) => ({
          message: `SET NOT NULL on ${table}.${column} scans the whole table under an ACCESS EXCLUSIVE lock`,
          at: statement.find(column, alter.relation?.location),
        }));
    });
  },
};

export const alterColumnType: Rule = {
  id: 'alter-column-type',
  severity: 'error',
  summary: 'ALTER COLUMN … TYPE on an existing table (except to varchar, see varchar-length-change)',
  fix: 'add a new column of the new type, backfill it in batches, switch the app over, then drop the old one (unless the change is binary-coercible, e.g. varchar → text)',
  check(statement, context) {
    const alter = statement.get('AlterTableStmt');
    if (!alter || context.isNewTable(alter.relation)) return [];
    const table = displayName(alter.relation);
    return tableCommands(alter).flatMap((cmd): RuleHit[] => {
      const column = cmd.subtype === 'AT_AlterColumnType' ? nodeOf(cmd.def, 'ColumnDef') : undefined;
      if (!column || builtinType(column.typeName) === 'varchar') return [];
      return [
        {
          message: `changing the type of ${table}.${cmd.name} rewrites the table and its indexes under an ACCESS EXCLUSIVE lock`,
          at: located(column.location),
        },
      ];
    });
  },
};
