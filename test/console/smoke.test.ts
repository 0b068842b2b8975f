// The console's Smoke tab over HTTP with real runs: the example shop's app smoke-tested by the CLI on
// production provisioned on the shared server (a passing run, then one whose first step fails) and on
// the embedded database (served by `launchdb serve` while it runs); the runs newest first, each with
// its verdict, who ran it, when, and every step's time. A role that may not read smoke_runs is told
// the grant; an environment not attached says so; an unknown one is a 404. Chromium opens a run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newRunId } from '../../src/smoke/run-id.js';
import { openServer } from '../../src/stores/postgres/server.js';
import { startSmokeRun } from '../../src/stores/postgres/smoke/smoke-runs.js';
import { CHROMIUM, launchChromium } from '../helpers/browser.js';
import { runBin, runCli } from '../helpers/cli.js';
import { serverAvailable } from '../helpers/databases.js';
import { type ProvisionedShop, provisionShop } from '../helpers/provisioned-shop.js';
import {
  attachEmbeddedShop,
  copyShop,
  type ShopCopy,
  serveEmbeddedEnvironment,
  smokeSpecVariant,
  startShopApp,
} from '../helpers/shop-app.js';
import { screenshot, signInAndGo, watchedPage } from './browser-session.js';
import {
  type ConsoleClient,
  type ServedConsole,
  signedInClient,
  startTestConsole,
} from './console-helpers.js';
import { idsOf, plain, textOf } from './page-text.js';

const RUN_ID = /\brun (smoke-[a-z0-9]{10})\b/;
const STEPS = [
  'create a record from the public app',
  'create an order for it',
  'read it back from the public app',
  'it is in the production store',
  'update it, as the core workflow does',
  'the update persisted',
  'the logs show the database work',
  'delete the order',
  'delete the account',
];

async function page(client: ConsoleClient, path: string, status = 200): Promise<string> {
  const response = await client.get(path);
  const html = await response.text();
  expect(response.status, plain(html).slice(0, 600)).toBe(status);
  return html;
}

/** The step rows of a run's <details>, as text. */
function stepRows(html: string, runId: string): string[] {
  const start = html.indexOf(`id="${runId}"`);
  const details = html.slice(start, html.indexOf('</details>', start));
  return [...details.matchAll(/<tr class="status-[a-z]+">(.*?)<\/tr>/gs)].map((match) => plain(match[1]!));
}

