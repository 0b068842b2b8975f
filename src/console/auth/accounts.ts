// Console accounts in the control database: a name, a role and an argon2id hash. Never a default
// password: the first owner is added from the CLI (`launchdb console user add --role owner`).
import { UsageError } from '../../core/errors.js';
import type { Queryable } from '../../stores/postgres/database.js';
import { hashPassword, MIN_PASSWORD_LENGTH } from './password.js';
import type { Role } from './roles.js';

export interface Account {
  name: string;
  role: Role;
  passwordHash: string;
  createdAt: Date;
  passwordChangedAt: Date;
}

/** An email address or a handle: what people sign in with and the audit trail names. */
const ACCOUNT_NAME = /^[a-z0-9][a-z0-9._+@-]{0,99}$/i;

export function checkAccountName(name: string): void {
  if (!ACCOUNT_NAME.test(name)) {
    throw new UsageError(`"${name}" is not an account name`, {
      fix: 'use an email address or a handle: letters, digits and . _ + @ -, at most 100 characters',
    });
  }
}

export function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new UsageError(`the password is shorter than ${MIN_PASSWORD_LENGTH} characters`, {
      fix: `choose a longer one (a passphrase of a few words works well)`,
    });
  }
}

interface Row {
  name: string;
  role: Role;
  password_hash: string;
  created_at: Date | string;
  password_changed_at: Date | string;
}

function accountOf(row: Row): Account {
  return {
    name: row.name,
    role: row.role,
    passwordHash: row.password_hash,
    createdAt: new Date(row.created_at),
    passwordChangedAt: new Date(row.password_changed_at),
  };
}

export async function addAccount(
  db: Queryable,
  project: string,
  account: { name: string; role: Role; password: string },
): Promise<void> {
  checkAccountName(account.name);
  checkPassword(account.password);
  const hash = await hashPassword(account.password);
  const { rows } = await db.query(
    `insert into launchdb_control.console_accounts (project, name, role, password_hash)
     values ($1, $2, $3, $4) on conflict do nothing returning name`,
    [project, account.name, account.role, hash],
  );
  if (rows.length === 0) {
    throw new UsageError(`console account ${account.name} already exists`, {
      fix: `change its password with \`launchdb console user password ${account.name}\` or its role with \`launchdb console user role\``,
    });
  }
}

export async function findAccount(
  db: Queryable,
  project: string,
  name: string,
): Promise<Account | undefined> {
  const { rows } = await db.query<Row>(
    `select name, role, password_hash, created_at, password_changed_at
       from launchdb_control.console_accounts where project = $1 and name = $2`,
    [project, name],
  );
  return rows[0] ? accountOf(rows[0]) : undefined;
}

export async function listAccounts(db: Queryable, project: string): Promise<Account[]> {
  const { rows } = await db.query<Row>(
    `select name, role, password_hash, created_at, password_changed_at
       from launchdb_control.console_accounts where project = $1 order by name`,
    [project],
  );
  return rows.map(accountOf);
}

/** A new password ends every session of the account: whoever knew the old one is signed out. */
export async function setPassword(
  db: Queryable,
  project: string,
  name: string,
  password: string,
): Promise<boolean> {
  checkPassword(password);
  return changeEndingSessions(db, project, name, {
    set: 'password_hash = $3, password_changed_at = now()',
    value: await hashPassword(password),
  });
}

/** A new role ends the account's sessions: its next sign-in gets a session with the new role. */
export function setRole(db: Queryable, project: string, name: string, role: Role): Promise<boolean> {
  return changeEndingSessions(db, project, name, { set: 'role = $3', value: role });
}

/** Changes the account (`set` uses $3 for `value`) and ends its sessions, in one statement. */
async function changeEndingSessions(
  db: Queryable,
  project: string,
  name: string,
  change: { set: string; value: string },
): Promise<boolean> {
  const { rows } = await db.query(
    `with changed as (
       update launchdb_control.console_accounts set ${change.set}
        where project = $1 and name = $2 returning name
     ), ended as (
       delete from launchdb_control.console_sessions
        where project = $1 and account = $2 and exists (select 1 from changed)
     )
     select name from changed`,
    [project, name, change.value],
  );
  return rows.length > 0;
}

export async function removeAccount(db: Queryable, project: string, name: string): Promise<boolean> {
  const { rows } = await db.query(
    `delete from launchdb_control.console_accounts where project = $1 and name = $2 returning name`,
    [project, name],
  );
  return rows.length > 0;
}
