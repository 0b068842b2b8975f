// What earlier statements established: tables and indexes new in this file, lock_timeout, proven NOT NULLs.
import type { Node, RangeVar } from 'libpg-query';
import { nameListKey, notNullColumns, relationKey, strings, tableCommands } from './nodes.js';
import { type LintStatement, nodeOf } from './statement.js';

export class LintFacts {
  /** CHECK (col IS NOT NULL) NOT VALID, not validated yet: `table\0constraint` → columns. Kept across files. */
  private readonly pendingNotNull = new Map<string, string[]>();
  /** `table\0column` with a validated CHECK (col IS NOT NULL). Kept across files: that is the safe pattern. */
  private readonly provenNotNull = new Set<string>();
  /** Tables created in this file: empty, so locks and scans on them cost nothing. */
  private tables = new Set<string>();
  private indexes = new Set<string>();
  /** `table\0constraint` added NOT VALID in this file. */
  private notValid = new Set<string>();
  /** A `SET lock_timeout` (not 0) ran earlier in this file. */
  lockTimeout = false;

  /** Forgets what one file established, except NOT NULL proofs, which later migrations rely on. */
  startFile(): void {
    this.tables = new Set();
    this.indexes = new Set();
    this.notValid = new Set();
    this.lockTimeout = false;
  }

  isNewTable(relation: RangeVar | undefined): boolean {
    return this.tables.has(relationKey(relation));
  }

  /** `names` as in DROP INDEX: `[schema,] name`. */
  isNewIndex(names: string[]): boolean {
    return this.indexes.has(nameListKey(names));
  }

  hasProvenNotNull(relation: RangeVar | undefined, column: string): boolean {
    return this.provenNotNull.has(`${relationKey(relation)}\0${column}`);
  }

  addedNotValidInFile(relation: RangeVar | undefined, constraint: string): boolean {
    return this.notValid.has(`${relationKey(relation)}\0${constraint}`);
  }

  /** Records what a statement establishes, after the rules have seen it. */
  observe(statement: LintStatement): void {
    const created = statement.get('CreateStmt')?.relation ?? statement.get('CreateTableAsStmt')?.into?.rel;
    if (created) this.tables.add(relationKey(created));
    const index = statement.get('IndexStmt');
    if (index?.idxname) {
      this.indexes.add(nameListKey([index.relation?.schemaname ?? '', index.idxname].filter(Boolean)));
    }
    const rename = statement.get('RenameStmt');
    if (rename?.renameType === 'OBJECT_TABLE' && this.isNewTable(rename.relation) && rename.newname) {
      this.tables.add(relationKey({ ...rename.relation, relname: rename.newname }));
    }
    const set = statement.get('VariableSetStmt');
    if (set?.name === 'lock_timeout')
      this.lockTimeout = set.kind === 'VAR_SET_VALUE' && !isZero(set.args?.[0]);
    for (const target of statement.get('SelectStmt')?.targetList ?? []) this.observeSetConfig(target);
    this.observeConstraints(statement);
  }

  private observeConstraints(statement: LintStatement): void {
    const alter = statement.get('AlterTableStmt');
    const table = relationKey(alter?.relation);
    for (const cmd of tableCommands(alter)) {
      const constraint = nodeOf(cmd.def, 'Constraint');
      if (cmd.subtype === 'AT_AddConstraint' && constraint) {
        const key = `${table}\0${constraint.conname ?? ''}`;
        if (constraint.skip_validation && constraint.conname) this.notValid.add(key);
        // Postgres 18's NOT NULL … NOT VALID proves its columns once validated, as a CHECK does.
        const columns =
          constraint.contype === 'CONSTR_CHECK'
            ? notNullColumns(constraint.raw_expr)
            : constraint.contype === 'CONSTR_NOTNULL'
              ? strings(constraint.keys)
              : [];
        if (columns.length === 0) continue;
        if (constraint.skip_validation) this.pendingNotNull.set(key, columns);
        else for (const column of columns) this.provenNotNull.add(`${table}\0${column}`);
      }
      if (cmd.subtype === 'AT_ValidateConstraint' && cmd.name) {
        for (const column of this.pendingNotNull.get(`${table}\0${cmd.name}`) ?? []) {
          this.provenNotNull.add(`${table}\0${column}`);
        }
      }
    }
  }

  /** `SELECT set_config('lock_timeout', '5s', …)` sets it as SET does. */
  private observeSetConfig(target: Node): void {
    const call = nodeOf(nodeOf(target, 'ResTarget')?.val, 'FuncCall');
    if (!call || strings(call.funcname).at(-1) !== 'set_config') return;
    if (nodeOf(call.args?.[0], 'A_Const')?.sval?.sval !== 'lock_timeout') return;
    this.lockTimeout = !isZero(call.args?.[1]);
  }
}

/** A lock_timeout value of 0 (`0`, `'0'`, `'0s'`) turns the timeout off. */
function isZero(value: Node | undefined): boolean {
  const constant = nodeOf(value, 'A_Const');
  if (!constant) return false;
  if (constant.ival) return (constant.ival.ival ?? 0) === 0;
  if (constant.sval) return Number.parseFloat(constant.sval.sval ?? '') === 0;
  return false;
}
