// Small readers over the Postgres syntax tree that several rules share.
import type {
  AlterTableCmd,
  AlterTableStmt,
  ColumnDef,
  Constraint,
  ConstrType,
  Node,
  RangeVar,
  TypeName,
} from 'libpg-query';
import { nodeOf } from './statement.js';

/** A relation as a key: `schema.name`, with `public` and no schema alike (the default search_path). */
export function relationKey(relation: RangeVar | undefined): string {
  const schema = relation?.schemaname && relation.schemaname !== 'public' ? relation.schemaname : '';
  return `${schema}.${relation?.relname ?? ''}`;
}

/** A name list (`DROP TABLE a.b`, `DROP INDEX c`) as the same kind of key. */
export function nameListKey(names: string[]): string {
  const name = names.at(-1) ?? '';
  const schema = names.length > 1 && names.at(-2) !== 'public' ? names.at(-2)! : '';
  return `${schema}.${name}`;
}

/** A name list (`[schema,] name`) as the relation it names. */
export function relationOf(names: string[]): RangeVar {
  return { schemaname: names.length > 1 ? names.at(-2) : undefined, relname: names.at(-1) };
}

/** A relation as written for messages: `users`, `billing.invoices`. */
export function displayName(relation: RangeVar | undefined): string {
  if (!relation?.relname) return '(unnamed)';
  return relation.schemaname ? `${relation.schemaname}.${relation.relname}` : relation.relname;
}

/** The `sval` of each String node of a list: the parts of a qualified name. */
export function strings(list: Node[] | undefined): string[] {
  return (list ?? []).flatMap((item) => {
    const value = nodeOf(item, 'String')?.sval;
    return value === undefined ? [] : [value];
  });
}

/** The subcommands of an ALTER TABLE on a table (not an index, view or sequence). */
export function tableCommands(alter: AlterTableStmt | undefined): AlterTableCmd[] {
  if (alter?.objtype !== 'OBJECT_TABLE') return [];
  return (alter.cmds ?? []).flatMap((cmd) => {
    const body = nodeOf(cmd, 'AlterTableCmd');
    return body ? [body] : [];
  });
}

export function constraintsOf(column: ColumnDef): Constraint[] {
  return (column.constraints ?? []).flatMap((item) => {
    const body = nodeOf(item, 'Constraint');
    return body ? [body] : [];
  });
}

export function hasConstraint(column: ColumnDef, type: ConstrType): Constraint | undefined {
  return constraintsOf(column).find((constraint) => constraint.contype === type);
}

/** A type's name without `pg_catalog`, when the name is Postgres's own: `int4`, `timestamp`, `bpchar`. */
export function builtinType(type: TypeName | undefined): string | undefined {
  const names = strings(type?.names);
  if (names.length === 1) return names[0];
  if (names.length === 2 && names[0] === 'pg_catalog') return names[1];
  return undefined;
}

/** The integer modifiers of a type: `varchar(40)` → [40]. */
export function typeModifiers(type: TypeName | undefined): number[] {
  return (type?.typmods ?? []).flatMap((mod) => {
    const constant = nodeOf(mod, 'A_Const');
    return constant?.ival ? [constant.ival.ival ?? 0] : [];
  });
}

/** Calls anywhere in an expression, by function name (the last part of a qualified name). */
export function functionCalls(expression: Node | undefined): { name: string; location: number }[] {
  const calls: { name: string; location: number }[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (!value || typeof value !== 'object') return;
    const call = nodeOf(value as Node, 'FuncCall');
    if (call) calls.push({ name: strings(call.funcname).at(-1) ?? '', location: call.location ?? -1 });
    for (const child of Object.values(value)) visit(child);
  };
  visit(expression);
  return calls;
}

/**
 * The columns a CHECK expression proves NOT NULL: `col IS NOT NULL`, alone or ANDed with others —
 * the shape Postgres 12+ accepts to skip the scan of `SET NOT NULL`.
 */
export function notNullColumns(expression: Node | undefined): string[] {
  const test = nodeOf(expression, 'NullTest');
  if (test) {
    const column = strings(nodeOf(test.arg, 'ColumnRef')?.fields).at(-1);
    return test.nulltesttype === 'IS_NOT_NULL' && column ? [column] : [];
  }
  const bool = nodeOf(expression, 'BoolExpr');
  if (bool?.boolop === 'AND_EXPR') return (bool.args ?? []).flatMap(notNullColumns);
  return [];
}

/** The location of a node, or undefined when the parser gave none. */
export function located(location: number | undefined): number | undefined {
  return location !== undefined && location >= 0 ? location : undefined;
}