describe.skipIf(!serverAvailable)('the Smoke tab of production on the server', () => {
  let shop: ProvisionedShop;
  let served: ServedConsole;
  let viewer: ConsoleClient;
  const runs = { passed: '', failed: '' };
  const stops: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    shop = await provisionShop(['production']);
    const app = await startShopApp({ databaseUrl: shop.secrets('production').DATABASE_URL!, cwd: shop.dir });
    stops.push(() => app.kill());
    const smoke = async (actor: string, args: string[] = []) => {
      process.env.LAUNCHDB_ACTOR = actor;
      try {
        const guard = ['--env', 'production', '--confirm', 'production'];
        const result = await runCli(['smoke', ...guard, '--app-url', app.url, ...args], { cwd: shop.dir });
        return { ...result, runId: RUN_ID.exec(result.stdout)?.[1] ?? '' };
      } finally {
        delete process.env.LAUNCHDB_ACTOR;
      }
    };
    const passed = await smoke('ada@shop.dev');
    expect(passed.code, passed.stderr + passed.stdout).toBe(0);
    runs.passed = passed.runId;
    const spec = smokeSpecVariant(shop.dir, 'wrong-status', [
      'expect: { status: 201 },',
      'expect: { status: 200 },',
    ]);
    const failed = await smoke('deploy-bot', ['--spec', spec]);
    expect(failed.code, failed.stderr + failed.stdout).toBe(1);
    runs.failed = failed.runId;
    served = await startTestConsole(shop.dir);
    stops.push(() => served.close());
    viewer = await signedInClient(served.url);
  }, 180_000);

  afterAll(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    await shop?.remove();
  });

  it('shows the runs newest first with verdict, who, when, and the newest open', async () => {
    const html = await page(viewer, '/env/production/smoke');
    expect(idsOf(html, 'smoke-')).toEqual([runs.failed, runs.passed]);
    expect(html).toMatch(new RegExp(`<details class="smoke-run failed" id="${runs.failed}" open`));
    expect(html).toMatch(new RegExp(`<details class="smoke-run passed" id="${runs.passed}">`));
    const summary = (runId: string) =>
      plain(/<summary>(.*?)<\/summary>/s.exec(html.slice(html.indexOf(`id="${runId}"`)))![1]!);
    expect(summary(runs.failed)).toMatch(
      new RegExp(
        `^failed \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d \\([^)]*ago\\) by deploy-bot in \\d+\\.\\d s ${runs.failed}$`,
      ),
    );
    expect(summary(runs.passed)).toMatch(/^passed .* by ada@shop\.dev in \d+\.\d s smoke-/);
    expect(textOf(html, runs.passed)).toContain(`launchdb.smoke.ts (sha256 `);
    expect(textOf(html, runs.passed)).toContain(
      `recorded as ${shop.database('production')}_owner; clean-up proven: no row with the run id remains`,
    );
    expect(plain(html)).toContain(
      `from launchdb.smoke_runs in 127.0.0.1:5432/${shop.database('production')}`,
    );
  });

  it("times every step of a run, as a bar against the run's longest, with what it found", async () => {
    const html = await page(viewer, '/env/production/smoke');
    const passed = stepRows(html, runs.passed);
    expect(
      passed.map((row) =>
        row
          .replace(/^finally /, '')
          .split(' pass ')[0]!
          .replace(/ (http|sql|log|poll)$/, ''),
      ),
    ).toEqual(STEPS);
    for (const row of passed) expect(row).toMatch(/ pass \d+ ms /);
    expect(passed[0]).toMatch(/POST \/accounts → 201/);
    // One <meter> per step, the longest full.
    const start = html.indexOf(`id="${runs.passed}"`);
    const meters = [
      ...html
        .slice(start, html.indexOf('</details>', start))
        .matchAll(/<meter min="0" max="(\d+)" value="(\d+)"/g),
    ].map((match) => [Number(match[1]), Number(match[2])] as const);
    expect(meters).toHaveLength(STEPS.length);
    expect(Math.max(...meters.map(([, value]) => value))).toBe(meters[0]![0]);

    const failed = stepRows(html, runs.failed);
    expect(failed[0]).toMatch(
      /^create a record from the public app http fail \d+ ms .*expected: status 200 got: 201: /,
    );
    // The steps after it did not run; the clean-up did, skipping what was never captured.
    const statuses = failed.map((row) => / (pass|warn|fail|skip) \d+ ms/.exec(row)?.[1]);
    expect(statuses, failed.join('\n')).toEqual(['fail', 'skip', 'pass']);
    expect(failed[1]).toMatch(/^finally delete the order http skip \d+ ms skipped: never captured orderId/);
  });

  it('names the grant the read-only role lacks to read the runs', async () => {
    const readonly = `${shop.database('production')}_readonly`;
    await shop.query('production', `revoke select on launchdb.smoke_runs from ${readonly}`);
    try {
      const html = await page(viewer, '/env/production/smoke');
      expect(plain(html)).toContain(
        `reading the smoke runs needs SELECT on launchdb.smoke_runs, which ${readonly} does not have: grant select on launchdb.smoke_runs to "${readonly}"`,
      );
      expect(idsOf(html, 'smoke-')).toEqual([]);
    } finally {
      await shop.query('production', `grant select on launchdb.smoke_runs to ${readonly}`);
    }
  });

  it('shows a run that never finished as running, or killed, with no step yet', async () => {
    // Started as the runner starts one (its owner's connection), never finished: killed, or under way.
    const owner = await openServer(shop.secrets('production').DATABASE_MIGRATION_URL!, { max: 1 });
    const runId = newRunId();
    try {
      await startSmokeRun(owner, {
        id: runId,
        environment: 'production',
        specFile: 'launchdb.smoke.ts',
        specChecksum: 'f'.repeat(64),
        records: [],
        keepsRows: false,
        startedBy: 'grace@shop.dev',
      });
      const html = await page(viewer, '/env/production/smoke');
      expect(idsOf(html, 'smoke-')).toEqual([runId, runs.failed, runs.passed]);
      expect(textOf(html, runId)).toMatch(/^running, or killed .* by grace@shop\.dev smoke-/);
      expect(textOf(html, runId)).toContain('clean-up not checked No step recorded yet.');
    } finally {
      await owner.query('delete from launchdb.smoke_runs where id = $1', [runId]);
      await owner.close();
    }
  });

  it('says an environment not attached is not (200), and an unknown one is a 404', async () => {
    expect(plain(await page(viewer, '/env/staging/smoke'))).toContain(
      'staging is not attached yet: launchdb attach postgres --env staging',
    );
    expect(plain(await page(viewer, '/env/prod/smoke', 404))).toContain(
      'This project has no environment "prod"',
    );
  });

  describe.skipIf(!CHROMIUM && !process.env.CI)('in Chromium', () => {
    it('opens a run to its steps under the CSP', async () => {
      const browser = await launchChromium();
      try {
        const { page: tab, problems } = await watchedPage(browser);
        await signInAndGo(tab, served.url, '/env/production/smoke');
        expect(await tab.locator(`#${runs.passed} table.steps`).isVisible()).toBe(false);
        await tab.click(`#${runs.passed} summary`);
        expect(await tab.locator(`#${runs.passed} table.steps tbody tr`).count()).toBe(STEPS.length);
        expect(await tab.locator(`#${runs.passed} meter`).first().isVisible()).toBe(true);
        await screenshot(tab, 'console-smoke.png');
        expect(problems).toEqual([]);
      } finally {
        await browser.close();
      }
    }, 60_000);
  });
});

