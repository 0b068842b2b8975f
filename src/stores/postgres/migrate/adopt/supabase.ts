// The Supabase CLI's history: `supabase_migrations.schema_migrations`, one row per applied file.
import { supabaseVersion } from '../layouts/supabase.js';
import type { HistorySource } from './history-source.js';

export const supabaseHistory: HistorySource = {
  tool: 'supabase',
  title: 'Supabase',
  table: 'schema_migrations',
  schemas: ['supabase_migrations'],
  columns: ['version'],
  async read(db, table) {
    // `name` and `statements` came in later CLI versions: read whatever the table has.
    const { rows } = await db.query<{ version: string; name?: string | null }>(
      `select * from ${table} order by version`,
    );
    return rows.map((row) => ({
      label: row.name ? `${row.version}_${row.name}` : row.version,
      version: supabaseVersion(String(row.version).trim()),
    }));
  },
};
