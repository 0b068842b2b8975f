// Statements that fight launchdb's one-transaction-per-migration model, and DDL without a lock_timeout.

import { OwnTransactions } from '../../own-transactions.js';
import { displayName, relationOf, strings, tableCommands } from '../nodes.js';
import type { Rule, RuleContext } from '../rule.js';
import { type LintStatement, nodeOf } from '../statement.js';

export const concurrentlyInTransaction: Rule = {
  id: 'concurrently-in-transaction',
  severity: 'error',
  summary: 'CONCURRENTLY in a migration that runs inside a transaction',
  fix: 'make `-- launchdb:no-transaction` the first line of the file, and keep the concurrent statement there',
  check(statement, context) {
    if (context.noTransaction) return [];
    const what = concurrentStatement(statement);
    if (!what) return [];
    return [
      {
        message: `${what} cannot run inside a transaction block, and launchdb runs this migration in one: it will fail`,
      },
    ];
  },
};

function concurrentStatement(statement: LintStatement): string | undefined {
  if (statement.get('IndexStmt')?.concurrent) return 'CREATE INDEX CONCURRENTLY';
  if (statement.get('DropStmt')?.concurrent) return 'DROP INDEX CONCURRENTLY';
  const reindex = statement.get('ReindexStmt');
  const concurrently = reindex?.params?.some((param) => {
    const option = nodeOf(param, 'DefElem');
    return option?.defname === 'concurrently' && nodeOf(option.arg, 'Boolean')?.boolval !== false;
  });
  if (concurrently) return 'REINDEX CONCURRENTLY';
  const detach = tableCommands(statement.get('AlterTableStmt')).some(
    (cmd) => cmd.subtype === 'AT_DetachPartition' && nodeOf(cmd.def, 'PartitionCmd')?.concurrent,
  );
  return detach ? 'DETACH PARTITION CONCURRENTLY' : undefined;
}

/** Each file's own transactions, read as the rule sees its statements (the context is one per file). */
const ownTransactions = new WeakMap<RuleContext, OwnTransactions>();

function transactionsOf(context: RuleContext): OwnTransactions {
  let transactions = ownTransactions.get(context);
  if (!transactions) {
    transactions = new OwnTransactions(context.noTransaction);
    ownTransactions.set(context, transactions);
  }
  return transactions;
}

export const transactionControl: Rule = {
  id: 'transaction-control',
  severity: 'error',
  summary:
    'ROLLBACK, SAVEPOINT, a stray BEGIN or COMMIT in a migration file, or statements outside the one BEGIN … COMMIT of a no-transaction file',
  fix: "keep to plain `BEGIN; … COMMIT;` blocks, which launchdb folds into the migration's transaction with its history row (in a `-- launchdb:no-transaction` file, one block around the whole body)",
  check(statement, context) {
    const problem = transactionsOf(context).next(statement, context.positionOf);
    return problem ? [{ message: problem.message }] : [];
  },
  finish(context) {
    const problem = ownTransactions.get(context)?.end();
    return problem ? [problem] : [];
  },
};

export const missingLockTimeout: Rule = {
  id: 'missing-lock-timeout',
  severity: 'warning',
  summary: 'DDL that locks an existing table, with no lock_timeout set by the file or the migration session',
  fix: "`SET lock_timeout = '5s';` before it, or keep `migrations.sessionLockTimeout` above 0 (default 5000 ms)",
  check(statement, context) {
    if (context.sessionLockTimeout || context.facts.lockTimeout) return [];
    const what = lockingStatement(statement, context);
    // Once per file: the fix is one SET at the top, not one per statement.
    if (!what || !context.once('missing-lock-timeout')) return [];
    return [
      {
        message: `${what} waits for its lock without a lock_timeout: behind one long query, it blocks all traffic to the table`,
      },
    ];
  },
};

/** Statements that take a strong lock on a table that already exists, described for the message. */
function lockingStatement(statement: LintStatement, context: RuleContext): string | undefined {
  const alter = statement.get('AlterTableStmt');
  if (alter && tableCommands(alter).length > 0 && !context.isNewTable(alter.relation)) {
    return `ALTER TABLE ${displayName(alter.relation)}`;
  }
  const index = statement.get('IndexStmt');
  if (index && !index.concurrent && !context.isNewTable(index.relation)) {
    return `CREATE INDEX on ${displayName(index.relation)}`;
  }
  const drop = statement.get('DropStmt');
  if (
    drop &&
    !drop.concurrent &&
    (drop.removeType === 'OBJECT_TABLE' || drop.removeType === 'OBJECT_INDEX')
  ) {
    const names = (drop.objects ?? []).map((object) => strings(nodeOf(object, 'List')?.items));
    const existing = names.filter((name) =>
      drop.removeType === 'OBJECT_INDEX'
        ? !context.facts.isNewIndex(name)
        : !context.isNewTable(relationOf(name)),
    );
    if (existing.length > 0)
      return `DROP ${drop.removeType === 'OBJECT_INDEX' ? 'INDEX' : 'TABLE'} ${existing[0]!.join('.')}`;
  }
  const rename = statement.get('RenameStmt');
  const renamesTable = rename?.renameType === 'OBJECT_TABLE' || rename?.relationType === 'OBJECT_TABLE';
  if (rename && renamesTable && !context.isNewTable(rename.relation))
    return `ALTER TABLE ${displayName(rename.relation)}`;
  const truncate = statement.get('TruncateStmt');
  if (truncate) return 'TRUNCATE';
  const trigger = statement.get('CreateTrigStmt');
  if (trigger && !context.isNewTable(trigger.relation))
    return `CREATE TRIGGER on ${displayName(trigger.relation)}`;
  return undefined;
}
