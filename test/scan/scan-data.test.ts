// `scan data` and `seed.demo-data` on both backings: patterns planted and clean, severities, the
// allow-list, redacted samples, sampling, exclusions, the check, and exit codes.
import { beforeAll, describe, expect } from 'vitest';
import { CHUNK_PAGES } from '../../src/stores/postgres/scan/sample-tables.js';
import type { Finding } from '../../src/stores/postgres/scan/scan-data.js';
import { adminQuery, BACKINGS, serverUrlFor, uniqueName } from '../helpers/databases.js';
import { FOUND, NOT_FOUND } from './fixtures.js';
import { type EnvName, type ScanProject, type SessionSteps, withScanProject } from './helpers.js';

const SCHEMA = `
create domain email_address as text;
create table members (id int primary key, email email_address, name varchar(100), code char(40), age int);
create table posts (id int primary key, title text, body text, meta jsonb);
create table settings (key text primary key, config json);
create table counters (id int primary key, n bigint);`;

const CLEAN = `
insert into members values
  (1, 'maria.garcia@gmail.com', 'Maria Garcia', 'MG-001', 34),
  (2, 'tbd@company.com', 'Tobias Brandt', 'TB-002', 41);
insert into posts values
  (1, 'Spring collection', 'Our new linen shirts are in.', '{"tags": ["linen", "spring"], "author": {"name": "Maria Garcia"}}'),
  (2, 'Shipping update', 'Orders ship within two days.', null);
insert into settings values ('theme', '{"color": "teal", "font": "Inter"}');
insert into counters values (1, 42);`;

const PLANTED_KEY = 'sk_test_4eC39HqLyjWDarjtT1zdp7dc';

