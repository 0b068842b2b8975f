// The console's actions in Chromium, on `launchdb console` as users run it: an operator runs the
// checks, takes a backup and runs a drill, each followed live to its end; a viewer is shown no
// action and is refused one all the same. Screenshots go to test-results/.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchChromium } from '../helpers/browser.js';
import { runBin, runCli } from '../helpers/cli.js';
import { adminQuery, SERVER_URL, serverAvailable } from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { screenshot, signInAndGo, watchedPage } from './browser-session.js';
import { accountOf } from './console-helpers.js';
import { type ConsoleProcess, startConsoleProcess } from './console-process.js';

describe.skipIf(!CHROMIUM && !process.env.CI)('console actions in Chromium', () => {
  let temp: TempProject;
  let served: ConsoleProcess;
  let browser: Browser;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    temp = tempProject(`{ project: '{project}', environments: { development: { postgres: {} } } }`);
    temp.write('.env', 'LAUNCHDB_BACKUP_KEY=a long backup key for the tests 0123456789\n');
    const attached = await runCli(['attach', 'postgres', '--env', 'development'], { cwd: temp.dir });
    expect(attached.code, attached.stderr).toBe(0);
    served = await startConsoleProcess(temp.dir);
    browser = await launchChromium();
    // The viewer's refused post is expected: its 403 is not a problem.
    ({ page, problems } = await watchedPage(browser, /\b403\b/));
  });

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    temp?.remove();
  });

  /** Clicks the action's button on `path` and follows its page until the stream says how it ended. */
  async function runFrom(path: string, button: string, shot: string): Promise<string> {
    await page.goto(`${served.url}${path}`);
    await page.click(`form.action button:text-is("${button}")`);
    await page.waitForURL(/\/actions\/[\w-]+$/);
    // Rendered while it runs, the page ends by the stream's `end` event, not by a reload.
    await page.waitForSelector('#action-status.succeeded, #action-status.failed', { timeout: 120_000 });
    await screenshot(page, shot);
    return (await page.textContent('#action-output')) ?? '';
  }

  it('runs the checks as the operator and follows their output to the verdict', async () => {
    await signInAndGo(page, served.url, '/', 'operator');
    const output = await runFrom('/env/development', 'Run checks', 'console-action-check.png');
    expect(output).toMatch(/\b(READY|NOT READY)\b/);
    expect(await page.textContent('h1')).toContain('launchdb check --env development');
  });

  it('takes a backup, then drills its restore, each followed live', async () => {
    const backup = await runFrom('/env/development/backups', 'Take a backup', 'console-action-backup.png');
    expect(await page.getAttribute('#action-status', 'class')).toContain('succeeded');
    expect(backup).toMatch(/backup/i);
    const drill = await runFrom(
      '/env/development/backups',
      'Run a restore drill',
      'console-action-drill.png',
    );
    expect(await page.getAttribute('#action-status', 'class')).toContain('succeeded');
    expect(drill).toMatch(/RTO/);
    await page.goto(`${served.url}/actions`);
    expect(await page.locator('main tbody tr').count()).toBe(3);
    await screenshot(page, 'console-actions.png');
  });

  it('shows a viewer no action, and refuses one posted all the same', async () => {
    await page.click('header button[type=submit]');
    await signInAndGo(page, served.url, '/');
    await page.goto(`${served.url}/env/development`);
    expect(await page.locator('form.action').count()).toBe(0);
    const status = await page.evaluate(async () => {
      const doc = (globalThis as unknown as { document: { querySelector(s: string): { value: string } } })
        .document;
      const csrf = doc.querySelector('input[name=_csrf]').value;
      const response = await fetch('/env/development/actions/check', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `_csrf=${encodeURIComponent(csrf)}`,
      });
      return response.status;
    });
    expect(status).toBe(403);
    expect(problems).toEqual([]);
  });
});

// A change to a guarded environment from the browser: the owner approves a pending access request on
// production (on the server), is refused with a wrong name typed, and approves with the right one.
describe.skipIf((!CHROMIUM && !process.env.CI) || !serverAvailable)('a guarded action in Chromium', () => {
  let temp: TempProject;
  let served: ConsoleProcess;
  let browser: Browser;
  let page: Page;
  let request = 0;
  const database = () => `${temp.name}_production`;

  beforeAll(async () => {
    temp = tempProject(`{
      project: '{project}',
      environments: { production: { postgres: { adminUrl: '${SERVER_URL}' } } },
      access: {
        people: { ada: { email: 'ada@example.com' }, olive: { email: '${accountOf('owner')}' } },
        approvers: ['olive'],
      },
    }`);
    const attached = await runCli(['attach', 'postgres', '--env', 'production', '--confirm', 'production'], {
      cwd: temp.dir,
    });
    expect(attached.code, attached.stderr).toBe(0);
    const asked = await runBin(
      [
        'access',
        'request',
        '--env',
        'production',
        '--person',
        'ada',
        '--level',
        'read',
        '--for',
        '1h',
      ].concat(['--reason', 'INC-1: compare totals', '--json']),
      { cwd: temp.dir, env: { LAUNCHDB_ACTOR: 'ada@example.com' } },
    );
    expect(asked.code, asked.stderr).toBe(0);
    request = (JSON.parse(asked.stdout) as { id: number }).id;
    served = await startConsoleProcess(temp.dir);
    browser = await launchChromium();
    page = await browser.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    if (temp) {
      await adminQuery(`drop database if exists ${database()} with (force)`);
      for (const role of ['p_ada', 'app', 'readonly', 'owner'])
        await adminQuery(`drop role if exists ${database()}_${role}`);
      temp.remove();
    }
  });

  it('refuses a wrong name typed, then approves with the right one', async () => {
    await signInAndGo(page, served.url, '/', 'owner');
    await page.goto(`${served.url}/env/production/access`);
    await page.click(`#request-${request} form.action button`);
    await page.waitForSelector('input[name=confirm]');
    expect(await page.textContent('main')).toContain(`launchdb access approve ${request} --env production`);
    await page.fill('input[name=confirm]', 'prod');
    await page.click('main form button[type=submit]');
    await page.waitForSelector('[role=alert]');
    expect(await page.textContent('[role=alert]')).toBe(
      'Type production exactly to confirm; nothing was changed.',
    );
    await screenshot(page, 'console-action-confirm.png');

    await page.fill('input[name=confirm]', 'production');
    await page.click('main form button[type=submit]');
    await page.waitForURL(/\/actions\/[\w-]+$/);
    await page.waitForSelector('#action-status.succeeded, #action-status.failed', { timeout: 120_000 });
    expect(await page.textContent('#action-output')).toContain('approved');
    expect(await page.getAttribute('#action-status', 'class')).toContain('succeeded');
    expect(await page.textContent('h1')).toContain(`--env production --confirm production`);
    // The trail names the console account as the approver.
    const trail = await runCli(
      ['audit', 'list', '--env', 'production', '--action', 'access approve', '--json'],
      {
        cwd: temp.dir,
      },
    );
    expect(trail.stdout).toContain(accountOf('owner'));
  });
});
