// The Migrations and Data tabs over real HTTP: the example shop with development embedded and
// production provisioned on the shared server, each migrated, seeded, given an admin and checked.
// Each page must show what the CLI's status commands read, the recorded drift and demo-data results,
// and say in one line why it cannot read an environment; then both tabs in Chromium under the CSP.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchChromium } from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { type ProvisionedShop, provisionShop } from '../helpers/provisioned-shop.js';
import { screenshot, watchedPage } from './browser-session.js';
import {
  type ConsoleClient,
  type ServedConsole,
  signedInClient,
  startTestConsole,
} from './console-helpers.js';
import { plain } from './page-text.js';

const OWNER = 'Ada Lovelace <ada@shop.dev>';
const PENDING = 'db/migrations/20260105000000_orders_created_index.sql';

/** A check's recorded summary, as `check --json` reported it. */
type Summaries = Map<string, string>;

describe('the Migrations and Data tabs', () => {
  let shop: ProvisionedShop;
  let served: ServedConsole;
  let client: ConsoleClient;
  let browser: Browser | undefined;
  const recorded = new Map<string, Summaries>();
  const cli = async (args: string[]) => {
    const result = await runCli(args, { cwd: shop.dir });
    expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
    return result;
  };

  beforeAll(async () => {
    shop = await provisionShop(['production']);
    await cli(['attach', 'postgres', '--env', 'development']);
    await cli(['migrate', 'up', '--env', 'development']);
    await cli(['seed', '--env', 'development']);
    for (const env of ['development', 'production']) {
      const admin = ['--email', 'ops@shop.dev', '--name', 'Ops', '--owner', OWNER];
      await cli(['admin', 'create', '--env', env, '--confirm', env, ...admin]);
    }
    await cli(['seed', '--env', 'production', '--confirm', 'production']);
    // An admin nobody recorded, made behind launchdb's back.
    await shop.query(
      'production',
      `insert into accounts (email, name, role) values ('ghost@shop.dev', 'Ghost', 'admin')`,
    );
    // A reference seed edited after it was applied, and a migration not applied yet that the lint flags.
    const plans = join(shop.dir, 'db/seeds/reference/plans.json');
    writeFileSync(plans, readFileSync(plans, 'utf8').replace('"Pro"', '"Professional"'));
    writeFileSync(join(shop.dir, PENDING), 'create index orders_created_idx on orders (created_at);\n');
    for (const env of ['development', 'production']) {
      // `check` exits 1 here (a pending migration): what matters is the run it records.
      const report = await runCli(['check', '--env', env, '--json'], { cwd: shop.dir });
      const checks = (JSON.parse(report.stdout) as { checks: { id: string; summary: string }[] }).checks;
      recorded.set(env, new Map(checks.map((check) => [check.id, check.summary])));
    }
    served = await startTestConsole(shop.dir);
    client = await signedInClient(served.url);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await served?.close();
    await shop?.remove();
  });

  async function page(path: string, status = 200): Promise<string> {
    const response = await client.get(path);
    const html = await response.text();
    expect(response.status, html).toBe(status);
    return plain(html);
  }

  it('shows every migration of an embedded environment with its state, and what to run next in words', async () => {
    const text = await page('/env/development/migrations');
    expect(text).toContain('5 applied, 1 pending: run launchdb migrate up --env development');
    expect(text).toMatch(
      /applied 20260101000000 db\/migrations\/20260101000000_create_accounts\.sql \d{4}-\d\d-\d\d \d\d:\d\d:\d\d by /,
    );
    expect(text).toContain(`pending 20260105000000 ${PENDING}`);
  });

  it("lints the pending files with migrate lint's rules", async () => {
    const text = await page('/env/development/migrations');
    expect(text).toContain(`${PENDING}:1:1 create-index-not-concurrently`);
    expect(text).toContain('The pending files, linted in order');
  });

  it('shows the last recorded drift check, labelled expensive, with the commands that run it again', async () => {
    const text = await page('/env/development/migrations');
    const drift = recorded.get('development')!.get('schema.drift')!;
    expect(text).toContain(drift);
    expect(text).toMatch(/recorded \d+ (s|min) ago by /);
    expect(text).toContain('Expensive: it replays every migration into a shadow database');
    expect(text).toContain('launchdb migrate drift --env development shows it now');
    expect(text).toContain('launchdb check --env development --only schema records a new result here');
  });

  it("reads a server environment's history as its read-only role: applied by the owner role", async () => {
    const text = await page('/env/production/migrations');
    expect(text).toContain('5 applied, 1 pending: run launchdb migrate up --env production');
    expect(text).toContain(`by ${shop.database('production')}_owner`);
    expect(text).toContain(`${PENDING}:1:1 create-index-not-concurrently`);
    expect(text).toContain(recorded.get('production')!.get('schema.drift')!);
  });

  it('shows the seed log against the seed files: what ran, when, by whom, and what changed since', async () => {
    const text = await page('/env/development/data');
    expect(text).toContain('1 applied, 1 changed since applied.');
    expect(text).toMatch(
      /changed reference db\/seeds\/reference\/plans\.json \d{4}-\d\d-\d\d \d\d:\d\d:\d\d by /,
    );
    expect(text).toMatch(/applied demo db\/seeds\/demo\/010_accounts\.sql \d{4}-\d\d-\d\d/);
    expect(text).toContain(
      '1 reference seed changed since applied: launchdb seed --env development --kind reference applies it.',
    );
  });

  it('shows the admins with their recorded owners, and one nobody recorded as UNDOCUMENTED', async () => {
    const development = await page('/env/development/data');
    expect(development).toContain(`ops@shop.dev Ops ${OWNER}`);
    expect(development).not.toContain('UNDOCUMENTED');
    const production = await page('/env/production/data');
    expect(production).toContain(`ops@shop.dev Ops ${OWNER}`);
    expect(production).toContain('ghost@shop.dev Ghost UNDOCUMENTED');
    expect(production).toContain('1 admin with no recorded owner: launchdb admin create --env production');
  });

  it('shows the last recorded demo-data scan, labelled expensive, with the scan command', async () => {
    const production = await page('/env/production/data');
    const scan = recorded.get('production')!.get('seed.demo-data')!;
    expect(production).toContain(scan);
    expect(production).toContain('launchdb scan data --env production shows it now');
    // Demo data is allowed outside production-like environments: the check said so, and the page does.
    expect(await page('/env/development/data')).toContain('demo data is allowed in development');
  });

  it('says in one line that an environment is not attached, on both tabs, and still shows what was recorded', async () => {
    for (const tab of ['migrations', 'data']) {
      const text = await page(`/env/staging/${tab}`);
      expect(text).toContain('staging is not attached yet: launchdb attach postgres --env staging');
      expect(text).toMatch(/was never recorded for staging/);
    }
  });

  it('answers an environment the project does not have with a 404 page naming the ones it has', async () => {
    for (const tab of ['migrations', 'data']) {
      expect(await page(`/env/prodution/${tab}`, 404)).toContain('Did you mean production?');
    }
  });

  it('lints at most 20 pending files on a page view, and says so', async () => {
    // 21 more, each flagged: only the first 20 of the 22 pending files are linted.
    for (let day = 1; day <= 21; day++) {
      const version = `202602${String(day).padStart(2, '0')}000000`;
      writeFileSync(
        join(shop.dir, `db/migrations/${version}_index_${day}.sql`),
        `create index orders_${day}_idx on orders (status, id);\n`,
      );
    }
    const text = await page('/env/development/migrations');
    expect(text).toContain('5 applied, 22 pending');
    expect(text).toContain('The first 20 of 22 pending files (a page lints at most 20)');
    // The one pending before and 19 of these: the 20th and 21st are listed but not linted.
    expect(text).toContain('db/migrations/20260219000000_index_19.sql:1:1 create-index-not-concurrently');
    expect(text).toContain('pending 20260220000000 db/migrations/20260220000000_index_20.sql');
    expect(text).not.toContain('20260220000000_index_20.sql:1:1');
  });

  describe.skipIf(!CHROMIUM && !process.env.CI)('in Chromium', () => {
    it('shows both tabs under the CSP with no error in the browser console', async () => {
      browser = await launchChromium();
      const context = await browser.newContext();
      await context.addCookies([{ name: 'launchdb_session', value: client.cookie!, url: served.url }]);
      const { page: tab, problems } = await watchedPage(context);
      await tab.goto(`${served.url}/env/production/migrations`);
      expect(await tab.locator('nav.tabs a.current').textContent()).toBe('Migrations');
      expect(await tab.locator('#migrations-summary').textContent()).toContain('pending');
      expect(await tab.locator('table.lint tbody tr').count()).toBeGreaterThan(0);
      await screenshot(tab, 'console-migrations.png');
      await tab.click('nav.tabs a:text("Data")');
      await tab.waitForURL(/\/env\/production\/data$/);
      expect(await tab.locator('table.admins tbody tr').count()).toBe(2);
      expect(await tab.locator('#demo-data [data-check="seed.demo-data"]').count()).toBe(1);
      await screenshot(tab, 'console-data.png');
      expect(problems).toEqual([]);
    });
  });
});

