// The cache key of an expected schema: everything the shadow's snapshot of the replayed migrations
// depends on, so that an equal key means an equal snapshot, whoever computed it and wherever.
import { createHash } from 'node:crypto';
import { canonicalJson } from './snapshot.js';

/** Where the migrations replay, as far as it changes what they make. */
export interface ShadowIdentity {
  backing: 'server' | 'embedded';
  /**
   * What builds the shadow: the server's full `version()` (its build, not only its major), or the
   * embedded Postgres package and its version.
   */
  build: string;
  /** Every extension the shadow could create, `name version`, sorted: a migration's `create extension` takes these. */
  extensions: string[];
  /** The role the replay runs as, which owns what it creates. */
  user: string;
}

export interface ExpectedSchemaKeyParts {
  shadow: ShadowIdentity;
  /** The applied migrations' checksums (of the files as written), in the order they were applied. */
  migrations: readonly string[];
  /** Each role placeholder as the replay resolves it: `app_role → shop_production_app`. */
  placeholders: Readonly<Record<string, string | undefined>>;
  /** How the shadow's snapshot names roles (`{ postgres: 'owner', shop_production_app: 'app' }`). */
  roles: Readonly<Record<string, string>>;
  /** The snapshot format (`SNAPSHOT_FORMAT`): a new one records other things. */
  snapshotFormat: number;
  /** launchdb's version: another one may replay or read the catalogs otherwise. */
  launchdb: string;
}

/** The key without the migrations: a kept shadow built under another base is never extended. */
export function expectedSchemaBase(parts: Omit<ExpectedSchemaKeyParts, 'migrations'>): string {
  return hash({
    shadow: { ...parts.shadow, extensions: [...parts.shadow.extensions].sort() },
    placeholders: parts.placeholders,
    roles: parts.roles,
    snapshotFormat: parts.snapshotFormat,
    launchdb: parts.launchdb,
  });
}

/** SHA-256 (hex) of every part as canonical JSON, the migrations in their order. */
export function expectedSchemaKey(parts: ExpectedSchemaKeyParts): string {
  return hash({ base: expectedSchemaBase(parts), migrations: parts.migrations });
}

function hash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}
