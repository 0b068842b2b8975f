// When LAUNCHDB_TEST_PROGRESS names a file, each test file's start and end are appended to it, so a
// run that never ends (CI's time limit) can say which files were still running.
import { appendFileSync } from 'node:fs';
import { afterAll, beforeAll, expect } from 'vitest';

const progress = process.env.LAUNCHDB_TEST_PROGRESS;

function note(event: 'start' | 'end'): void {
  if (!progress) return;
  const file = expect.getState().testPath ?? 'unknown';
  appendFileSync(progress, `${new Date().toISOString()} ${event} ${file}\n`);
}

beforeAll(() => note('start'));
afterAll(() => note('end'));
