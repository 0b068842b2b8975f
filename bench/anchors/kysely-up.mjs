// The kysely anchor: `node kysely-up.mjs DIR URL` runs kysely's Migrator over DIR's .mjs migrations.
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { FileMigrationProvider, Kysely, Migrator, PostgresDialect } from 'kysely';
import pg from 'pg';

const [dir, url] = process.argv.slice(2);
const db = new Kysely({
  dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 2 }) }),
});
const migrator = new Migrator({
  db,
  provider: new FileMigrationProvider({ fs, path, migrationFolder: dir }),
});
const { error } = await migrator.migrateToLatest();
await db.destroy();
if (error) throw error;
