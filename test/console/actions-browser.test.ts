// The console's actions in Chromium, on `launchdb console` as users run it: an operator runs the
// checks, takes a backup and runs a drill, each followed live to its end; a viewer is shown no
// action and is refused one all the same. Screenshots go to test-results/.
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, launchChromium } from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';
import { accountOf, PASSWORD } from './console-helpers.js';
import { type ConsoleProcess, startConsoleProcess } from './console-process.js';

const SHOTS = 'test-results';

describe.skipIf(!CHROMIUM && !process.env.CI)('console actions in Chromium', () => {
  let temp: TempProject;
  let served: ConsoleProcess;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    temp = tempProject(`{ project: '{project}', environments: { development: { postgres: {} } } }`);
    temp.write('.env', 'LAUNCHDB_BACKUP_KEY=a long backup key for the tests 0123456789\n');
    const attached = await runCli(['attach', 'postgres', '--env', 'development'], { cwd: temp.dir });
    expect(attached.code, attached.stderr).toBe(0);
    served = await startConsoleProcess(temp.dir);
    browser = await launchChromium();
    page = await browser.newPage();
    page.on('console', (message) => {
      if (message.type() === 'error' && !/\b403\b/.test(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    mkdirSync(SHOTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
    temp?.remove();
  });

  async function signIn(role: 'viewer' | 'operator') {
    await page.goto(`${served.url}/sign-in`);
    await page.fill('input[name=account]', accountOf(role));
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForURL(`${served.url}/`);
  }

  /** Clicks the action's button on `path` and follows its page until the stream says how it ended. */
  async function runFrom(path: string, button: string, shot: string): Promise<string> {
    await page.goto(`${served.url}${path}`);
    await page.click(`form.action button:text-is("${button}")`);
    await page.waitForURL(/\/actions\/[\w-]+$/);
    // Rendered while it runs, the page ends by the stream's `end` event, not by a reload.
    await page.waitForSelector('#action-status.succeeded, #action-status.failed', { timeout: 120_000 });
    await page.screenshot({ path: `${SHOTS}/${shot}`, fullPage: true });
    return (await page.textContent('#action-output')) ?? '';
  }

  it('runs the checks as the operator and follows their output to the verdict', async () => {
    await signIn('operator');
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
    await page.screenshot({ path: `${SHOTS}/console-actions.png`, fullPage: true });
  });

  it('shows a viewer no action, and refuses one posted all the same', async () => {
    await page.click('header button[type=submit]');
    await signIn('viewer');
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
