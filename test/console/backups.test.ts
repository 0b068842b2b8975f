// The Backups tab over HTTP: backups taken and drilled with the CLI in the test's project, shown as
// `backup list` lists them (size, duration, age, encryption, verification), the restore owners, the
// drills' RTO and RPO as charts and a table, and the scheduler's runs of the environment's jobs; on
// an embedded environment and on one provisioned on the shared server. A backup target that cannot
// be read, an environment not attached and an unknown one are each a clear page, never a 500.
import { cpSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKUPS_SHOWN } from '../../src/console/routes/backups.js';
import { formatBytes } from '../../src/core/human-units.js';
import { CHROMIUM, launchChromium } from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';
import { closedPort } from '../helpers/closed-port.js';
import { serverAvailable } from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { type ProvisionedShop, provisionShop } from '../helpers/provisioned-shop.js';
import { cronTwoHoursAgo, recordRuns } from '../helpers/scheduled-runs.js';
import { screenshot, signInAndGo, watchedPage } from './browser-session.js';
import {
  type ConsoleClient,
  type ServedConsole,
  signedInClient,
  startTestConsole,
} from './console-helpers.js';

interface Listed {
  id: string;
  bytes: number;
  encrypted: boolean;
  verified: { ok: boolean } | null;
}

/** What `launchdb backup list --json` says of the environment's backups. */
async function listedByCli(dir: string, env: string): Promise<Listed[]> {
  const listed = await runCli(['backup', 'list', '--env', env, '--json'], { cwd: dir });
  expect(listed.code, listed.stderr).toBe(0);
  return JSON.parse(listed.stdout).backups;
}

/** Takes a backup of `env` and drills it, as an operator would from the CLI. */
async function backupAndDrill(dir: string, env: string): Promise<void> {
  const cli = (args: string[]) => runCli([...args, '--env', env, '--confirm', env], { cwd: dir });
  const created = await cli(['backup', 'create']);
  expect(created.code, created.stderr).toBe(0);
  const drilled = await cli(['backup', 'drill']);
  expect(drilled.code, drilled.stdout + drilled.stderr).toBe(0);
}

/** The `data-chart` attribute of the element with `id`, parsed. */
function chartOf(page: string, id: string): { axis: string; data: (number | null)[][] } {
  const attribute = new RegExp(`id="${id}"[^>]*data-chart="([^"]*)"`).exec(page)?.[1];
  expect(attribute, `no chart #${id}`).toBeDefined();
  return JSON.parse(attribute!.replaceAll('&quot;', '"').replaceAll('&amp;', '&'));
}

