// What a personal role says about itself: whose it is, at what level, until when. launchdb writes it
// as the role's COMMENT when it grants access and reads it back from the catalog, so a role explains
// itself without launchdb's records (which a restore or a hand-made copy would not have).
//
//   comment on role shop_production_p_ada is
//     'launchdb personal access: person=ada, level=read, expires=2026-12-08T16:00:00.000Z'
import { personOfRoleName } from '../provision/roles.js';
import { quoteIdent, quoteLiteral } from '../sql-quote.js';

export const ACCESS_LEVELS = ['read', 'write', 'admin'] as const;
export type AccessLevel = (typeof ACCESS_LEVELS)[number];

const PREFIX = 'launchdb personal access:';

export interface PersonalGrant {
  person: string;
  level: AccessLevel;
  /** When the access ends; launchdb's `access expire` ends it then. */
  expires: Date;
  /** More `key=value` facts to keep on the role (`request=42`); values without `,` or spaces. */
  extra?: Record<string, string>;
}

/** The COMMENT text of a personal role. */
export function personalRoleComment(grant: PersonalGrant): string {
  const facts = {
    person: grant.person,
    level: grant.level,
    expires: grant.expires.toISOString(),
    ...grant.extra,
  };
  for (const [key, value] of Object.entries(facts)) {
    if (!/^[a-z][a-z0-9_-]*$/.test(key) || /[,\s]/.test(value) || value === '') {
      throw new Error(`personal role comment: ${key}=${value} cannot be written as key=value`);
    }
  }
  const text = Object.entries(facts)
    .map(([key, value]) => `${key}=${value}`)
    .join(', ');
  return `${PREFIX} ${text}`;
}

/** `comment on role "<role>" is '…'`: the statement that labels a personal role. */
export function commentOnPersonalRole(role: string, grant: PersonalGrant): string {
  return `comment on role ${quoteIdent(role)} is ${quoteLiteral(personalRoleComment(grant))}`;
}

/** What a personal role's comment says; undefined when it is not launchdb's personal-access comment. */
export function parsePersonalComment(comment: string | null | undefined): Partial<PersonalGrant> | undefined {
  if (!comment?.startsWith(PREFIX)) return undefined;
  const facts = new Map<string, string>();
  for (const part of comment.slice(PREFIX.length).split(',')) {
    const at = part.indexOf('=');
    if (at > 0) facts.set(part.slice(0, at).trim(), part.slice(at + 1).trim());
  }
  const person = facts.get('person');
  const level = facts.get('level');
  const expires = facts.has('expires') ? new Date(facts.get('expires')!) : undefined;
  const extra = Object.fromEntries(
    [...facts].filter(([key]) => !['person', 'level', 'expires'].includes(key)),
  );
  return {
    ...(person ? { person } : {}),
    ...(level && (ACCESS_LEVELS as readonly string[]).includes(level) ? { level: level as AccessLevel } : {}),
    ...(expires && !Number.isNaN(expires.getTime()) ? { expires } : {}),
    ...(Object.keys(extra).length > 0 ? { extra } : {}),
  };
}

/** A role as the catalog gives it, for telling whether it is personal. */
export interface CatalogRole {
  name: string;
  comment: string | null;
  /** `VALID UNTIL`; null when none (or infinity). */
  validUntil: Date | null;
}

export interface PersonalAccess {
  person: string;
  level?: AccessLevel;
  /** From the comment, else `VALID UNTIL`; undefined when neither says. */
  expires?: Date;
  /** What told it is personal: launchdb's comment, or only the name. */
  source: 'comment' | 'name';
}

/**
 * The personal access a role is, in `database`: by its comment (launchdb wrote it), else by its name
 * (`<database>_p_<person>`, made by hand following the convention); undefined for any other role.
 */
export function personalAccessOf(database: string, role: CatalogRole): PersonalAccess | undefined {
  const said = parsePersonalComment(role.comment);
  const person = said?.person ?? personOfRoleName(database, role.name);
  if (!person) return undefined;
  const expires = said?.expires ?? role.validUntil ?? undefined;
  return {
    person,
    ...(said?.level ? { level: said.level } : {}),
    ...(expires ? { expires } : {}),
    source: said?.person ? 'comment' : 'name',
  };
}
