// Where a check ran: CI (the deploy gate), the console or the scheduler (which say so), a terminal;
// and the console's home shows each environment's last deploy gate beside its newest verdict.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRunVia } from '../../src/control/check-run-via.js';
import {
  accountOf,
  ConsoleClient,
  type ServedConsole,
  startTestConsole,
} from '../console/console-helpers.js';
import { textOf } from '../console/page-text.js';
import { runBin } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

describe('where a check ran', () => {
  it('is CI when CI is set, unless the console or the scheduler says it started it', () => {
    expect(checkRunVia({ CI: 'true' })).toBe('ci');
    expect(checkRunVia({ CI: '1' })).toBe('ci');
    expect(checkRunVia({ CI: 'false' })).toBe('terminal');
    expect(checkRunVia({})).toBe('terminal');
    expect(checkRunVia({ CI: 'true', LAUNCHDB_VIA: 'console' })).toBe('console');
    expect(checkRunVia({ CI: 'true', LAUNCHDB_VIA: 'scheduler' })).toBe('scheduler');
    expect(checkRunVia({ LAUNCHDB_VIA: 'somewhere' })).toBe('terminal');
  });
});

describe("the console's last deploy gate", () => {
  let temp: TempProject;
  let served: ServedConsole | undefined;
  const check = (vars: Record<string, string | undefined>) =>
    runBin(['check', '--env', 'development'], { cwd: temp.dir, env: { LAUNCHDB_VIA: undefined, ...vars } });

  beforeAll(() => {
    temp = tempProject(`{ project: '{project}', environments: { development: { postgres: {} } } }`);
  });
  afterAll(async () => {
    await served?.close();
    temp?.remove();
  });

  it('is the newest check run in CI, whatever ran after it', async () => {
    await check({ CI: 'false', LAUNCHDB_ACTOR: 'ada@example.com' });
    served = await startTestConsole(temp.dir);
    const viewer = new ConsoleClient(served.url);
    await viewer.signIn(accountOf('viewer'));
    const home = async () => (await viewer.get('/')).text();
    expect(textOf(await home(), 'gate-development')).toMatch(/^no deploy gate recorded/);

    await check({ CI: 'true', LAUNCHDB_ACTOR: 'ci-bot@example.com' });
    await check({ CI: 'false', LAUNCHDB_ACTOR: 'ada@example.com' });
    const page = await home();
    expect(textOf(page, 'gate-development')).toMatch(
      /^last deploy gate: not ready, .* by ci-bot@example\.com$/,
    );
    expect(page).toContain('by ada@example.com in');
  });
});