describe('the Backups tab of an embedded environment', () => {
  let temp: TempProject;
  let served: ServedConsole;
  let viewer: ConsoleClient;
  const { cron, due, before } = cronTwoHoursAgo();

  beforeAll(async () => {
    temp = tempProject(`{
      project: '{project}',
      environments: { production: { postgres: {} }, staging: { postgres: {} } },
      backups: { restoreOwners: [{ name: 'Ada Lovelace', contact: 'ada@shop.dev' }] },
      scheduler: { jobs: [{ job: 'backup', env: 'production', cron: '${cron}' }, { job: 'drill', env: 'production', cron: '${cron}' }] },
    }`);
    const cli = (args: string[]) => runCli(args, { cwd: temp.dir });
    expect((await cli(['attach', 'postgres', '--env', 'production', '--confirm', 'production'])).code).toBe(
      0,
    );
    await backupAndDrill(temp.dir, 'production');
    await backupAndDrill(temp.dir, 'production');
    const verified = await cli(['backup', 'verify', '--newest', '--env', 'production']);
    expect(verified.code, verified.stderr).toBe(0);
    served = await startTestConsole(temp.dir);
    // The scheduler's runs as schedulers record them: yesterday's backup ran, today's failed.
    await recordRuns(served.control.db, temp.name, [
      { job: 'backup', environment: 'production', slot: before, end: { result: 'ok', exitCode: 0 } },
      {
        job: 'backup',
        environment: 'production',
        slot: due,
        end: { result: 'failed', exitCode: 3, error: 'cannot reach S3 at s3.example.com\nretry later' },
      },
    ]);
    viewer = await signedInClient(served.url);
  });

  afterAll(async () => {
    await served?.close();
    temp?.remove();
  });

  it('lists the backups as `backup list` does, with size, duration, age, encryption and verification', async () => {
    const response = await viewer.get('/env/production/backups');
    expect(response.status).toBe(200);
    const page = await response.text();
    const listed = await listedByCli(temp.dir, 'production');
    expect(listed).toHaveLength(2);
    const rows = page
      .match(/<table class="backups">[\s\S]*?<\/table>/)![0]
      .split('<tr>')
      .slice(2);
    expect(rows).toHaveLength(2);
    // Newest first, each with what the CLI lists of it.
    listed.forEach((backup, index) => {
      const row = rows[index]!;
      expect(row).toContain(backup.id);
      expect(row).toContain(formatBytes(backup.bytes));
      expect(row).toMatch(/<td>\d+ s ago<\/td>/);
      expect(row).toMatch(/<td>(\d+ ms|\d+\.\d s)<\/td>/);
      expect(row).toContain(backup.encrypted ? '>yes<' : '>no<');
    });
    expect(listed[0]!.verified?.ok).toBe(true);
    expect(rows[0]).toMatch(/ok, \d+ s ago/);
    expect(rows[1]).toContain('>never<');
    expect(page).toContain('2 backups in <code>.launchdb/backups/production</code>');
    expect(page).toContain('launchdb backup create --env production');
    expect(page).toContain('Ada Lovelace (ada@shop.dev)');
  });

  it('shows the recorded drills with their RTO and RPO over time, as two charts and a table', async () => {
    const page = await (await viewer.get('/env/production/backups')).text();
    const listed = await listedByCli(temp.dir, 'production');
    const drills = page
      .match(/<table class="drills">[\s\S]*?<\/table>/)![0]
      .split('<tr')
      .slice(2);
    expect(drills).toHaveLength(2);
    // Each drill drilled the newest backup of its time: the newest drill, the newest backup.
    expect(drills[0]).toContain(listed[0]!.id);
    expect(drills[1]).toContain(listed[1]!.id);
    for (const drill of drills) expect(drill).toContain('passed');
    const rto = chartOf(page, 'drill-rto-chart');
    const rpo = chartOf(page, 'drill-rpo-chart');
    expect(rto.axis).toBe('RTO (seconds)');
    expect(rpo.axis).toBe('RPO (seconds)');
    for (const chart of [rto, rpo]) {
      expect(chart.data).toHaveLength(2);
      expect(chart.data[0]).toHaveLength(2);
      // Oldest drill first, as a chart reads.
      expect(chart.data[0]![0]!).toBeLessThanOrEqual(chart.data[0]![1]!);
    }
    for (const seconds of rto.data[1]!) expect(seconds).toBeGreaterThan(0);
    // The page loads uPlot and the console's chart script, never an inline one.
    expect(page).toContain('<script src="/assets/chart.js" defer=""></script>');
    expect(page).not.toMatch(/<script>/);
  });

  it("shows the scheduler's runs of the environment's jobs with their state, start, duration and error line", async () => {
    const page = await (await viewer.get('/env/production/backups')).text();
    const backup = page.match(/<div class="job state-problem" id="job-backup">[\s\S]*?<\/table>/)?.[0];
    expect(backup, page).toBeDefined();
    expect(backup).toContain('exit 3');
    const runs = backup!.split('<tr').slice(2);
    expect(runs).toHaveLength(2);
    expect(runs[0]).toContain('<td>failed</td>');
    // The error's first line only.
    expect(runs[0]).toContain('<td>cannot reach S3 at s3.example.com</td>');
    expect(runs[0]).not.toContain('retry later');
    expect(runs[1]).toContain('<td>ok</td>');
    // A job with no run recorded says so, judged as `scheduler status` judges it.
    expect(page).toMatch(/id="job-drill">[\s\S]*?never-ran<\/span>: never ran/);
    expect(page).toContain('launchdb scheduler status --env production');
  });

  it('says in a line that an environment is not attached, and answers an unknown one with a 404 page', async () => {
    const staging = await viewer.get('/env/staging/backups');
    expect(staging.status).toBe(200);
    const page = await staging.text();
    expect(page).toContain('No backups of staging in <code>.launchdb/backups/staging</code>');
    expect(page).toContain(
      'The drills cannot be read: staging is not attached yet: launchdb attach postgres --env staging',
    );
    expect(page).toContain('No scheduled job runs on staging');
    const unknown = await viewer.get('/env/prodution/backups');
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('Did you mean production?');
  });

  it.skipIf(!CHROMIUM && !process.env.CI)(
    'draws the RTO and RPO charts in Chromium under the CSP, with no error in the browser',
    async () => {
      const browser = await launchChromium();
      try {
        const { page, problems } = await watchedPage(browser);
        await signInAndGo(page, served.url, '/env/production/backups');
        await page.waitForSelector('#drill-rto-chart canvas');
        await page.waitForSelector('#drill-rpo-chart canvas');
        expect(await page.locator('table.backups tbody tr').count()).toBe(2);
        expect(await page.locator('nav.tabs a.current').textContent()).toBe('Backups');
        await screenshot(page, 'console-backups.png');
        expect(problems).toEqual([]);
      } finally {
        await browser.close();
      }
    },
  );

  it('shows a failed drill with its first problem and no RTO: a gap in the RTO chart, a point in the RPO one', async () => {
    const [newest] = await listedByCli(temp.dir, 'production');
    const dir = join(temp.dir, '.launchdb', 'backups', 'production', newest!.id);
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    const table = manifest.tables.find((candidate: { rows: number }) => candidate.rows > 0);
    const file = join(dir, table.parts[0].file.path);
    const bytes = readFileSync(file);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x20;
    writeFileSync(file, bytes);
    const drilled = await runCli(['backup', 'drill', '--env', 'production', '--backup', newest!.id], {
      cwd: temp.dir,
    });
    expect(drilled.code, drilled.stdout + drilled.stderr).toBe(1);
    const page = await (await viewer.get('/env/production/backups')).text();
    const drills = page
      .match(/<table class="drills">[\s\S]*?<\/table>/)![0]
      .split('<tr')
      .slice(2);
    expect(drills).toHaveLength(3);
    expect(drills[0]).toContain('<td>failed</td>');
    expect(drills[0]).toContain('<td>none</td>');
    expect(drills[0]).toContain(table.name);
    expect(chartOf(page, 'drill-rto-chart').data[1]!.at(-1)).toBeNull();
    expect(chartOf(page, 'drill-rpo-chart').data[1]!.at(-1)).toBeGreaterThan(0);
  });

  it(`lists only the newest ${BACKUPS_SHOWN} backups and says how many there are`, async () => {
    // Older copies of a real backup under older ids: complete backups as far as listing goes.
    const folder = join(temp.dir, '.launchdb', 'backups', 'production');
    const [oldest] = readdirSync(folder)
      .filter((name) => name.startsWith('production-'))
      .sort();
    for (let day = 1; day <= BACKUPS_SHOWN; day++) {
      cpSync(
        join(folder, oldest!),
        join(folder, `production-2025${String(day).padStart(4, '0')}-030000-abcd`),
        {
          recursive: true,
        },
      );
    }
    const page = await (await viewer.get('/env/production/backups')).text();
    expect(page).toContain(`The newest ${BACKUPS_SHOWN} of ${BACKUPS_SHOWN + 2} backups`);
    expect(
      page
        .match(/<table class="backups">[\s\S]*?<\/table>/)![0]
        .split('<tr>')
        .slice(2),
    ).toHaveLength(BACKUPS_SHOWN);
    // A manifest that no longer parses is named in a line, not a 500.
    writeFileSync(join(folder, 'production-20250050-030000-abcd', 'manifest.json'), '{ not json');
    const broken = await viewer.get('/env/production/backups');
    expect(broken.status).toBe(200);
    expect(await broken.text()).toContain(
      'cannot be read: the manifest of backup production-20250050-030000-abcd in .launchdb/backups/production cannot be read',
    );
  });
});

