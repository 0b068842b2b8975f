// Changes that break the app version still running during a deploy, or destroy data.
import { displayName, located, relationOf, strings, tableCommands } from '../nodes.js';
import type { Rule, RuleHit } from '../rule.js';
import { nodeOf } from '../statement.js';

const TWO_STEP =
  'stop using it in the app and deploy that first; then drop it in a later migration (suppress this rule there)';

export const dropColumn: Rule = {
  id: 'drop-column',
  severity: 'error',
  summary: 'ALTER TABLE … DROP COLUMN on an existing table',
  fix: TWO_STEP,
  check(statement, context) {
    const alter = statement.get('AlterTableStmt');
    if (!alter || context.isNewTable(alter.relation)) return [];
    return tableCommands(alter).flatMap((cmd): RuleHit[] =>
      cmd.subtype === 'AT_DropColumn'
        ? [
            {
              message: `dropping ${displayName(alter.relation)}.${cmd.name} breaks the app version still running during the deploy, and the data is gone`,
              at: statement.find(cmd.name, alter.relation?.location),
            },
          ]
        : [],
    );
  },
};

export const dropTable: Rule = {
  id: 'drop-table',
  severity: 'error',
  summary: 'DROP TABLE on a table that already exists',
  fix: TWO_STEP,
  check(statement, context) {
    const drop = statement.get('DropStmt');
    if (drop?.removeType !== 'OBJECT_TABLE') return [];
    return (drop.objects ?? []).flatMap((object): RuleHit[] => {
      const names = strings(nodeOf(object, 'List')?.items);
      if (context.isNewTable(relationOf(names))) return [];
      return [
        {
          message: `dropping table ${names.join('.')} breaks the app version still running during the deploy, and the data is gone`,
          at: statement.find(names.at(-1)),
        },
      ];
    });
  },
};

export const dropDatabase: Rule = {
  id: 'drop-database',
  severity: 'error',
  summary: 'DROP DATABASE in a migration',
  fix: 'never in a migration: drop databases by hand, after a backup',
  check(statement) {
    const drop = statement.get('DropdbStmt');
    if (!drop) return [];
    return [
      { message: `DROP DATABASE ${drop.dbname} destroys every table in it`, at: statement.find(drop.dbname) },
    ];
  },
};

export const truncateCascade: Rule = {
  id: 'truncate-cascade',
  severity: 'error',
  summary: 'TRUNCATE … CASCADE',
  fix: 'name every table to empty in the TRUNCATE, without CASCADE',
  check(statement) {
    const truncate = statement.get('TruncateStmt');
    if (truncate?.behavior !== 'DROP_CASCADE') return [];
    const tables = (truncate.relations ?? []).map((relation) => displayName(nodeOf(relation, 'RangeVar')));
    return [
      {
        message: `TRUNCATE ${tables.join(', ')} CASCADE also empties every table with a foreign key to ${tables.length === 1 ? 'it' : 'them'}, recursively`,
        at: statement.find('cascade'),
      },
    ];
  },
};

export const renameColumn: Rule = {
  id: 'rename-column',
  severity: 'error',
  summary: 'RENAME COLUMN on an existing table',
  fix: 'add the new column, write both, backfill, move reads, then drop the old one; or keep the name and alias it in the app',
  check(statement, context) {
    const rename = statement.get('RenameStmt');
    if (rename?.renameType !== 'OBJECT_COLUMN' || rename.relationType !== 'OBJECT_TABLE') return [];
    if (context.isNewTable(rename.relation)) return [];
    return [
      {
        message: `renaming ${displayName(rename.relation)}.${rename.subname} to ${rename.newname} breaks the app version still running during the deploy`,
        at: statement.find(rename.subname, rename.relation?.location),
      },
    ];
  },
};

export const renameTable: Rule = {
  id: 'rename-table',
  severity: 'error',
  summary: 'RENAME of an existing table',
  fix: 'create the new table (or a view under the new name), move the app over, then drop the old one',
  check(statement, context) {
    const rename = statement.get('RenameStmt');
    if (rename?.renameType !== 'OBJECT_TABLE' || context.isNewTable(rename.relation)) return [];
    return [
      {
        message: `renaming table ${displayName(rename.relation)} to ${rename.newname} breaks the app version still running during the deploy`,
        at: located(rename.relation?.location),
      },
    ];
  },
};
