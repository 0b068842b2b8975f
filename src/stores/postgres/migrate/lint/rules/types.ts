// Column types that cost later: 32-bit keys, serials, timestamps without zone, char(n), json, varchar limits.
import type { ColumnDef, RangeVar, TypeName } from 'libpg-query';
import {
  builtinType,
  displayName,
  hasConstraint,
  located,
  strings,
  tableCommands,
  typeModifiers,
} from '../nodes.js';
import type { Rule, RuleContext, RuleHit } from '../rule.js';
import { type LintStatement, nodeOf } from '../statement.js';

interface TypedColumn {
  table: RangeVar | undefined;
  column: string;
  type: TypeName | undefined;
  /** The sole column of a primary key. */
  primaryKey: boolean;
  /** From ALTER COLUMN … TYPE rather than a new column. */
  altered: boolean;
}

/** Six rules read the same columns of each statement: they are found once. */
const found = new WeakMap<LintStatement, TypedColumn[]>();

function typedColumns(statement: LintStatement): TypedColumn[] {
  let columns = found.get(statement);
  if (!columns) {
    columns = findTypedColumns(statement);
    found.set(statement, columns);
  }
  return columns;
}

/** Every column given a type: in CREATE TABLE, ADD COLUMN and ALTER COLUMN … TYPE. */
function findTypedColumns(statement: LintStatement): TypedColumn[] {
  const create = statement.get('CreateStmt');
  if (create) {
    const elements = create.tableElts ?? [];
    const keys = elements.flatMap((element) => {
      const constraint = nodeOf(element, 'Constraint');
      return constraint?.contype === 'CONSTR_PRIMARY' ? [strings(constraint.keys)] : [];
    });
    const tableKey = keys.length === 1 && keys[0]!.length === 1 ? keys[0]![0] : undefined;
    return elements.flatMap((element) => {
      const column = nodeOf(element, 'ColumnDef');
      if (!column?.colname) return [];
      const primaryKey = column.colname === tableKey || Boolean(hasConstraint(column, 'CONSTR_PRIMARY'));
      return [{ ...described(create.relation, column), primaryKey, altered: false }];
    });
  }
  const alter = statement.get('AlterTableStmt');
  return tableCommands(alter).flatMap((cmd): TypedColumn[] => {
    const column = nodeOf(cmd.def, 'ColumnDef');
    if (cmd.subtype === 'AT_AddColumn' && column?.colname) {
      const primaryKey = Boolean(hasConstraint(column, 'CONSTR_PRIMARY'));
      return [{ ...described(alter?.relation, column), primaryKey, altered: false }];
    }
    if (cmd.subtype === 'AT_AlterColumnType' && column && cmd.name) {
      return [
        { ...described(alter?.relation, { ...column, colname: cmd.name }), primaryKey: false, altered: true },
      ];
    }
    return [];
  });
}

function described(table: RangeVar | undefined, column: ColumnDef) {
  return { table, column: column.colname ?? '', type: column.typeName };
}

/** A rule about one built-in type wherever a column gets it. */
function typeRule(
  id: string,
  type: string,
  summary: string,
  fix: string,
  why: (column: string) => string,
): Rule {
  return {
    id,
    severity: 'warning',
    summary,
    fix,
    check(statement) {
      return typedColumns(statement)
        .filter((column) => builtinType(column.type) === type)
        .map((column) => ({
          message: why(`${displayName(column.table)}.${column.column}`),
          at: located(column.type?.location),
        }));
    },
  };
}

export const preferTimestamptz = typeRule(
  'prefer-timestamptz',
  'timestamp',
  '`timestamp` (without time zone) columns',
  'timestamptz (timestamp with time zone): it stores an instant and converts for each session',
  (column) =>
    `${column} is timestamp without time zone: values carry no offset and mean different instants in different time zones`,
);

export const preferTextOverChar = typeRule(
  'prefer-text-over-char',
  'bpchar',
  '`char(n)` columns',
  'text (or varchar), with a CHECK (char_length(col) = n) if the length matters',
  (column) =>
    `${column} is char(n): values are blank-padded, compare surprisingly, and are no faster than text`,
);

export const preferJsonb = typeRule(
  'prefer-jsonb',
  'json',
  '`json` columns',
  'jsonb: stored parsed, indexable with GIN, and comparable with =',
  (column) =>
    `${column} is json: it is stored as text, re-parsed on every access, cannot be indexed or compared with =`,
);

const SMALL_INTEGERS = new Set(['int2', 'int4', 'smallserial', 'serial', 'serial2', 'serial4']);
const BIG_SERIALS = new Set(['bigserial', 'serial8']);

export const preferBigintIdentity: Rule = {
  id: 'prefer-bigint-identity',
  severity: 'warning',
  summary: 'a single-column primary key of type smallint, integer, or any serial',
  fix: 'bigint GENERATED ALWAYS AS IDENTITY',
  check(statement) {
    return typedColumns(statement).flatMap((column): RuleHit[] => {
      const type = builtinType(column.type) ?? '';
      if (!column.primaryKey || !(SMALL_INTEGERS.has(type) || BIG_SERIALS.has(type))) return [];
      const name = `${displayName(column.table)}.${column.column}`;
      const message = SMALL_INTEGERS.has(type)
        ? `primary key ${name} is ${type}: it runs out at ${type.endsWith('2') || type === 'smallserial' ? '32,767' : '2,147,483,647'}, and widening it later rewrites the table and every referencing one`
        : `primary key ${name} is ${type}: a serial's sequence is a separate object with its own grants and ownership, which identity columns avoid`;
      return [{ message, at: located(column.type?.location) }];
    });
  },
};

export const varcharLengthChange: Rule = {
  id: 'varchar-length-change',
  severity: 'warning',
  summary: 'ALTER COLUMN … TYPE varchar(n) on an existing table',
  fix: 'use text with a CHECK (char_length(col) <= n) NOT VALID constraint, validated later; raising an existing varchar limit is safe (suppress this)',
  check(statement, context: RuleContext) {
    return typedColumns(statement).flatMap((column): RuleHit[] => {
      if (!column.altered || builtinType(column.type) !== 'varchar' || context.isNewTable(column.table))
        return [];
      const limit = typeModifiers(column.type)[0];
      return [
        {
          message: `changing ${displayName(column.table)}.${column.column} to varchar${limit ? `(${limit})` : ''} is instant only when it raises or removes a varchar limit: lowering it, or converting another type, scans or rewrites the table under an ACCESS EXCLUSIVE lock`,
          at: located(column.type?.location),
        },
      ];
    });
  },
};
