// A console page in Chromium as the browser tests use one: every error the browser reports (a CSP
// violation, a script that throws, a file that fails to load) kept in `problems` for the test to
// expect none; signing in through the console's own form; screenshots in test-results/.
import { mkdirSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Role } from '../../src/console/auth/roles.js';
import { accountOf, PASSWORD } from './console-helpers.js';

const SHOTS = 'test-results';

export interface WatchedPage {
  page: Page;
  problems: string[];
}

/** A new page whose errors collect in `problems`, but a console error `expected` matches (a refusal the test provokes). */
export async function watchedPage(opener: Browser | BrowserContext, expected?: RegExp): Promise<WatchedPage> {
  const page = await opener.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && !expected?.test(message.text())) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return { page, problems };
}

/** Fills the sign-in form the page shows and submits it. */
export async function submitSignIn(page: Page, account: string, password = PASSWORD): Promise<void> {
  await page.fill('input[name=account]', account);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
}

/** Signs in as `role`'s account from the console's sign-in page and waits to land on `path`. */
export async function signInAndGo(
  page: Page,
  url: string,
  path: string,
  role: Role = 'viewer',
): Promise<void> {
  await page.goto(`${url}/sign-in?next=${path}`);
  await submitSignIn(page, accountOf(role));
  await page.waitForURL(`${url}${path}`);
}

/** The whole page as test-results/`file`. */
export async function screenshot(page: Page, file: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: `${SHOTS}/${file}`, fullPage: true });
}