describe.each(BACKINGS)('scan data on %s Postgres', (backing) => {
  let p: ScanProject;
  const test = withScanProject(backing, (made) => {
    p = made;
  });
  beforeAll(async () => {
    if (!p) return;
    for (const env of ['development', 'production'] as const) await p.query(env, `${SCHEMA}${CLEAN}`);
  });

  /** Inserts the values into posts (id ≥ 100), runs `fn`, and deletes them again. */
  const planted = async <T>(env: EnvName, values: string[], fn: () => Promise<T>): Promise<T> => {
    await p.query(env, plant(values));
    try {
      return await fn();
    } finally {
      await p.query(env, UNPLANT);
    }
  };
  /** The same on an open session, for tests that need no CLI. */
  const plantedIn = async <T>(s: SessionSteps, values: string[], fn: () => Promise<T>): Promise<T> => {
    await s.query(plant(values));
    try {
      return await fn();
    } finally {
      await s.query(UNPLANT);
    }
  };
  const json = async (args: string[]) => {
    const result = await p.cli(['scan', 'data', '--json', ...args]);
    if (!result.stdout.startsWith('{')) throw new Error(`scan data exited ${result.code}: ${result.stderr}`);
    const document = JSON.parse(result.stdout) as { findings: Finding[] } & Record<string, unknown>;
    return { code: result.code, stdout: result.stdout, document };
  };

  test('finds nothing on a clean database, near misses included, and the check passes', async () => {
    await p.session('production', (s) =>
      plantedIn(s, NOT_FOUND, async () => {
        const result = await s.scan();
        expect(result.findings).toEqual([]);
        expect(result.verdict).toBe('pass');
        expect(result.tables.map((table) => table.table).sort()).toEqual(['members', 'posts', 'settings']);
        const check = await s.check();
        expect(check.status).toBe('pass');
        expect(check.summary).toMatch(/^no demo data found in 3 table\(s\), \d+ row\(s\) examined$/);
      }),
    );
  });

  test('finds every built-in pattern when planted: in text, varchar, char, a domain, json and jsonb', async () => {
    await p.session('production', async (s) => {
      await plantedIn(
        s,
        Object.values(FOUND).map((values) => values[0]!),
        async () => {
          const { findings } = await s.scan();
          expect(new Set(findings.map((finding) => finding.pattern))).toEqual(new Set(Object.keys(FOUND)));
          expect(findings.every((finding) => finding.table === 'posts' && finding.column === 'body')).toBe(
            true,
          );
        },
      );
      // Every column type the scan reads, each holding a planted value.
      await s.query(
        `insert into members (id, email, name, code) values (100, 'dev@shop.test', 'John Doe', 'asdf');
         insert into posts (id, meta) values (100, '{"draft": {"lines": ["ok", "Lorem ipsum dolor sit amet"]}}');
         insert into settings values ('stripe', '{"key": "${PLANTED_KEY}"}');`,
      );
      try {
        const { findings } = await s.scan();
        expect(
          findings.map((finding) => `${finding.table}.${finding.column} ${finding.pattern}`).sort(),
        ).toEqual([
          'members.code demo-user.placeholder-name',
          'members.email demo-user.reserved-domain',
          'members.name demo-user.placeholder-name',
          'posts.meta placeholder.lorem-ipsum',
          'settings.config test-secret.stripe-test-key',
        ]);
      } finally {
        await s.query(
          `delete from members where id = 100; delete from posts where id = 100; delete from settings where key = 'stripe';`,
        );
      }
    });
  });

  test('counts matching values and keeps three distinct samples', async () => {
    const values = ['TODO', 'TODO', 'TODO: a', 'TODO: b', 'TODO: c', 'TODO: d'];
    await p.session('production', (s) =>
      plantedIn(s, values, async () => {
        const [finding] = (await s.scan()).findings;
        expect(finding).toMatchObject({
          table: 'posts',
          column: 'body',
          pattern: 'placeholder.todo',
          count: 6,
        });
        expect(finding!.samples).toHaveLength(3);
        expect(new Set(finding!.samples).size).toBe(3);
      }),
    );
  });

  test('in production, test secrets and reserved-domain users fail and other patterns warn; scan data exits 1', async () => {
    await planted('production', [PLANTED_KEY, 'Lorem ipsum dolor sit amet', 'dev@shop.test'], async () => {
      const { code, document } = await json(['--env', 'production']);
      expect(code).toBe(1);
      const severity = Object.fromEntries(
        document.findings.map((finding) => [finding.pattern, finding.severity]),
      );
      expect(severity).toEqual({
        'test-secret.stripe-test-key': 'fail',
        'placeholder.lorem-ipsum': 'warn',
        'demo-user.reserved-domain': 'fail',
      });
      expect(document.verdict).toBe('fail');
      expect((await p.session('production', (s) => s.check())).status).toBe('fail');
    });
  });

  test('in production, an address at a reserved domain fails; quoted in prose, or a softer placeholder, it warns', async () => {
    await p.session('production', async (s) => {
      const severities = async (values: string[]) =>
        plantedIn(s, values, async () => {
          const result = await s.scan();
          return {
            verdict: result.verdict,
            found: Object.fromEntries(result.findings.map((finding) => [finding.pattern, finding.severity])),
          };
        });
      // RFC 2606/6761 names can never be a real user's address.
      for (const address of [
        'john.doe@example.com',
        'Carol <carol@EXAMPLE.NET>',
        'a@b.example.org',
        'dev@shop.test',
        'x@nowhere.invalid',
        'ops@app.localhost',
        'eve@corp.example',
      ]) {
        const { verdict, found } = await severities([address]);
        expect(found['demo-user.reserved-domain'], address).toBe('fail');
        expect(verdict, address).toBe('fail');
      }
      // Help text quoting an example address is content; throwaway inboxes and made-up names stay warnings.
      expect(
        await severities([
          'Enter your email, like you@example.com, and we send a link.',
          'signup@mailinator.com',
          'Test User',
        ]),
      ).toEqual({
        verdict: 'warn',
        found: {
          'demo-user.reserved-domain': 'warn',
          'demo-user.throwaway-domain': 'warn',
          'demo-user.placeholder-name': 'warn',
        },
      });
      const check = await plantedIn(s, ['maria@example.com'], () => s.check());
      expect(check.status).toBe('fail');
    });
    // Elsewhere demo users are allowed: a warning.
    await planted('development', ['john.doe@example.com'], async () => {
      const { document } = await json(['--env', 'development']);
      expect(document.findings.map((finding) => finding.severity)).toEqual(['warn', 'warn']);
    });
  });

  test('in production, warnings alone exit 0, and 1 with --strict; the check warns', async () => {
    await planted('production', ['Untitled'], async () => {
      expect((await p.cli(['scan', 'data', '--env', 'production'])).code).toBe(0);
      expect((await p.cli(['scan', 'data', '--env', 'production', '--strict'])).code).toBe(1);
      const check = await p.session('production', (s) => s.check());
      expect(check.status).toBe('warn');
      expect(check.summary).toContain('posts.body: placeholder.untitled (1)');
    });
  });

  test('in development everything is a warning and the check skips: demo data is allowed there', async () => {
    await planted('development', [PLANTED_KEY, 'Lorem ipsum'], async () => {
      const { code, document } = await json(['--env', 'development']);
      expect(code).toBe(0);
      expect(document.findings.map((finding) => finding.severity)).toEqual(['warn', 'warn']);
      expect((await p.cli(['scan', 'data', '--env', 'development', '--strict'])).code).toBe(1);
      const check = await p.session('development', (s) => s.check());
      expect(check).toMatchObject({
        status: 'skip',
        summary: expect.stringContaining('demo data is allowed in development'),
      });
    });
  });

  test('never shows a test key whole: the table and --json show its prefix and last four', async () => {
    await planted('production', [`stripe key: ${PLANTED_KEY}`], async () => {
      const human = await p.cli(['scan', 'data', '--env', 'production']);
      const { stdout } = await json(['--env', 'production']);
      for (const output of [human.stdout, human.stderr, stdout]) expect(output).not.toContain(PLANTED_KEY);
      expect(human.stdout).toContain('stripe key: sk_test_…p7dc');
      expect(stdout).toContain('stripe key: sk_test_…p7dc');
      const check = await p.session('production', (s) => s.check());
      expect(JSON.stringify(check)).not.toContain(PLANTED_KEY);
    });
  });

  test('allows values, patterns, and values only in one column, as the config says', async () => {
    p.configure(`{
      allow: [
        'support@example.com',
        { pattern: '^noreply@' },
        { value: 'Sample', column: 'posts.title' },
      ],
    }`);
    try {
      await p.session('production', (s) =>
        plantedIn(
          s,
          ['SUPPORT@example.com', 'noreply@example.com', 'Sample', 'sales@example.com'],
          async () => {
            await s.query(`update posts set title = 'Sample' where id = 100`);
            const { findings } = await s.scan();
            expect(findings.map((finding) => [finding.column, finding.pattern, finding.samples])).toEqual([
              ['body', 'demo-user.reserved-domain', ['sales@example.com']],
              ['body', 'placeholder.sample', ['Sample']],
            ]);
          },
        ),
      );
    } finally {
      p.configure();
    }
  });

  test('adds config patterns and leaves out disabled ones and excluded tables', async () => {
    p.configure(`{
      patterns: [{ id: 'custom.staging-host', regex: 'staging\\\\.acme\\\\.dev', kind: 'test-secret' }],
      disable: ['placeholder.untitled'],
      exclude: ['settings', 'nosuch'],
    }`);
    try {
      await p.session('production', async (s) => {
        await s.query(`insert into settings values ('x', '{"todo": "TODO"}')`);
        try {
          await plantedIn(s, ['Untitled', 'https://STAGING.acme.dev/api'], async () => {
            const result = await s.scan();
            expect(result.findings.map((finding) => [finding.pattern, finding.severity])).toEqual([
              ['custom.staging-host', 'fail'],
            ]);
            expect(result.skipped).toEqual([{ table: 'settings', reason: 'excluded by scan.exclude' }]);
            expect(result.notes).toContain(
              'scan.exclude names "nosuch", which is not a table with text columns',
            );
          });
        } finally {
          await s.query(`delete from settings where key = 'x'`);
        }
      });
    } finally {
      p.configure();
    }
  });

  test('samples a table larger than the cap with TABLESAMPLE and says so; --full reads every row', async () => {
    const sampled = await p.session('development', async (s) => {
      await s.query(
        `create table events (id int primary key, label text);
         insert into events select g, 'event ' || g || ' ' || md5(g::text) || md5(g::text) from generate_series(1, 20000) g;
         analyze events;
         create table unanalysed (id int, label text);
         insert into unanalysed select g, 'row ' || g from generate_series(1, 5000) g;`,
      );
      // More pages than one query of a full scan reads: --full below reads it in page ranges.
      const [size] = await s.query<{ pages: number }>(
        `select (pg_relation_size('events') / current_setting('block_size')::int)::int as pages`,
      );
      expect(size!.pages).toBeGreaterThan(CHUNK_PAGES);
      return s.scan({ rowsPerTable: 200 });
    });
    try {
      const events = sampled.tables.find((table) => table.table === 'events')!;
      expect(events).toMatchObject({ method: 'tablesample', sampled: true, estimatedRows: 20000 });
      expect(events.examinedRows).toBeGreaterThan(0);
      expect(events.examinedRows).toBeLessThanOrEqual(200);
      // Never analysed: the planner's guess from its size still makes it sampled.
      const unanalysed = sampled.tables.find((table) => table.table === 'unanalysed')!;
      expect(unanalysed.sampled).toBe(true);
      expect(unanalysed.examinedRows).toBeLessThanOrEqual(200);
      expect(sampled.tables.find((table) => table.table === 'members')).toMatchObject({
        method: 'full',
        sampled: false,
        examinedRows: 2,
      });

      const human = await p.cli(['scan', 'data', '--env', 'development', '--rows-per-table', '200']);
      expect(human.stdout).toMatch(
        /scanned 5 table\(s\): [\d,]+ of ~[\d,]+ rows examined \(2 sampled, at most 200 rows each\)/,
      );

      const full = await json(['--env', 'development', '--full']);
      const tables = full.document.tables as { table: string; examinedRows: number; sampled: boolean }[];
      expect(tables.find((table) => table.table === 'events')).toMatchObject({
        examinedRows: 20000,
        sampled: false,
      });
      expect(tables.find((table) => table.table === 'unanalysed')).toMatchObject({
        examinedRows: 5000,
        sampled: false,
      });
    } finally {
      await p.query('development', 'drop table events; drop table unanalysed;');
    }
  });

  test('exits 2 on bad input: a cap of 0, a non-number, a disable id that names no pattern', async () => {
    const zero = await p.cli(['scan', 'data', '--env', 'production', '--rows-per-table', '0']);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('--rows-per-table expects a whole number from 1 to 2147483647, got 0');
    expect((await p.cli(['scan', 'data', '--env', 'production', '--rows-per-table', 'lots'])).code).toBe(2);
    p.configure(`{ disable: ['placeholder.smaple'] }`);
    try {
      const typo = await p.cli(['scan', 'data', '--env', 'production']);
      expect(typo.code).toBe(2);
      expect(typo.stderr).toContain(
        'scan.disable names "placeholder.smaple", which is not a built-in pattern',
      );
      expect(typo.stderr).toContain('did you mean placeholder.sample?');
      expect((await p.session('production', (s) => s.check())).status).toBe('error');
    } finally {
      p.configure();
    }
  });

  if (backing === 'server') {
    test('reads as the URL it is given: what that role may not read is listed as not scanned, never a pass', async () => {
      const role = uniqueName('ldb_scan_app');
      const [database] = (await p.query<{ db: string }>('production', 'select current_database() as db')).map(
        (row) => row.db,
      );
      await adminQuery(`create role ${role} login`);
      await p.query(
        'production',
        `grant usage on schema public to ${role}; grant select on posts, settings to ${role};
         grant select (id, name) on members to ${role};`,
      );
      const url = serverUrlFor(database!, role);
      p.project.write(
        'launchdb.config.ts',
        `export default { project: '${p.project.name}', environments: { production: { postgres: { url: '${url}' } } } };\n`,
      );
      try {
        await planted('production', ['Lorem ipsum'], async () => {
          await p.query(
            'production',
            `insert into members (id, email, name) values (100, 'x@example.com', 'Test User')`,
          );
          const { code, document } = await json(['--env', 'production']);
          expect(code).toBe(0);
          // members.email and members.code are not readable by the role, members.name is.
          expect(document.findings.map((finding) => `${finding.table}.${finding.column}`).sort()).toEqual([
            'members.name',
            'posts.body',
          ]);
          expect(document.unread).toEqual([
            {
              table: 'members',
              error: `${role} may not read columns email, code (no SELECT privilege)`,
              grant: `grant select (email, code) on public.members to ${role};`,
            },
          ]);
          await p.query('production', `revoke select on posts from ${role}`);
          const after = await json(['--env', 'production']);
          expect(after.document.unread).toEqual([
            {
              table: 'members',
              error: `${role} may not read columns email, code (no SELECT privilege)`,
              grant: `grant select (email, code) on public.members to ${role};`,
            },
            {
              table: 'posts',
              error: `${role} may not read it (no SELECT privilege)`,
              grant: `grant select on public.posts to ${role};`,
            },
          ]);
          expect(after.document.skipped).toEqual([]);
          expect(after.document.verdict).toBe('warn');
          await p.query('production', 'delete from members where id = 100');
          const check = await p.session('production', (s) => s.check());
          expect(check.status).toBe('warn');
          expect(check.summary).toContain('2 table(s) not fully scanned: members, posts');
        });
      } finally {
        await p.query('production', `delete from members where id = 100; drop owned by ${role};`);
        await adminQuery(`drop role ${role}`);
        p.configure();
      }
    });
  }
});

const plant = (values: string[]) =>
  `insert into posts (id, body) values ${values.map((value, i) => `(${100 + i}, ${literal(value)})`).join(', ')}`;
const UNPLANT = 'delete from posts where id >= 100';

function literal(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
