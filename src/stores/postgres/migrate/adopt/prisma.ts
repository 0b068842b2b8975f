// Prisma Migrate's history: `_prisma_migrations`, one row per attempt at a migration folder.
import { prismaVersion } from '../layouts/prisma.js';
import type { HistorySource } from './history-source.js';

export const prismaHistory: HistorySource = {
  tool: 'prisma',
  title: 'Prisma',
  table: '_prisma_migrations',
  schemas: ['public'],
  columns: ['migration_name', 'checksum', 'finished_at', 'rolled_back_at'],
  async read(db, table) {
    const { rows } = await db.query<{
      migration_name: string;
      checksum: string;
      finished: boolean;
      rolled_back: boolean;
    }>(
      `select migration_name, checksum, finished_at is not null as finished, rolled_back_at is not null as rolled_back
         from ${table} order by started_at, migration_name`,
    );
    // Prisma counts a migration applied once it finished and was not marked rolled back since.
    return rows.map((row) => ({
      label: row.migration_name,
      version: prismaVersion(row.migration_name),
      sha256: row.checksum,
      ...(row.rolled_back
        ? { ignored: 'rolled back' }
        : row.finished
          ? {}
          : { ignored: 'failed or unfinished (finished_at is null)' }),
    }));
  },
};
