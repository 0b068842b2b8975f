// A private copy of the example shop with environments provisioned on the shared server by the CLI
// (`attach postgres --admin-url`, then `migrate up`), so each has its own owner, app and read-only
// roles, as in production. The API, in full:
//
//   const shop = await provisionShop(['staging', 'production']);
//   shop.secrets('production').DATABASE_URL            // the app role; also _MIGRATION_URL, _READONLY_URL
//   await shop.query('production', 'select …', [])      // as the server's superuser, in that database
//   await shop.remove();                                // drops the databases and roles, removes the copy
import { join } from 'node:path';
import type pg from 'pg';
import { expect } from 'vitest';
import { readSecrets } from '../../src/core/secrets.js';
import { runCli } from './cli.js';
import { adminQuery, queryAt, SERVER_URL, serverUrlFor } from './databases.js';
import { copyShop, type ShopCopy } from './shop-app.js';

export interface ProvisionedShop extends ShopCopy {
  /** `<project>_<env>`: the environment's database on the server. */
  database(env: string): string;
  /** What attach wrote to .launchdb/secrets/<env>.env. */
  secrets(env: string): Record<string, string | undefined>;
  /** Runs SQL as the server's superuser in the environment's database. */
  query<Row extends pg.QueryResultRow>(env: string, sql: string, params?: unknown[]): Promise<Row[]>;
  /** Drops the environments' databases and roles, then the copy. */
  remove(): Promise<void>;
}

const ROLE_KINDS = ['app', 'readonly', 'owner'];

export async function provisionShop(environments: string[]): Promise<ProvisionedShop> {
  const shop = copyShop();
  const database = (env: string) => `${shop.name}_${env}`;
  const provisioned: ProvisionedShop = {
    ...shop,
    database,
    secrets: (env) => readSecrets(join(shop.dir, '.launchdb'), env),
    async query<Row extends pg.QueryResultRow>(env: string, sql: string, params: unknown[] = []) {
      return (await queryAt<Row>(serverUrlFor(database(env)), sql, params)).rows;
    },
    async remove() {
      for (const env of environments) {
        await adminQuery(`drop database if exists ${database(env)} with (force)`);
        for (const kind of ROLE_KINDS) await adminQuery(`drop role if exists ${database(env)}_${kind}`);
      }
      shop.remove();
    },
  };
  try {
    for (const env of environments) {
      const guard = ['--env', env, '--confirm', env];
      const attached = await runCli(['attach', 'postgres', '--admin-url', SERVER_URL, ...guard], {
        cwd: shop.dir,
      });
      expect(attached.code, attached.stderr).toBe(0);
      const migrated = await runCli(['migrate', 'up', ...guard], { cwd: shop.dir });
      expect(migrated.code, migrated.stderr).toBe(0);
    }
  } catch (error) {
    await provisioned.remove();
    throw error;
  }
  return provisioned;
}
