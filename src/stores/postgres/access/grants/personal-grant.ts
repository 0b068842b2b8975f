// Creates a person's own login role in an environment's database, or updates the one they have:
// memberships by level (memberships.ts), never superuser, a small connection limit, VALID UNTIL at
// the expiry (defence in depth: `access expire` is what ends the access), a COMMENT saying whose it
// is, and pgAudit on the role. A new role gets a generated password, sent as its SCRAM verifier.

import type { Queryable } from '../../database.js';
import { newPassword } from '../../provision/passwords.js';
import { roleNamesOf } from '../../provision/roles.js';
import { scramVerifier } from '../../provision/scram-verifier.js';
import { quoteIdent, quoteLiteral } from '../../sql-quote.js';
import { type AccessLevel, commentOnPersonalRole, parsePersonalComment } from '../personal-role.js';
import { GROUP_OF_LEVEL, inheritAttribute, membershipGrant } from './memberships.js';
import { auditPerson, type PersonAudit } from './person-audit.js';

/** A person at a psql prompt and a GUI beside it, not a pool. */
export const PERSONAL_CONNECTION_LIMIT = 3;

export interface PersonalRoleSpec {
  database: string;
  role: string;
  person: string;
  level: AccessLevel;
  expires: Date;
  /** The approved request it comes from, kept in its COMMENT. */
  request?: number;
  versionNum: number;
  /** Log reads too (`access.audit.read`). */
  auditRead: boolean;
}

export interface AppliedRole {
  /** A new role (with a new password), or the person's existing one updated (password kept). */
  created: boolean;
  /** The new role's password: for the person's file or --print-secrets, nowhere else. */
  password?: string;
  /** What the role was before, when it existed. */
  previous?: { level?: AccessLevel; expires?: string; canLogin: boolean };
  audit: PersonAudit;
}

interface ExistingRole {
  can_login: boolean;
  superuser: boolean;
  createdb: boolean;
  createrole: boolean;
  replication: boolean;
  bypassrls: boolean;
  comment: string | null;
  member_of: string[];
}

/** Inside the caller's transaction, which holds the access lock. */
export async function applyPersonalRole(tx: Queryable, spec: PersonalRoleSpec): Promise<AppliedRole> {
  const role = quoteIdent(spec.role);
  const groups = roleNamesOf(spec.database);
  const { rows } = await tx.query<ExistingRole>(
    `select r.rolcanlogin as can_login, r.rolsuper as superuser, r.rolcreatedb as createdb,
            r.rolcreaterole as createrole, r.rolreplication as replication, r.rolbypassrls as bypassrls,
            shobj_description(r.oid, 'pg_authid') as comment,
            array(select g.rolname::text from pg_auth_members m join pg_roles g on g.oid = m.roleid
                   where m.member = r.oid) as member_of
       from pg_roles r where r.rolname = $1`,
    [spec.role],
  );
  const existing = rows[0];
  const attributes = `login ${inheritAttribute(spec.level)} connection limit ${PERSONAL_CONNECTION_LIMIT} valid until ${quoteLiteral(spec.expires.toISOString())}`;
  let password: string | undefined;
  if (existing) {
    // Only what differs from a person's role: naming SUPERUSER at all needs a superuser admin.
    const taken = (['superuser', 'createdb', 'createrole', 'replication', 'bypassrls'] as const)
      .filter((attribute) => existing[attribute])
      .map((attribute) => `no${attribute}`);
    await tx.query(`alter role ${role} with ${[...taken, attributes].join(' ')}`);
    for (const group of Object.values(groups)) {
      if (existing.member_of.includes(group)) await tx.query(`revoke ${quoteIdent(group)} from ${role}`);
    }
  } else {
    password = newPassword();
    await tx.query(
      `create role ${role} with nosuperuser nocreatedb nocreaterole noreplication nobypassrls ${attributes} password ${quoteLiteral(scramVerifier(password))}`,
    );
  }
  await tx.query(
    commentOnPersonalRole(spec.role, {
      person: spec.person,
      level: spec.level,
      expires: spec.expires,
      ...(spec.request === undefined ? {} : { extra: { request: String(spec.request) } }),
    }),
  );
  // CONNECT itself, not through a membership: admin inherits nothing until SET ROLE.
  await tx.query(`grant connect on database ${quoteIdent(spec.database)} to ${role}`);
  await tx.query(membershipGrant(spec.level, groups[GROUP_OF_LEVEL[spec.level]], spec.role, spec.versionNum));
  // A second guard for read, as the read-only role has: even a mistaken grant cannot make it write.
  await tx.query(
    spec.level === 'read'
      ? `alter role ${role} set default_transaction_read_only = on`
      : `alter role ${role} reset default_transaction_read_only`,
  );
  const audit = await auditPerson(tx, spec.role, spec.auditRead);
  const said = existing ? parsePersonalComment(existing.comment) : undefined;
  return {
    created: !existing,
    ...(password ? { password } : {}),
    ...(existing
      ? {
          previous: {
            ...(said?.level ? { level: said.level } : {}),
            ...(said?.expires ? { expires: said.expires.toISOString() } : {}),
            canLogin: existing.can_login,
          },
        }
      : {}),
    audit,
  };
}
