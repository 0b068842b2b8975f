// access.public-schema-create: PUBLIC (every role, present and future) cannot CREATE in any schema.
import type { Check } from '../../../core/checks/check.js';
import { isUserSchema } from './app-role-ddl.js';
import type { PostgresCheckContext } from './context.js';

// A NULL nspacl means the built-in default, which acldefault() spells out (owner only, for a
// schema), so this agrees with has_schema_privilege('public', schema, 'CREATE'). Before Postgres 15
// initdb wrote `=UC` explicitly on schema public, so old clusters show up here.
const SQL = `
select n.nspname as schema, quote_ident(n.nspname) as quoted, pg_get_userbyid(a.grantor) as grantor
from pg_namespace n
cross join lateral aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
where a.grantee = 0 and a.privilege_type = 'CREATE' and ${isUserSchema('n.nspname')}
order by n.nspname`;

export const publicSchemaCreate: Check<PostgresCheckContext> = {
  id: 'access.public-schema-create',
  area: 'access',
  title: 'PUBLIC cannot create objects in any schema',
  severity: 'fail',
  async run(ctx) {
    // About the catalog, not logins: it applies to embedded databases too, which may be served.
    const db = await ctx.postgres.db();
    const { rows } = await db.query<{ schema: string; quoted: string; grantor: string }>(SQL);
    if (rows.length === 0) {
      return { status: 'pass', summary: 'PUBLIC has CREATE on no schema' };
    }
    const schemas = rows.map((row) => row.schema);
    return {
      status: 'fail',
      summary: `PUBLIC may create objects in schema${schemas.length === 1 ? '' : 's'} ${schemas.join(', ')}`,
      details: { schemas: rows.map(({ schema, grantor }) => ({ schema, grantor })) },
      fix: rows.map((row) => `revoke create on schema ${row.quoted} from public;`).join(' '),
    };
  },
};
