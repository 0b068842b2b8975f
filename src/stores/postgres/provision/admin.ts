// Checks that the admin user may provision: its own privileges, and a database another role owns.
import { UnreachableError } from '../../../core/errors.js';
import type { Queryable } from '../database.js';
import { quoteIdent } from '../sql-quote.js';
import { one } from './one.js';

export async function checkAdmin(admin: Queryable, where: string) {
  const self = await one<{ user: string; superuser: boolean; createdb: boolean; createrole: boolean }>(
    admin,
    `select rolname::text as user, rolsuper as superuser, rolcreatedb as createdb, rolcreaterole as createrole
       from pg_roles where rolname = current_user`,
  );
  const missing: string[] = [];
  if (!self.superuser && !self.createdb) missing.push('CREATEDB');
  if (!self.superuser && !self.createrole) missing.push('CREATEROLE');
  if (missing.length > 0) {
    const objects = missing.map((privilege) => (privilege === 'CREATEDB' ? 'databases' : 'roles'));
    throw new UnreachableError(
      `the admin user "${self.user}" at ${where} lacks ${missing.join(' and ')}; it cannot provision ${objects.join(' and ')}`,
      {
        fix: `use an admin URL of a superuser, or grant the privilege: ALTER ROLE ${quoteIdent(self.user)} ${missing.join(' ')}`,
      },
    );
  }
  return self;
}

export async function readDatabaseOwner(admin: Queryable, database: string): Promise<string | undefined> {
  const { rows } = await admin.query<{ owner: string }>(
    'select pg_get_userbyid(datdba)::text as owner from pg_database where datname = $1',
    [database],
  );
  return rows[0]?.owner;
}

/**
 * A database someone else owns can be provisioned only by an admin acting as its owner: anyone else
 * can neither close it to PUBLIC nor let the owner role create schema launchdb. Found before any role.
 */
export async function refuseForeignOwner(
  admin: Queryable,
  user: string,
  database: string,
  owner: string,
  where: string,
) {
  const { ok } = await one<{ ok: boolean }>(admin, `select pg_has_role(current_user, $1, 'USAGE') as ok`, [
    owner,
  ]);
  if (ok) return;
  throw new UnreachableError(
    `database ${database} at ${where} is owned by ${owner}, and the admin user "${user}" is neither a superuser nor a member of ${owner}; it cannot provision it`,
    {
      fix: `use an admin URL of a superuser or of ${owner}, or name another database with \`database\` in the config`,
    },
  );
}