describe('the Backups tab of an environment whose backups are in S3 that cannot be reached', () => {
  let temp: TempProject;
  let served: ServedConsole;

  beforeAll(async () => {
    const port = await closedPort();
    temp = tempProject(`{
      project: '{project}',
      environments: { production: { postgres: {} } },
      backups: { s3: { bucket: 'backups', endpoint: 'http://127.0.0.1:${port}', accessKeyId: env('S3_KEY'), secretAccessKey: env('S3_SECRET') } },
    }`);
    temp.write('.env.production', 'S3_KEY=AKIAEXAMPLE\nS3_SECRET=not-a-real-secret-value\n');
    served = await startTestConsole(temp.dir);
  });

  afterAll(async () => {
    await served?.close();
    temp?.remove();
  });

  it('says in a line that the target cannot be reached, without its secret', async () => {
    const viewer = await signedInClient(served.url);
    const response = await viewer.get('/env/production/backups');
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toMatch(
      /The backups in s3:\/\/backups\/launchdb\/production cannot be read: cannot reach S3 at 127\.0\.0\.1 \(bucket backups\)[^<]*: check backups\.s3\.endpoint/,
    );
    expect(page).not.toContain('not-a-real-secret-value');
    expect(served.log).toEqual([]);
  });
});

describe.skipIf(!serverAvailable)('the Backups tab of an environment provisioned on the server', () => {
  let shop: ProvisionedShop;
  let served: ServedConsole;

  beforeAll(async () => {
    shop = await provisionShop(['production']);
    await backupAndDrill(shop.dir, 'production');
    await backupAndDrill(shop.dir, 'production');
    served = await startTestConsole(shop.dir);
  }, 120_000);

  afterAll(async () => {
    await served?.close();
    await shop?.remove();
  });

  it("reads the drills from the environment's database as its read-only role, beside the backups and owners", async () => {
    // The read-only role reads the drill log the owner wrote: the drills show, as the CLI recorded them.
    const recorded = await shop.query<{ backup_id: string }>(
      'production',
      'select backup_id from launchdb.drills order by id desc',
    );
    expect(recorded).toHaveLength(2);
    const viewer = await signedInClient(served.url);
    const page = await (await viewer.get('/env/production/backups')).text();
    const drills = page
      .match(/<table class="drills">[\s\S]*?<\/table>/)![0]
      .split('<tr')
      .slice(2);
    expect(drills.map((drill) => /<code>([^<]+)<\/code>/.exec(drill)?.[1])).toEqual(
      recorded.map((row) => row.backup_id),
    );
    expect(chartOf(page, 'drill-rto-chart').data[1]).toHaveLength(2);
    const listed = await listedByCli(shop.dir, 'production');
    for (const backup of listed) expect(page).toContain(backup.id);
    expect(page).toContain('Ada Lovelace (ada@shop.dev)');
    // The shop declares nightly backup and prune jobs on production: never run here.
    expect(page).toMatch(/id="job-backup">[\s\S]*?never-ran/);
    expect(page).toMatch(/id="job-prune">/);
  });
});
