// launchdb's own layout: `db/migrations/<yyyymmddhhmmss>_<name>.sql`, made by `launchdb migrate new`.
import { readMigrationFiles } from '../migration-files.js';
import type { Layout } from './layout.js';

export const launchdbLayout: Layout = {
  name: 'launchdb',
  defaultDir: 'db/migrations',
  read: (root, dir) => ({ files: readMigrationFiles(root, dir), notes: [] }),
};
