// What `migrate up` prints after a failure: the migrations it never attempted read `skipped`, as
// the JSON says, never `failed`; whether they were in the failed one's round trip or after it.
import { describe, expect } from 'vitest';
import { BACKINGS, type BackingName } from '../helpers/databases.js';
import { type MigrationProject, withMigrationProject } from '../migrate/helpers.js';

describe.each(BACKINGS)('migrate up after a failure on %s', (backing: BackingName) => {
  let p: MigrationProject;
  const it = withMigrationProject(backing, (made) => {
    p = made;
  });

  it('prints skipped for each migration it never attempted, and failed only for the one that failed', async () => {
    p.migration('20260101000000', 'good', 'create table good (id int);');
    p.migration('20260102000000', 'bad', 'insert into nowhere values (1);');
    // Same round trip as the failed one.
    p.migration('20260103000000', 'after', 'create table after_bad (id int);');
    // A round trip of its own, never sent.
    p.migration(
      '20260104000000',
      'alone',
      '-- launchdb:no-transaction\ncreate index concurrently good_id on good (id);',
    );
    const result = await p.cli(['migrate', 'up', '--env', p.env]);
    expect(result.code, result.stderr).toBe(1);
    const lines = result.stdout.split('\n');
    const marked = (mark: string) =>
      lines.filter((line) => line.startsWith(mark)).map((line) => line.replace(/ \(\d+ ms\)$/, ''));
    expect(marked('applied')).toEqual(['applied db/migrations/20260101000000_good.sql']);
    expect(marked('failed')).toEqual(['failed  db/migrations/20260102000000_bad.sql']);
    expect(marked('skipped')).toEqual([
      'skipped db/migrations/20260103000000_after.sql',
      'skipped db/migrations/20260104000000_alone.sql',
    ]);
    expect(result.stdout).toContain('1 applied, 1 failed, 2 not attempted');
  });
});
