// drizzle-orm's migrator history: `drizzle.__drizzle_migrations` (hash, created_at), one row per
// applied journal entry.
import { drizzleVersion, readDrizzleJournal } from '../layouts/drizzle.js';
import type { HistorySource } from './history-source.js';

export const drizzleHistory: HistorySource = {
  tool: 'drizzle',
  title: 'drizzle',
  table: '__drizzle_migrations',
  // `drizzle` since drizzle-orm 0.30; older versions and custom setups keep it in public.
  schemas: ['drizzle', 'public'],
  columns: ['hash', 'created_at'],
  async read(db, table, project) {
    const { rows } = await db.query<{ hash: string; created_at: string | number | bigint | null }>(
      `select hash, created_at from ${table} order by created_at, id`,
    );
    // created_at is the journal entry's `when`: drizzle's own key. The hash (SHA-256 of the
    // file) matches files read with another layout, or a journal that was rewritten.
    const journal = project.layout === 'drizzle' ? (readDrizzleJournal(project.root, project.dir) ?? []) : [];
    const byWhen = new Map(journal.map((entry) => [String(entry.when), entry]));
    return rows.map((row) => {
      const when = row.created_at === null ? '' : String(row.created_at);
      const entry = byWhen.get(when);
      return {
        label: entry ? entry.tag : `created_at ${when || 'null'} (hash ${row.hash.slice(0, 12)}…)`,
        ...(entry ? { version: drizzleVersion(entry.idx) } : {}),
        sha256: row.hash,
      };
    });
  },
};
