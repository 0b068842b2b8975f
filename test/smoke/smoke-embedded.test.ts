// `launchdb smoke` on the embedded default: the shop's app served its database by `launchdb serve`,
// the five steps run through it, proven in the store, recorded, and seen by the check smoke.last-run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBin } from '../helpers/cli.js';
import { closedPort } from '../helpers/closed-port.js';
import {
  attachEmbeddedShop,
  copyShop,
  type RunningProcess,
  type ShopApp,
  type ShopCopy,
  serveEmbeddedEnvironment,
  smokeSpecVariant,
  startShopApp,
} from '../helpers/shop-app.js';

describe('launchdb smoke on the embedded database', () => {
  let shop: ShopCopy;
  let served: RunningProcess & { url: string };
  let app: ShopApp;
  const cli = (args: string[]) => runBin(args, { cwd: shop.dir, timeoutMs: 120_000 });

  beforeAll(async () => {
    shop = copyShop();
    await attachEmbeddedShop(shop.dir, 'production');
    served = await serveEmbeddedEnvironment({ cwd: shop.dir, env: 'production' });
    app = await startShopApp({ databaseUrl: served.url, cwd: shop.dir });
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await served?.stop();
    shop?.remove();
  });

  it('before any run, smoke.last-run fails production and names the command', async () => {
    const check = JSON.parse(
      (await cli(['check', '--env', 'production', '--json', '--only', 'smoke'])).stdout,
    );
    const lastRun = check.checks.find((c: { id: string }) => c.id === 'smoke.last-run');
    expect(lastRun).toMatchObject({ status: 'fail', summary: 'no smoke run yet in production' });
    expect(lastRun.fix).toContain('launchdb smoke --env production');
  });

  it('passes through the live app, proves the clean-up, and writes JSON and JUnit', async () => {
    const result = await cli([
      'smoke',
      '--env',
      'production',
      '--confirm',
      'production',
      '--app-url',
      app.url,
      '--json',
      '--junit',
      'reports/smoke.xml',
    ]);
    expect(result.code, result.stderr + result.stdout).toBe(0);
    const run = JSON.parse(result.stdout);
    expect(run).toMatchObject({
      project: shop.name,
      environment: 'production',
      status: 'passed',
      cleaned: true,
    });
    expect(run.runId).toMatch(/^smoke-[0-9a-z]{10}$/);
    expect(run.steps.map((s: { phase: string; status: string }) => `${s.phase}:${s.status}`)).toEqual([
      ...Array(7).fill('steps:pass'),
      'finally:pass',
      'finally:pass',
    ]);
    const evidence = run.steps[6].message;
    expect(evidence).toContain(`"order updated"`);
    expect(evidence).toContain(`orders.reference: 1 row carrying ${run.runId} written after the run started`);
    // The app's log has the run's lines; no row with the run id is left in the store.
    expect(readFileSync(app.logFile, 'utf8')).toContain(run.runId);
    const junit = readFileSync(join(shop.dir, 'reports/smoke.xml'), 'utf8');
    expect(junit).toContain('tests="10" failures="0"');
    expect(junit).toContain('name="clean-up proven in the store"');

    // Recorded in the audit trail too, as the command that ran it.
    const audit = JSON.parse(
      (await cli(['audit', 'list', '--env', 'production', '--action', 'smoke', '--json'])).stdout,
    );
    const events: { action: string; result: { status: string }; details?: { run?: string } }[] =
      Array.isArray(audit) ? audit : audit.events;
    expect(events.map((event) => [event.action, event.result.status, event.details?.run])).toContainEqual([
      'smoke',
      'ok',
      run.runId,
    ]);

    const check = JSON.parse(
      (await cli(['check', '--env', 'production', '--json', '--only', 'smoke'])).stdout,
    );
    const lastRun = check.checks.find((c: { id: string }) => c.id === 'smoke.last-run');
    expect(lastRun.status).toBe('pass');
    expect(lastRun.summary).toContain(`smoke run ${run.runId} passed`);
  }, 120_000);

  it('prints each step as it ends, the evidence one piece a line', async () => {
    const result = await cli([
      'smoke',
      '--env',
      'production',
      '--confirm',
      'production',
      '--app-url',
      app.url,
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /^✓ the logs show the database work \(\d+ ms\)\n {4}logs\/app\.log: \{.*"order updated"/m,
    );
    expect(result.stderr).toMatch(
      /^ {4}orders\.reference: 1 row carrying smoke-[0-9a-z]{10} written after the run started$/m,
    );
    expect(result.stdout).toMatch(/^passed: run smoke-[0-9a-z]{10} in \d+\.\d s$/m);
  }, 120_000);

  it('stops at the first failing step, still cleans up, and says what was expected and what came back', async () => {
    // The update is to `paid`; the spec now expects `shipped` to have persisted.
    const spec = smokeSpecVariant(shop.dir, 'not-persisted', [
      "expect: { rows: 1, row: { status: 'paid' } }",
      "expect: { rows: 1, row: { status: 'shipped' } }",
    ]);
    const result = await cli([
      'smoke',
      '--env',
      'production',
      '--confirm',
      'production',
      '--app-url',
      app.url,
      '--spec',
      spec,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('✗ the update persisted: 1 row in production');
    expect(result.stderr).toContain('expected: status = "shipped"');
    expect(result.stderr).toContain('got:      status = "paid"');
    expect(result.stderr).toMatch(
      /reproduce: -- in production \(\.launchdb\/production\/postgres\): select status from orders where id = '\d+'/,
    );
    // The log step after it never ran; the finally steps did, and nothing is left.
    expect(result.stderr).not.toContain('the logs show the database work');
    expect(result.stderr).toContain('✓ finally delete the order');
    expect(result.stdout).toContain('clean-up proven: no row with the run id remains');
    expect(result.stdout).toMatch(/failed at the update persisted: run smoke-[0-9a-z]{10}/);
  }, 120_000);

  it('a step that cannot run (a variable unset) still gets its clean-up, and the run exits 2', async () => {
    const spec = smokeSpecVariant(shop.dir, 'unset-variable', [
      "path: '/orders',",
      "path: '/orders',\n        headers: { 'x-trace': '{{env.LAUNCHDB_TEST_NEVER_SET}}' },",
    ]);
    const result = await cli([
      'smoke',
      '--env',
      'production',
      '--confirm',
      'production',
      '--app-url',
      app.url,
      '--spec',
      spec,
    ]);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain('✓ create a record from the public app');
    expect(result.stderr).toMatch(/✗ create an order for it: could not run: .*LAUNCHDB_TEST_NEVER_SET/);
    // The account it created is deleted by the finally step that can run; the other is skipped.
    expect(result.stderr).toContain('- finally delete the order: skipped: never captured orderId');
    expect(result.stderr).toContain('✓ finally delete the account');
    expect(result.stdout).toContain('clean-up proven: no row with the run id remains');
    expect(result.stderr).toMatch(/error: .*LAUNCHDB_TEST_NEVER_SET/);
  }, 120_000);

  it('an app that is not listening is exit 3, naming its host and port', async () => {
    const port = await closedPort();
    const result = await cli([
      'smoke',
      '--env',
      'production',
      '--confirm',
      'production',
      '--app-url',
      `http://127.0.0.1:${port}`,
    ]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`the app at 127.0.0.1:${port} is unreachable (ECONNREFUSED)`);
    expect(result.stderr).not.toContain('    at ');
  }, 120_000);
});
