// Flyway's history: `flyway_schema_history`, one row per versioned, repeatable or baseline step.
import { flywayVersion } from '../layouts/flyway.js';
import type { HistoryEntry, HistorySource } from './history-source.js';

export const flywayHistory: HistorySource = {
  tool: 'flyway',
  title: 'Flyway',
  table: 'flyway_schema_history',
  schemas: ['public'],
  columns: ['installed_rank', 'version', 'description', 'type', 'script', 'success'],
  async read(db, table) {
    const { rows } = await db.query<{
      version: string | null;
      description: string;
      type: string;
      script: string;
      success: boolean;
    }>(`select version, description, type, script, success from ${table} order by installed_rank`);
    const entries: HistoryEntry[] = [];
    for (const row of rows) {
      const version = row.version === null ? undefined : flywayVersion(row.version);
      const label = row.script;
      if (row.type === 'SCHEMA') continue; // Flyway created the schema: not a migration
      if (row.type === 'DELETE' || row.type === 'UNDO_SQL') {
        // `flyway repair` or an undo took the version back: earlier rows of it no longer count.
        for (const [index, entry] of entries.entries()) {
          if (version !== undefined && entry.version === version && !entry.ignored)
            entries[index] = { ...entry, ignored: `undone (${row.type})` };
        }
        continue;
      }
      if (!row.success) entries.push({ label, ...(version ? { version } : {}), ignored: 'failed' });
      else if (row.type === 'BASELINE' && version)
        entries.push({ label: `baseline at V${row.version}`, upTo: version });
      else if (row.type !== 'SQL')
        entries.push({ label, ignored: `${row.type} migrations are not supported` });
      else if (row.version === null)
        entries.push({ label, ignored: 'repeatable migrations are not supported' });
      else entries.push({ label, ...(version ? { version } : {}) });
    }
    return entries;
  },
};
