// Constraints whose validation scans an existing table while holding a lock that blocks writes.
import type { Constraint } from 'libpg-query';
import { constraintsOf, displayName, located, tableCommands } from '../nodes.js';
import type { Rule, RuleContext, RuleHit } from '../rule.js';
import { type LintStatement, nodeOf } from '../statement.js';

/** Constraints added to a table that existed before this file, by ADD CONSTRAINT or inline in ADD COLUMN. */
interface Added {
  constraint: Constraint;
  /** Written inside ADD COLUMN, where NOT VALID is not allowed. */
  inline: boolean;
}

function addedConstraints(statement: LintStatement, context: RuleContext): Added[] {
  const alter = statement.get('AlterTableStmt');
  if (!alter || context.isNewTable(alter.relation)) return [];
  return tableCommands(alter).flatMap((cmd): Added[] => {
    if (cmd.subtype === 'AT_AddConstraint') {
      const constraint = nodeOf(cmd.def, 'Constraint');
      return constraint ? [{ constraint, inline: false }] : [];
    }
    const column = cmd.subtype === 'AT_AddColumn' ? nodeOf(cmd.def, 'ColumnDef') : undefined;
    return column ? constraintsOf(column).map((constraint) => ({ constraint, inline: true })) : [];
  });
}

function named(constraint: Constraint): string {
  return constraint.conname ? ` ${constraint.conname}` : '';
}

export const foreignKeyWithoutNotValid: Rule = {
  id: 'foreign-key-without-not-valid',
  severity: 'error',
  summary: 'a FOREIGN KEY added to an existing table without NOT VALID',
  fix: 'ADD CONSTRAINT … FOREIGN KEY … NOT VALID, then VALIDATE CONSTRAINT in a later migration (it takes a weaker lock)',
  check(statement, context) {
    const table = displayName(statement.get('AlterTableStmt')?.relation);
    return addedConstraints(statement, context).flatMap(({ constraint, inline }): RuleHit[] => {
      if (constraint.contype !== 'CONSTR_FOREIGN' || constraint.skip_validation) return [];
      return [
        {
          message: `foreign key${named(constraint)} on ${table} checks every row while blocking writes to ${table} and ${displayName(constraint.pktable)}`,
          at: located(constraint.location),
          ...(inline && {
            fix: 'add the column without REFERENCES, then ADD CONSTRAINT … FOREIGN KEY … NOT VALID and VALIDATE it in a later migration',
          }),
        },
      ];
    });
  },
};

export const checkWithoutNotValid: Rule = {
  id: 'check-without-not-valid',
  severity: 'error',
  summary: 'a CHECK constraint added to an existing table without NOT VALID',
  fix: 'ADD CONSTRAINT … CHECK (…) NOT VALID, then VALIDATE CONSTRAINT in a later migration (it takes a weaker lock)',
  check(statement, context) {
    const table = displayName(statement.get('AlterTableStmt')?.relation);
    return addedConstraints(statement, context).flatMap(({ constraint }): RuleHit[] => {
      if (constraint.contype !== 'CONSTR_CHECK' || constraint.skip_validation) return [];
      return [
        {
          message: `CHECK constraint${named(constraint)} on ${table} scans every row under an ACCESS EXCLUSIVE lock`,
          at: located(constraint.location),
        },
      ];
    });
  },
};

export const uniqueWithoutIndex: Rule = {
  id: 'unique-without-index',
  severity: 'error',
  summary: 'a UNIQUE or PRIMARY KEY constraint added to an existing table that builds its own index',
  fix: 'CREATE UNIQUE INDEX CONCURRENTLY first (no-transaction migration), then ADD CONSTRAINT … UNIQUE USING INDEX (or PRIMARY KEY USING INDEX)',
  check(statement, context) {
    const table = displayName(statement.get('AlterTableStmt')?.relation);
    return addedConstraints(statement, context).flatMap(({ constraint }): RuleHit[] => {
      const kind =
        constraint.contype === 'CONSTR_UNIQUE'
          ? 'UNIQUE'
          : constraint.contype === 'CONSTR_PRIMARY'
            ? 'PRIMARY KEY'
            : '';
      if (!kind || constraint.indexname) return [];
      return [
        {
          message: `${kind} constraint${named(constraint)} on ${table} builds its index while blocking writes to ${table}`,
          at: located(constraint.location),
        },
      ];
    });
  },
};

export const validateInSameTransaction: Rule = {
  id: 'validate-in-same-transaction',
  severity: 'warning',
  summary: 'VALIDATE CONSTRAINT in the same transaction that added the constraint NOT VALID',
  fix: 'validate in a later migration: the lock ADD CONSTRAINT took is held until commit, so validating now scans under it',
  check(statement, context) {
    if (context.noTransaction) return [];
    const alter = statement.get('AlterTableStmt');
    return tableCommands(alter).flatMap((cmd): RuleHit[] => {
      if (cmd.subtype !== 'AT_ValidateConstraint' || !cmd.name) return [];
      if (!context.facts.addedNotValidInFile(alter?.relation, cmd.name)) return [];
      return [
        {
          message: `VALIDATE CONSTRAINT ${cmd.name} runs in the transaction that added it, so NOT VALID saved nothing: the scan still blocks ${displayName(alter?.relation)}`,
          at: statement.find(cmd.name, alter?.relation?.location),
        },
      ];
    });
  },
};
