// dbmate's history: `schema_migrations (version)`, one row per applied file.
import { dbmateVersion } from '../layouts/dbmate.js';
import type { HistorySource } from './history-source.js';

export const dbmateHistory: HistorySource = {
  tool: 'dbmate',
  title: 'dbmate',
  table: 'schema_migrations',
  schemas: ['public'],
  columns: ['version'],
  // golang-migrate names its table the same, but keeps only the last version and a dirty flag.
  foreign: { column: 'dirty', tool: 'golang-migrate' },
  async read(db, table) {
    const { rows } = await db.query<{ version: string }>(`select version from ${table} order by version`);
    return rows.map((row) => ({
      label: String(row.version),
      version: dbmateVersion(String(row.version).trim()),
    }));
  },
};
