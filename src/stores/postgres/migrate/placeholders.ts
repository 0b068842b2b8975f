// Placeholders by which a migration names its environment's roles, as Flyway's `${flyway:user}`:
// `grant select on t to ${launchdb:app_role}` grants to each environment's own app role. The file is
// checksummed as written, so one migration has one checksum in every environment.
import { UsageError } from '../../../core/errors.js';
import { parseConnectionUrl } from '../connection-url.js';
import { quoteIdent } from '../sql-quote.js';
import type { PostgresTarget } from '../target.js';
import type { MigrationFile } from './migration-files.js';

/** Each placeholder, and the role it names. */
export const PLACEHOLDERS = {
  app_role: 'the role the app connects as',
  owner_role: 'the role the migrations run as (which owns what they create)',
  readonly_role: 'the read-only role',
} as const;

export type PlaceholderName = keyof typeof PLACEHOLDERS;

/** Each placeholder's role in one database; one without a role is refused where a migration uses it. */
export interface PlaceholderRoles {
  roles: Partial<Record<PlaceholderName, string>>;
  /** Whose roles they are, for the message refusing one that is missing: `environment production`. */
  of: string;
  /** How to get the missing ones. */
  fix: string;
}

/** Every user of embedded Postgres is its one superuser. */
const EMBEDDED_USER = 'postgres';

/**
 * The environment's roles, from the URLs it connects with: on a provisioned environment
 * `<db>_app`, `<db>_owner` and `<db>_readonly`; given one URL, its user for the app and the owner,
 * and no read-only role; embedded, the one superuser for all three (a grant to it changes nothing).
 */
export function environmentRoles(environment: string, target: PostgresTarget): PlaceholderRoles {
  const of = `environment ${environment}`;
  const fix = `provision the environment's roles with \`launchdb attach postgres --env ${environment} --admin-url URL\`, or leave the placeholder out`;
  if (target.backing === 'embedded') {
    return {
      roles: { app_role: EMBEDDED_USER, owner_role: EMBEDDED_USER, readonly_role: EMBEDDED_USER },
      of,
      fix,
    };
  }
  const userOf = (url: string | undefined) => (url ? parseConnectionUrl(url).user || undefined : undefined);
  const roles: PlaceholderRoles['roles'] = {};
  const app = userOf(target.url);
  const owner = userOf(target.migrationUrl);
  const readonly = userOf(target.readonlyUrl);
  if (app) roles.app_role = app;
  if (owner) roles.owner_role = owner;
  if (readonly) roles.readonly_role = readonly;
  return { roles, of, fix };
}

/** `${launchdb:name}`; the name is checked when replaced, so a misspelt one is refused, not left. */
const PLACEHOLDER = /\$\{launchdb:([^}\s]*)\}/g;

/** The migration as it runs with `roles`: the same file, version and checksum; its SQL resolved. */
export function withPlaceholders(file: MigrationFile, roles: PlaceholderRoles): MigrationFile {
  const pieces = () =>
    replacePlaceholders(file.pieces(), (name, line) => roleOf(name, roles, file.file, line));
  // Every other property as the file has it, getters included, without reading the file.
  const resolved = Object.defineProperties({}, Object.getOwnPropertyDescriptors(file)) as MigrationFile;
  return Object.defineProperties(resolved, {
    pieces: { value: pieces, enumerable: true },
    sql: { get: () => [...pieces()].join(''), enumerable: true },
  });
}

/**
 * Text for the parser to read in place of each placeholder, for lint, which runs without an
 * environment: a quoted identifier as wide as the placeholder (`"{launchdb:app_role"`), so the
 * positions of findings stay the file's own.
 */
export function withPlaceholderStandIns(pieces: Iterable<string>, file: string): Iterable<string> {
  return replacePlaceholders(pieces, (name, line) => {
    known(name, file, line);
    return `"{launchdb:${name}"`;
  });
}

function roleOf(name: string, placeholders: PlaceholderRoles, file: string, line: number): string {
  const role = placeholders.roles[known(name, file, line)];
  if (role === undefined) {
    throw new UsageError(
      `${file}:${line}: \${launchdb:${name}} names ${PLACEHOLDERS[name as PlaceholderName]}, which ${placeholders.of} does not have`,
      { fix: placeholders.fix },
    );
  }
  return quoteIdent(role);
}

function known(name: string, file: string, line: number): PlaceholderName {
  if (Object.hasOwn(PLACEHOLDERS, name)) return name as PlaceholderName;
  const names = Object.keys(PLACEHOLDERS).map((each) => `\${launchdb:${each}}`);
  throw new UsageError(`${file}:${line}: unknown placeholder \${launchdb:${name}}`, {
    fix: `use one of ${names.join(', ')}`,
  });
}

/**
 * The pieces with every placeholder replaced. Placeholders hold no line break, so the text is
 * replaced up to each piece's last line end and the rest carried to the next: a placeholder is never
 * cut in two, and each is known by its line.
 */
function* replacePlaceholders(
  pieces: Iterable<string>,
  replace: (name: string, line: number) => string,
): Generator<string> {
  let line = 1;
  let carried = '';
  const resolve = (text: string) => {
    const resolved = text.includes('${launchdb:')
      ? text.replace(PLACEHOLDER, (_match, name: string, offset: number) =>
          replace(name, line + lineBreaks(text.slice(0, offset))),
        )
      : text;
    line += lineBreaks(text);
    return resolved;
  };
  for (const piece of pieces) {
    const text = carried + piece;
    const end = text.lastIndexOf('\n') + 1;
    carried = text.slice(end);
    if (end > 0) yield resolve(text.slice(0, end));
  }
  if (carried) yield resolve(carried);
}

function lineBreaks(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count++;
  return count;
}
