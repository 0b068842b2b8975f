// Headless Chromium (Debian's package) driven by playwright-core, for the console's browser tests.
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) => existsSync(path));

export function launchChromium(): Promise<Browser> {
  if (!CHROMIUM) throw new Error('no chromium: apt-get install chromium (.ci/run does)');
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}