describe('the Migrations and Data tabs of an app not migrated yet', () => {
  let temp: TempProject;
  let served: ServedConsole;
  let client: ConsoleClient;

  beforeAll(async () => {
    temp = tempProject(
      `{ project: '{project}', environments: { development: { postgres: {} } }, admin: { create: "insert into accounts (email, name, role) values (:email, :name, 'admin')", list: "select email, name from accounts where role = 'admin'" } }`,
    );
    temp.write('db/seeds/reference/notes.txt', 'not a seed\n');
    temp.write('db/seeds/demo/users.xml', '<users/>\n');
    expect((await runCli(['attach', 'postgres', '--env', 'development'], { cwd: temp.dir })).code).toBe(0);
    served = await startTestConsole(temp.dir);
    client = await signedInClient(served.url);
  }, 120_000);

  afterAll(async () => {
    await served?.close();
    temp?.remove();
  });

  it('says in one line each what it cannot read, in its place, and shows the rest', async () => {
    const data = plain(await (await client.get('/env/development/data')).text());
    expect(data).toContain(
      '2 bad seed files: db/seeds/reference/notes.txt: expected a .sql, .json or .csv file; db/seeds/demo/users.xml: expected a .sql, .json or .csv file: rename or move the files',
    );
    expect(data).toContain(
      'admin.list cannot run yet: relation "accounts" does not exist [42P01]: the app\'s tables are not there yet: apply the migrations (launchdb migrate up --env development)',
    );
    expect(data).toContain('seed.demo-data was never recorded for development');
    const migrations = plain(await (await client.get('/env/development/migrations')).text());
    expect(migrations).toContain('No migrations in db/migrations, and none applied.');
    expect(migrations).not.toContain('Lint of the pending files');
  });
});
