// node-pg-migrate's history: `pgmigrations (id, name, run_on)`, the file name without its extension.
import { nodePgMigrateVersion } from '../layouts/node-pg-migrate.js';
import type { HistorySource } from './history-source.js';

export const nodePgMigrateHistory: HistorySource = {
  tool: 'node-pg-migrate',
  title: 'node-pg-migrate',
  table: 'pgmigrations',
  schemas: ['public'],
  columns: ['name', 'run_on'],
  async read(db, table) {
    const { rows } = await db.query<{ name: string }>(`select name from ${table} order by run_on, id`);
    return rows.map((row) => ({ label: row.name, version: nodePgMigrateVersion(row.name) }));
  },
};
