// The expected schema's cache key: equal for equal inputs, different when anything the shadow's
// snapshot depends on differs (server build, extensions, launchdb, format, roles, migrations).
import { describe, expect, it } from 'vitest';
import { embeddedBuild } from '../../src/stores/postgres/embedded-extensions.js';
import {
  type ExpectedSchemaKeyParts,
  expectedSchemaBase,
  expectedSchemaKey,
} from '../../src/stores/postgres/schema/expected-schema-key.js';
import { SNAPSHOT_FORMAT } from '../../src/stores/postgres/schema/snapshot.js';
import { VERSION } from '../../src/version.js';

const PARTS: ExpectedSchemaKeyParts = {
  shadow: {
    backing: 'server',
    build: 'PostgreSQL 16.4 (Debian 16.4-1.pgdg120+2) on x86_64-pc-linux-gnu',
    extensions: ['citext 1.6', 'pgcrypto 1.3', 'plpgsql 1.0'],
    user: 'postgres',
  },
  migrations: ['a'.repeat(64), 'b'.repeat(64)],
  placeholders: { app_role: 'shop_production_app', owner_role: 'postgres', readonly_role: undefined },
  roles: { postgres: 'owner', shop_production_app: 'app' },
  snapshotFormat: SNAPSHOT_FORMAT,
  launchdb: VERSION,
};

function keyWith(change: (parts: ExpectedSchemaKeyParts) => void): string {
  const parts = structuredClone(PARTS);
  change(parts);
  return expectedSchemaKey(parts);
}

describe('expectedSchemaKey', () => {
  it('is the same for the same inputs, whatever order the extensions and roles were read in', () => {
    const key = expectedSchemaKey(PARTS);
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(keyWith(() => {})).toBe(key);
    expect(
      keyWith((parts) => {
        parts.shadow.extensions.reverse();
        parts.roles = { shop_production_app: 'app', postgres: 'owner' };
      }),
    ).toBe(key);
  });

  it('differs for another server build, extension set or extension version', () => {
    const key = expectedSchemaKey(PARTS);
    const others = [
      keyWith((parts) => {
        parts.shadow.build = 'PostgreSQL 16.5 (Debian 16.5-1.pgdg120+1) on x86_64-pc-linux-gnu';
      }),
      keyWith((parts) => {
        parts.shadow.extensions.push('vector 0.8.0');
      }),
      keyWith((parts) => {
        parts.shadow.extensions[1] = 'pgcrypto 1.4';
      }),
      keyWith((parts) => {
        parts.shadow.backing = 'embedded';
      }),
      keyWith((parts) => {
        parts.shadow.user = 'admin';
      }),
    ];
    expect(new Set([key, ...others]).size).toBe(others.length + 1);
  });

  it('differs for another launchdb version or snapshot format', () => {
    const key = expectedSchemaKey(PARTS);
    expect(
      keyWith((parts) => {
        parts.launchdb = '0.1.1';
      }),
    ).not.toBe(key);
    expect(
      keyWith((parts) => {
        parts.snapshotFormat = SNAPSHOT_FORMAT + 1;
      }),
    ).not.toBe(key);
  });

  it('differs for other role names, resolved placeholders, or migrations (checksums and their order)', () => {
    const key = expectedSchemaKey(PARTS);
    const others = [
      keyWith((parts) => {
        parts.placeholders = { ...parts.placeholders, app_role: 'shop_staging_app' };
      }),
      keyWith((parts) => {
        parts.roles = { ...parts.roles, shop_production_readonly: 'readonly' };
      }),
      keyWith((parts) => {
        parts.migrations = [...parts.migrations].reverse();
      }),
      keyWith((parts) => {
        parts.migrations = [parts.migrations[0]!, 'c'.repeat(64)];
      }),
      keyWith((parts) => {
        parts.migrations = [parts.migrations[0]!];
      }),
    ];
    expect(new Set([key, ...others]).size).toBe(others.length + 1);
  });

  it('has a base without the migrations: the same for a longer history, not for another server', () => {
    const { migrations: _, ...rest } = PARTS;
    expect(expectedSchemaBase(rest)).toBe(expectedSchemaBase({ ...rest }));
    expect(
      expectedSchemaBase({ ...rest, shadow: { ...rest.shadow, build: `${rest.shadow.build} (patched)` } }),
    ).not.toBe(expectedSchemaBase(rest));
  });

  it("names PGlite's version and every extension it ships for an embedded shadow", () => {
    const build = embeddedBuild();
    expect(build.packages[0]).toMatch(/^@electric-sql\/pglite \d+\.\d+\.\d+/);
    expect(build.packages.some((name) => name.startsWith('@electric-sql/pglite-pgvector '))).toBe(true);
    expect(build.extensions).toContain('vector.tar.gz');
    expect(build.extensions).toContain('pgcrypto.tar.gz');
  });
});