describe('the Smoke tab of an embedded environment', () => {
  let shop: ShopCopy;
  let served: ServedConsole | undefined;
  let runId = '';

  beforeAll(async () => {
    shop = copyShop();
    const cli = (args: string[]) => runBin(args, { cwd: shop.dir, timeoutMs: 120_000 });
    await attachEmbeddedShop(shop.dir, 'production');
    // The app reaches the embedded database through `launchdb serve`, which holds it while it runs.
    const database = await serveEmbeddedEnvironment({ cwd: shop.dir, env: 'production' });
    try {
      const app = await startShopApp({ databaseUrl: database.url, cwd: shop.dir });
      try {
        const result = await cli([
          'smoke',
          '--env',
          'production',
          '--confirm',
          'production',
          '--app-url',
          app.url,
        ]);
        expect(result.code, result.stderr + result.stdout).toBe(0);
        runId = RUN_ID.exec(result.stdout)![1]!;
      } finally {
        await app.stop();
      }
    } finally {
      await database.stop();
    }
    served = await startTestConsole(shop.dir);
  }, 180_000);

  afterAll(async () => {
    await served?.close();
    shop?.remove();
  });

  it('shows the run read from the embedded database, with its steps timed', async () => {
    const html = await page(await signedInClient(served!.url), '/env/production/smoke');
    expect(idsOf(html, 'smoke-')).toEqual([runId]);
    expect(plain(html)).toContain(
      'Every run, newest first, from launchdb.smoke_runs in .launchdb/production/postgres.',
    );
    const rows = stepRows(html, runId);
    expect(rows).toHaveLength(STEPS.length);
    for (const row of rows) expect(row).toMatch(/ pass \d+ ms /);
  });
});
