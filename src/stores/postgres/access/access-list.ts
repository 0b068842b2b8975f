// Who can log in to an environment's database and what each can do there, with the person or
// service it belongs to: what `launchdb access list` shows and the access checks judge.
import { dataOwnerOf, type Person } from '../../../core/config/people.js';
import { UsageError } from '../../../core/errors.js';
import type { Environment, Project } from '../../../core/project.js';
import type { Queryable } from '../database.js';
import type { PostgresTarget, ServerTarget } from '../target.js';
import { type AuditLibrary, type LoginRole, readLoginRoles } from './login-roles.js';
import type { AccessLevel } from './personal-role.js';
import { type RoleOwner, roleOwnerOf, whoIsWho } from './role-owner.js';

export interface AccessEntry extends LoginRole {
  /** The person or service it belongs to, or unknown. */
  belongsTo: RoleOwner;
  /** For a personal role: whose, at what level, until when (ISO), and what said so. */
  personal?: { person: string; level?: AccessLevel; expires?: string; source: 'comment' | 'name' };
}

export interface AccessList {
  project: string;
  environment: string;
  guarded: boolean;
  database: string;
  dataOwner: Person | null;
  /** How many app tables there are (what `read` and `write` list from). */
  tables: number;
  roles: AccessEntry[];
  pgaudit: AuditLibrary;
}

/** Every role that can log in to the environment's database, read from its catalog, and whose it is. */
export async function listAccess(
  db: Queryable,
  project: Project,
  env: Environment,
  target: ServerTarget,
): Promise<AccessList> {
  const reading = await readLoginRoles(db);
  const who = whoIsWho(reading.database, project.config.access, target);
  const roles = reading.roles.map((role): AccessEntry => {
    const { owner, personal } = roleOwnerOf(
      {
        name: role.name,
        comment: role.comment,
        validUntil: role.validUntil ? new Date(role.validUntil) : null,
      },
      who,
    );
    return {
      ...role,
      belongsTo: owner,
      ...(personal
        ? {
            personal: {
              person: personal.person,
              ...(personal.level ? { level: personal.level } : {}),
              ...(personal.expires ? { expires: personal.expires.toISOString() } : {}),
              source: personal.source,
            },
          }
        : {}),
    };
  });
  return {
    project: project.name,
    environment: env.name,
    guarded: env.guarded,
    database: reading.database,
    dataOwner: dataOwnerOf(project.config, env.name) ?? null,
    tables: reading.tables.length,
    roles,
    pgaudit: reading.pgaudit,
  };
}

/**
 * The server an environment is on; an embedded one has no logins to list (or grant, revoke…: `verb`):
 * bad input saying so.
 */
export function requireLoginRoles(
  env: Environment,
  target: PostgresTarget | undefined,
  verb = 'list',
): ServerTarget {
  if (target?.backing === 'server') return target;
  if (!target) {
    throw new UsageError(`environment ${env.name} has no Postgres store`, {
      fix: `add \`postgres: {}\` under environments.${env.name} in the config`,
    });
  }
  throw new UsageError(
    `environment ${env.name} is embedded: it has no logins (every connection is its one superuser), so there is no access to ${verb}`,
    {
      fix: `attach a server: \`launchdb attach postgres --env ${env.name} --admin-url …\`; access is per role there`,
    },
  );
}

/** The DDL a role can do, one phrase each: `superuser`, `CREATE in schema public`, `owns 12 objects (after SET ROLE x)`. */
export function ddlOf(entry: LoginRole): string[] {
  if (entry.superuser) return ['superuser: every object'];
  const phrases: string[] = [];
  for (const power of entry.powers) {
    const self = power.role === entry.name;
    const via = self ? '' : power.inherited ? ` (through ${power.role})` : ` (after SET ROLE ${power.role})`;
    if (power.owns > 0) phrases.push(`owns ${power.owns} object${power.owns === 1 ? '' : 's'}${via}`);
    if (power.createOnDatabase) phrases.push(`CREATE on the database${via}`);
    if (power.createIn.length > 0) phrases.push(`CREATE in schema ${power.createIn.join(', ')}${via}`);
  }
  if (entry.createdb) phrases.push('CREATEDB');
  if (entry.createrole) phrases.push('CREATEROLE');
  return phrases;
}

/** Rights on tables created later, by the default privileges: `SELECT, INSERT on new tables of x in public`. */
export function newTablesOf(entry: LoginRole): string[] {
  return entry.newTables.map(
    (grant) =>
      `${grant.rights.join(', ')} on new tables of ${grant.creator}${grant.schema ? ` in ${grant.schema}` : ''}`,
  );
}

/** Tables a summary names before `and N more`; --json lists them all. */
const NAMED_TABLES = 3;

/** `all 12`, `3: public.a, public.b, public.c`, `5: public.a, public.b, public.c and 2 more`, `-`. */
export function describeTables(tables: string[], total: number, superuser: boolean): string {
  if (superuser) return total > 0 ? `all ${total}` : 'all';
  if (total > 0 && tables.length === total) return `all ${total}`;
  if (tables.length === 0) return '-';
  const named = tables.slice(0, NAMED_TABLES).join(', ');
  const more = tables.length > NAMED_TABLES ? ` and ${tables.length - NAMED_TABLES} more` : '';
  return `${tables.length}: ${named}${more}`;
}

/** What a table of roles does not show: memberships needing SET ROLE, rights on tables made later, a login taken away. */
export function roleNotes(entry: LoginRole): string[] {
  const notes: string[] = [];
  if (!entry.canLogin) notes.push('NOLOGIN, but still has a session');
  const setRole = entry.memberOf.filter((group) => !group.inherited).map((group) => group.role);
  if (setRole.length > 0) notes.push(`some rights only after SET ROLE ${setRole.join(', ')}`);
  const inherited = entry.memberOf.filter((group) => group.inherited).map((group) => group.role);
  if (inherited.length > 0) notes.push(`member of ${inherited.join(', ')}`);
  const later = newTablesOf(entry);
  if (later.length > 0) notes.push(`by default: ${later.join('; ')}`);
  return notes;
}

/** Can read or change data, now or on tables created later, or change the schema. */
export function hasDirectAccess(entry: LoginRole): boolean {
  return (
    entry.superuser ||
    entry.read.length > 0 ||
    entry.write.length > 0 ||
    entry.newTables.length > 0 ||
    entry.powers.length > 0
  );
}

/** Can change data: write a table, now or by default later, own objects, or is a superuser. */
export function canWrite(entry: LoginRole): boolean {
  const writes = ['INSERT', 'UPDATE', 'DELETE'];
  return (
    entry.superuser ||
    entry.write.length > 0 ||
    entry.powers.some((power) => power.owns > 0) ||
    entry.newTables.some((grant) => grant.rights.some((right) => writes.includes(right)))
  );
}

/** `superuser`, `writes 3 tables, reads 5`, `DDL`, `no table rights`: what a role can do, short. */
export function powersSummary(entry: LoginRole): string {
  if (entry.superuser) return 'superuser';
  const parts: string[] = [];
  if (entry.powers.length > 0 || entry.createdb || entry.createrole) parts.push('DDL');
  if (entry.write.length > 0)
    parts.push(`writes ${entry.write.length} table${entry.write.length === 1 ? '' : 's'}`);
  if (entry.read.length > 0) parts.push(`reads ${entry.read.length}`);
  if (parts.length === 0 && entry.newTables.length > 0) parts.push('rights on new tables');
  if (entry.bypassRls) parts.push('BYPASSRLS');
  return parts.length > 0 ? parts.join(', ') : 'no table rights';
}
