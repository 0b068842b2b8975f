// Index builds and drops that lock a table that already holds data.
import { displayName, strings } from '../nodes.js';
import type { Rule } from '../rule.js';
import { nodeOf } from '../statement.js';

const NO_TRANSACTION_FIX = 'in a migration whose first line is `-- launchdb:no-transaction`';

export const createIndexNotConcurrently: Rule = {
  id: 'create-index-not-concurrently',
  severity: 'error',
  summary: 'CREATE INDEX without CONCURRENTLY on a table that already exists',
  fix: `CREATE INDEX CONCURRENTLY, ${NO_TRANSACTION_FIX}`,
  check(statement, context) {
    const index = statement.get('IndexStmt');
    if (!index || index.concurrent || context.isNewTable(index.relation)) return [];
    const table = displayName(index.relation);
    return [
      {
        message: `CREATE INDEX${index.idxname ? ` ${index.idxname}` : ''} on ${table} blocks every write to ${table} until the index is built`,
      },
    ];
  },
};

export const dropIndexNotConcurrently: Rule = {
  id: 'drop-index-not-concurrently',
  severity: 'warning',
  summary: 'DROP INDEX without CONCURRENTLY on an index that already exists',
  fix: `DROP INDEX CONCURRENTLY, ${NO_TRANSACTION_FIX}`,
  check(statement, context) {
    const drop = statement.get('DropStmt');
    if (drop?.removeType !== 'OBJECT_INDEX' || drop.concurrent) return [];
    return (drop.objects ?? []).flatMap((object) => {
      const names = strings(nodeOf(object, 'List')?.items);
      if (context.facts.isNewIndex(names)) return [];
      const name = names.join('.');
      return [
        {
          message: `DROP INDEX ${name} takes an ACCESS EXCLUSIVE lock on its table: queries queue behind it while it waits`,
          at: statement.find(names.at(-1)),
        },
      ];
    });
  },
};
