// Seed files launchdb refuses to read: bytes that are not UTF-8, a NUL byte, a symbolic link out of
// the project. `seed` refuses them before anything is applied, with the file and byte offset (exit 2),
// and never shows what a link points at.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { type SeedProject, withSeedProject } from './helpers.js';

const SECRET = 'TOPSECRET-4f2a api_key=live_123\n';
const latin1 = (before: string, after: string) =>
  Buffer.concat([Buffer.from(before), Buffer.from([0xe9]), Buffer.from(after)]);

describe('seed on bad files, embedded', () => {
  let p: SeedProject;
  let outside: string;
  const it = withSeedProject('embedded', (made) => {
    p = made;
  });
  beforeAll(() => {
    outside = mkdtempSync(join(tmpdir(), 'launchdb-outside-'));
    writeFileSync(join(outside, 'secret.json'), SECRET);
  });
  afterAll(() => rmSync(outside, { recursive: true, force: true }));
  const seed = async () => p.cli(['seed', '--env', 'development']);
  const created = async () =>
    (await p.query<{ t: string | null }>('development', `select to_regclass('seeded_first')::text as t`))[0]!
      .t;

  for (const [name, before, after] of [
    ['020_plans.sql', "insert into plans values ('caf", "') on conflict do nothing;\n"],
    ['plans.json', '[{ "slug": "caf', '" }]\n'],
    ['plans.csv', 'slug\ncaf', '\n'],
  ] as const) {
    it(`refuses ${name} when it is not UTF-8, before applying anything`, async () => {
      p.clearSeeds();
      p.seed('reference', '001_first.sql', 'create table seeded_first (id int);\n');
      mkdirSync(join(p.project.dir, 'db/seeds/reference'), { recursive: true });
      writeFileSync(join(p.project.dir, 'db/seeds/reference', name), latin1(before, after));
      const result = await seed();
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        `db/seeds/reference/${name}: not UTF-8 at byte offset ${Buffer.byteLength(before)} (line ${before.split('\n').length})`,
      );
      expect(await created()).toBeNull();
    });
  }

  it('refuses a NUL byte', async () => {
    p.clearSeeds();
    p.seed('reference', 'plans.csv', 'slug\nfree\u0000\n');
    const result = await seed();
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('db/seeds/reference/plans.csv: a NUL byte at byte offset 9 (line 2)');
  });

  it('refuses a seed linked out of the project without echoing a word of it', async () => {
    p.clearSeeds();
    mkdirSync(join(p.project.dir, 'db/seeds/reference'), { recursive: true });
    symlinkSync(join(outside, 'secret.json'), join(p.project.dir, 'db/seeds/reference/plans.json'));
    const result = await seed();
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('db/seeds/reference/plans.json: leads outside the project');
    expect(`${result.stdout}${result.stderr}`).not.toContain('TOPSECRET');
  });

  it('refuses a seeds folder linked out of the project', async () => {
    p.clearSeeds();
    mkdirSync(join(p.project.dir, 'db/seeds'), { recursive: true });
    symlinkSync(outside, join(p.project.dir, 'db/seeds/reference'));
    const result = await seed();
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('db/seeds/reference: leads outside the project');
    expect(`${result.stdout}${result.stderr}`).not.toContain('TOPSECRET');
  });
});
