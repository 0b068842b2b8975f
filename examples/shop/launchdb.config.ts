import { defineConfig } from 'launchdb';

// The example shop's data layer: what `npm run demo` makes launch-ready.
export default defineConfig({
  project: 'shop',
  environments: {
    development: { postgres: {} },
    staging: { postgres: {} },
    production: { postgres: {} },
  },
  schema: {
    // The queries the shop runs every request depend on these.
    requiredIndexes: [
      { table: 'accounts', columns: ['email'], unique: true },
      { table: 'orders', columns: ['account_id'] },
    ],
  },
  // The shop cannot be run without an operator: `launchdb admin create` makes one on purpose.
  admin: {
    create: "insert into accounts (email, name, role) values (:email, :name, 'admin')",
    list: "select email, name from accounts where role = 'admin'",
    required: true,
  },
  // A week of dailies, a month of weeklies and half a year of monthlies, and who to call to restore.
  backups: {
    retention: { daily: 7, weekly: 4, monthly: 6 },
    restoreOwners: [{ name: 'Ada Lovelace', contact: 'ada@shop.dev' }],
  },
  // Nightly backups of production, pruned by the retention above: run `launchdb scheduler run` as a service.
  scheduler: {
    jobs: [
      { job: 'backup', env: 'production', cron: '0 3 * * *' },
      { job: 'prune', env: 'production', cron: '0 3 * * *' },
    ],
  },
});
