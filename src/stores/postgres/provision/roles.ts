// The environment's three login roles: their names, reading and creating them, and how they differ.
import { UsageError } from '../../../core/errors.js';
import type { Queryable } from '../database.js';
import { quoteIdent, quoteLiteral } from '../sql-quote.js';
import type { Ledger } from './ledger.js';
import type { Credential } from './passwords.js';
import type { settingsOf } from './role-settings.js';
import { scramVerifier } from './scram-verifier.js';

export type RoleKind = 'owner' | 'app' | 'readonly';
export const KINDS: RoleKind[] = ['owner', 'app', 'readonly'];
/** Postgres truncates longer names silently, which would make the roles' names lie. */
const MAX_NAME_BYTES = 63;

export function roleNamesOf(database: string): Record<RoleKind, string> {
  const names = { owner: `${database}_owner`, app: `${database}_app`, readonly: `${database}_readonly` };
  if (Buffer.byteLength(names.readonly) > MAX_NAME_BYTES) {
    throw new UsageError(
      `database name ${database} is too long: role ${names.readonly} would exceed Postgres's ${MAX_NAME_BYTES}-byte limit`,
      { fix: `set a shorter name with \`database\` in the environment's postgres config` },
    );
  }
  return names;
}

/**
 * A person's own login role in a database, for access launchdb grants: `<database>_p_<person>`
 * (`shop_production_p_ada`). Its COMMENT says whose it is, the level and the expiry (see
 * access/personal-role.ts), so the role explains itself to anyone reading the catalog.
 */
export function personalRoleName(database: string, person: string): string {
  const name = `${database}${PERSONAL_INFIX}${person}`;
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) {
    throw new UsageError(
      `personal role ${name} would exceed Postgres's ${MAX_NAME_BYTES}-byte limit (database ${database}, person ${person})`,
      { fix: 'give the person a shorter id in access.people, or the environment a shorter `database` name' },
    );
  }
  return name;
}

/** The person whose personal role `role` is by its name, in `database`; undefined for any other role. */
export function personOfRoleName(database: string, role: string): string | undefined {
  const prefix = `${database}${PERSONAL_INFIX}`;
  if (!role.startsWith(prefix)) return undefined;
  const person = role.slice(prefix.length);
  return /^[a-z][a-z0-9_]*$/.test(person) ? person : undefined;
}

const PERSONAL_INFIX = '_p_';

export interface RoleState {
  rolsuper: boolean;
  rolcreatedb: boolean;
  rolcreaterole: boolean;
  rolinherit: boolean;
  rolcanlogin: boolean;
  rolreplication: boolean;
  rolbypassrls: boolean;
  rolconnlimit: number;
  rolconfig: string[] | null;
  member_of: string[];
}

export async function readRoles(admin: Queryable, names: string[]): Promise<Map<string, RoleState>> {
  const { rows } = await admin.query<RoleState & { rolname: string }>(
    `select r.rolname::text as rolname, r.rolsuper, r.rolcreatedb, r.rolcreaterole, r.rolinherit, r.rolcanlogin,
            r.rolreplication, r.rolbypassrls, r.rolconnlimit, r.rolconfig,
            array(select g.rolname::text from pg_auth_members m join pg_roles g on g.oid = m.roleid
                   where m.member = r.oid order by 1) as member_of
       from pg_roles r where r.rolname = any($1::text[])`,
    [names],
  );
  return new Map(rows.map((row) => [row.rolname, row]));
}

export async function reconcileRoles(
  admin: Queryable,
  ledger: Ledger,
  credentials: Credential[],
  roles: Map<string, RoleState>,
  settings: ReturnType<typeof settingsOf>,
) {
  for (const credential of credentials) {
    const role = quoteIdent(credential.role);
    const password = () => quoteLiteral(scramVerifier(credential.password));
    const existing = roles.get(credential.role);
    if (credential.state === 'new') {
      const attributes = {
        owner: 'inherit',
        app: `noinherit connection limit ${settings.connectionLimit}`,
        readonly: 'noinherit',
      }[credential.kind];
      await admin.query(
        `create role ${role} with login nosuperuser nocreatedb nocreaterole noreplication nobypassrls ${attributes} password ${password()}`,
      );
      ledger.created.push(`role ${credential.role}`);
    } else {
      ledger.unchanged.push(`role ${credential.role}`);
      if (credential.state === 'rotated') {
        await admin.query(`alter role ${role} with password ${password()}`);
        ledger.created.push(`new password for role ${credential.role}`);
      }
      if (existing) reportRoleDifferences(ledger, credential, existing, settings.connectionLimit);
    }
    const current = new Map(
      (existing?.rolconfig ?? []).map((entry) => {
        const at = entry.indexOf('=');
        return [entry.slice(0, at), entry.slice(at + 1)] as const;
      }),
    );
    for (const setting of settings[credential.kind]) {
      const what = `setting ${setting.name} = ${setting.value} for role ${credential.role}`;
      const actual = current.get(setting.name);
      if (actual === undefined) {
        await admin.query(`alter role ${role} set ${setting.name} = ${quoteLiteral(setting.value)}`);
        ledger.created.push(what);
      } else if (setting.same(actual)) {
        ledger.unchanged.push(what);
      } else {
        ledger.differences.push(
          `role ${credential.role} has ${setting.name} = ${actual} (expected ${setting.value})`,
        );
      }
    }
  }
}

function reportRoleDifferences(
  ledger: Ledger,
  credential: Credential,
  state: RoleState,
  connectionLimit: number,
) {
  const name = `role ${credential.role}`;
  const found: string[] = [];
  if (!state.rolcanlogin) found.push(`${name} cannot log in (expected LOGIN)`);
  if (state.rolsuper) found.push(`${name} is a superuser (expected not)`);
  if (state.rolcreatedb) found.push(`${name} can create databases (expected not)`);
  if (state.rolcreaterole) found.push(`${name} can create roles (expected not)`);
  if (state.rolreplication) found.push(`${name} can replicate (expected not)`);
  if (state.rolbypassrls) found.push(`${name} bypasses row-level security (expected not)`);
  if (credential.kind === 'app') {
    if (state.rolinherit)
      found.push(`${name} inherits privileges of roles granted to it (expected NOINHERIT)`);
    if (state.rolconnlimit !== connectionLimit) {
      const limit =
        state.rolconnlimit === -1 ? 'no connection limit' : `connection limit ${state.rolconnlimit}`;
      found.push(`${name} has ${limit} (expected ${connectionLimit})`);
    }
  }
  if (credential.kind !== 'owner') {
    for (const group of state.member_of)
      found.push(`${name} is a member of ${group} (expected no memberships)`);
  }
  ledger.differences.push(...found);
  if (found.length === 0) ledger.unchanged.push(`attributes of ${name}`);
}
