// The strongest signal: values of the project's own demo seeds, found after a database that had them
// applied is attached as production. Both backings.
import { beforeAll, describe, expect } from 'vitest';
import { DEMO_SEED_PATTERN, type Finding } from '../../src/stores/postgres/scan/scan-data.js';
import { BACKINGS } from '../helpers/databases.js';
import { type ScanProject, withScanProject } from './helpers.js';

const SCHEMA = `
create table customers (id int generated always as identity primary key, email text not null, name text,
  bio text, plan text, prefs jsonb);
create table products (sku text primary key, name text not null, description text);
create table tags (label text primary key, description text);`;

/** The demo seeds, written in each format the seed command reads. */
const DEMO_CUSTOMERS_SQL = `insert into customers (email, name, bio, plan, prefs) values
  ('olivia@brightside-bakery.io', 'Olivia Brightside', 'Runs the bakery on Elm Street since 2009', 'Bakery Starter Plan',
   '{"greeting": "Welcome back to Brightside!"}'::jsonb),
  ('noah@brightside-bakery.io', 'Noah Brightside', null, 'Bakery Starter Plan', null);
`;
const DEMO_PRODUCTS = [
  {
    sku: 'BSB-CROISSANT-12',
    name: 'Croissant Dozen Box',
    description: 'Twelve butter croissants, baked at dawn',
  },
  { sku: 'BSB-RYE-1', name: 'Rye', description: 'Sourdough rye loaf' },
];
const DEMO_TAGS_CSV = 'label,description\nSeasonal,"Autumn specials, while they last"\n';
const REFERENCE_PLANS = [{ name: 'Bakery Starter Plan' }];

/** The same rows, as SQL: what running the demo seeds left in the development database. */
const DEMO_ROWS = `${DEMO_CUSTOMERS_SQL}
insert into products values ${DEMO_PRODUCTS.map((row) => `('${row.sku}', '${row.name}', '${row.description}')`).join(', ')};
insert into tags values ('Seasonal', 'Autumn specials, while they last');`;

/** Real customers that came later, in production only. */
const REAL_ROWS = `insert into customers (email, name, bio, plan) values
  ('priya.raman@outlook.com', 'Priya Raman', 'Orders every Friday', 'Bakery Starter Plan');`;

describe.each(BACKINGS)('demo-seed fingerprints on %s Postgres', (backing) => {
  let p: ScanProject;
  const test = withScanProject(backing, (made) => {
    p = made;
  });
  beforeAll(async () => {
    if (!p) return;
    p.seed('demo', '010_customers.sql', DEMO_CUSTOMERS_SQL);
    p.seed('demo', 'products.json', JSON.stringify(DEMO_PRODUCTS, null, 2));
    p.seed('demo', 'tags.csv', DEMO_TAGS_CSV);
    p.seed('reference', 'plans.json', JSON.stringify(REFERENCE_PLANS));
    await p.query('development', `${SCHEMA}${DEMO_ROWS}`);
    await p.query('production', SCHEMA);
  });

  const fingerprintFindings = (findings: Finding[]) =>
    findings
      .filter((finding) => finding.pattern === DEMO_SEED_PATTERN)
      .map((finding) => `${finding.table}.${finding.column} ${finding.count} ${finding.seedFile}`)
      .sort();

  test('reports demo-seed values in development as warnings, and the check skips there', async () => {
    await p.session('development', async (s) => {
      const result = await s.scan();
      expect(result.fingerprints).toBeGreaterThan(0);
      const findings = result.findings.filter((finding) => finding.pattern === DEMO_SEED_PATTERN);
      expect(findings.length).toBeGreaterThan(0);
      expect(findings.every((finding) => finding.severity === 'warn')).toBe(true);
      expect((await s.check()).status).toBe('skip');
    });
  });

  test('a clean production passes before the demo data reaches it', async () => {
    await p.session('production', async (s) => {
      await s.query(REAL_ROWS);
      expect((await s.scan()).findings).toEqual([]);
      expect((await s.check()).status).toBe('pass');
      await s.query('truncate customers');
    });
  });

  test('finds the demo seeds in a database attached as production: each file, each column, as failures', async () => {
    await p.copyDevelopmentToProduction();
    await p.query('production', REAL_ROWS);

    const { code, stdout } = await p.cli(['scan', 'data', '--env', 'production', '--json']);
    expect(code).toBe(1);
    const document = JSON.parse(stdout) as { findings: Finding[]; productionLike: boolean };
    expect(document.productionLike).toBe(true);
    expect(fingerprintFindings(document.findings)).toEqual([
      'customers.bio 1 db/seeds/demo/010_customers.sql',
      'customers.email 2 db/seeds/demo/010_customers.sql',
      'customers.name 2 db/seeds/demo/010_customers.sql',
      'customers.prefs 1 db/seeds/demo/010_customers.sql',
      'products.description 2 db/seeds/demo/products.json',
      'products.name 1 db/seeds/demo/products.json',
      'products.sku 2 db/seeds/demo/products.json',
      'tags.description 1 db/seeds/demo/tags.csv',
    ]);
    // Reference data (the plan) and single common words ("Rye", "Seasonal") are not fingerprints;
    // the real customer is not flagged at all.
    for (const finding of document.findings) {
      expect(finding.severity).toBe('fail');
      expect(finding.samples.join()).not.toMatch(/Bakery Starter Plan|Priya|^Rye$|^Seasonal$/);
    }

    const human = await p.cli(['scan', 'data', '--env', 'production']);
    expect(human.code).toBe(1);
    expect(human.stdout).toContain('olivia@brightside-bakery.io  (db/seeds/demo/010_customers.sql)');
    expect(human.stdout).toMatch(/\d+ finding\(s\) fail in production \(production-like\)/);

    const check = await p.session('production', (s) => s.check());
    expect(check.status).toBe('fail');
    expect(check.summary).toContain(`customers.email: ${DEMO_SEED_PATTERN} (2)`);
  });
});
