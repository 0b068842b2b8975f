// The console in a real browser: sign in, see each environment's recorded verdict with its failing
// checks and fixes, be refused with a wrong password, sign out. The page must work under its own
// CSP (a violation shows in the browser's console). Screenshots go to test-results/.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchChromium } from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { screenshot, submitSignIn, watchedPage } from './browser-session.js';
import { accountOf, type ServedConsole, startTestConsole } from './console-helpers.js';

/** What the page's function uses of the browser's window (the project compiles without the DOM types). */
interface BrowserWindow {
  getComputedStyle(element: unknown): { display: string };
}

describe.skipIf(!CHROMIUM && !process.env.CI)('the console in Chromium', () => {
  let temp: TempProject;
  let served: ServedConsole;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    temp = tempProject(
      `{ project: '{project}', environments: { development: { postgres: {} }, production: { postgres: {}, owner: 'ada' } }, access: { people: { ada: { name: 'Ada', email: 'ada@example.com' } } } }`,
    );
    const cli = (args: string[]) => runCli(args, { cwd: temp.dir });
    expect((await cli(['attach', 'postgres', '--env', 'development'])).code).toBe(0);
    // Two recorded verdicts: development checked after attaching, production never attached.
    await cli(['check', '--env', 'development']);
    await cli(['check', '--env', 'production']);
    await cli(['check', '--env', 'production']);
    served = await startTestConsole(temp.dir);
    browser = await launchChromium();
    // Anything the browser calls an error (a CSP violation, a missing file) but the 401 of the wrong password.
    ({ page, problems } = await watchedPage(browser, /\b(401|404)\b/));
  });

  afterAll(async () => {
    await browser?.close();
    await served?.close();
    temp?.remove();
  });

  it('refuses a wrong password with one generic message', async () => {
    await page.goto(`${served.url}/`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    await submitSignIn(page, accountOf('viewer'), 'not the password at all');
    await expect.poll(() => page.textContent('[role=alert]')).toBe('Wrong account or password.');
    await screenshot(page, 'console-sign-in.png');
  });

  it('signs in and shows every environment, failing checks first with their fix and command', async () => {
    await submitSignIn(page, accountOf('viewer'));
    await page.waitForSelector('#env-production');
    expect(new URL(page.url()).pathname).toBe('/');
    const production = page.locator('#env-production');
    expect(await production.locator('.verdict').textContent()).toBe('not ready');
    expect(await production.textContent()).toContain('data owner ada');
    expect(await production.locator('.stores').textContent()).toBe('stores: postgres');
    const firstRow = production.locator('tbody tr').first();
    expect(await firstRow.getAttribute('class')).toMatch(/status-(fail|error)/);
    expect(await firstRow.locator('code.command').textContent()).toMatch(
      /^launchdb check --env production --only [a-z]+$/,
    );
    expect(await page.locator('#env-development .meta:not(.gate)').textContent()).toMatch(/checked .* ago/);
    // The stylesheet loaded under the CSP: the header is laid out as a flex row.
    expect(
      await page
        .locator('header')
        .evaluate((el) => (globalThis as unknown as BrowserWindow).getComputedStyle(el).display),
    ).toBe('flex');
    await screenshot(page, 'console-home.png');
  });

  it("shows an environment's report by area and its verdict over time, drawn as a chart", async () => {
    await page.click('#env-production h2 a');
    await page.waitForURL(/\/env\/production$/);
    expect(await page.locator('h1 .verdict').textContent()).toBe('not ready');
    expect(await page.locator('#area-backups tbody tr').count()).toBeGreaterThan(0);
    expect(await page.locator('table.runs tbody tr').count()).toBe(2);
    // uPlot, from the console's own assets under its CSP, draws on a canvas in the chart element.
    await page.waitForSelector('#history-chart canvas');
    await screenshot(page, 'console-environment.png');
  });

  it('answers an environment the project does not have with a page that names the ones it has', async () => {
    const response = await page.goto(`${served.url}/env/prodution`);
    expect(response?.status()).toBe(404);
    expect(await page.textContent('main')).toContain('Did you mean production?');
    await page.goto(`${served.url}/`);
  });

  it('signs out, after which the home page asks to sign in again', async () => {
    await page.click('header button[type=submit]');
    await page.waitForURL(/\/sign-in$/);
    await page.goto(`${served.url}/`);
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(problems).toEqual([]);
  });
});
