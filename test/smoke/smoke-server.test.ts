// `launchdb smoke` end to end on the server: the real CLI against the example shop's real app, with
// staging and production provisioned by `attach --admin-url` (owner, app and read-only roles). A
// passing run and what it records; each step made to fail, saying what was expected and what came
// back, with the clean-up still proven; the app on the wrong environment's database or on credentials
// that cannot write; a run killed with SIGKILL and swept by the next; bad input; secrets kept out.
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBin, runBin, runCli, until } from '../helpers/cli.js';
import { closedPort } from '../helpers/closed-port.js';
import { serverAvailable } from '../helpers/databases.js';
import { type ProvisionedShop, provisionShop } from '../helpers/provisioned-shop.js';
import { type ShopApp, smokeSpecVariant, startShopApp } from '../helpers/shop-app.js';

const RUN_ID = /\brun (smoke-[a-z0-9]{10})\b/;
const CLEANED = 'clean-up proven: no row with the run id remains';

interface SmokeRunRow {
  id: string;
  status: string;
  cleaned: boolean | null;
  note: string | null;
  steps: unknown;
}

describe.skipIf(!serverAvailable)('launchdb smoke on provisioned server environments', () => {
  let shop: ProvisionedShop;
  /** The app as deployed: production's app role. */
  let app: ShopApp;
  const started: { stop(): Promise<unknown> }[] = [];

  beforeAll(async () => {
    shop = await provisionShop(['staging', 'production']);
    app = await startApp(shop.secrets('production').DATABASE_URL!, 'logs/app.log');
  }, 120_000);

  afterAll(async () => {
    await Promise.all(started.map((process) => process.stop().catch(() => {})));
    await shop?.remove();
  });

  async function startApp(databaseUrl: string, logFile: string): Promise<ShopApp> {
    const started_ = await startShopApp({ databaseUrl, cwd: shop.dir, logFile });
    started.push({ stop: () => started_.kill() });
    return started_;
  }

  /** `launchdb smoke --env production` in-process, with its run id. */
  async function smoke(args: string[], appUrl = app.url) {
    const result = await runCli(
      ['smoke', '--env', 'production', '--confirm', 'production', '--app-url', appUrl, ...args],
      {
        cwd: shop.dir,
      },
    );
    const runId = RUN_ID.exec(result.stdout)?.[1] ?? JSON.parse(result.stdout || '{}').runId;
    return { ...result, runId: runId as string, output: result.stdout + result.stderr };
  }

  /** The shop's own spec with one thing changed, written beside it; its path for `--spec`. */
  const specWith = (name: string, ...edits: [from: string, to: string][]) =>
    smokeSpecVariant(shop.dir, name, ...edits);

  /** Rows carrying the run id in an environment, per place of the spec's records. */
  async function rowsOf(runId: string, env = 'production') {
    const [counts] = await shop.query<{ accounts: number; orders: number }>(
      env,
      `select (select count(*)::int from accounts where position($1 in email) > 0) as accounts,
              (select count(*)::int from orders where position($1 in reference) > 0) as orders`,
      [runId],
    );
    return counts!;
  }

  async function recorded(runId: string): Promise<SmokeRunRow | undefined> {
    const rows = await shop.query<SmokeRunRow>(
      'production',
      'select id, status, cleaned, note, steps from launchdb.smoke_runs where id = $1',
      [runId],
    );
    return rows[0];
  }

  /** Ids of production's runs still `running`; none before the first run made launchdb.smoke_runs. */
  async function runningRuns(): Promise<string[]> {
    const [{ made }] = (await shop.query<{ made: boolean }>(
      'production',
      "select to_regclass('launchdb.smoke_runs') is not null as made",
    )) as [{ made: boolean }];
    if (!made) return [];
    const rows = await shop.query<{ id: string }>(
      'production',
      "select id from launchdb.smoke_runs where status = 'running'",
    );
    return rows.map((row) => row.id);
  }

  /** A failed run whose `finally` steps ran, and nothing of it left in the store, proven twice. */
  async function expectFailedAndCleaned(run: Awaited<ReturnType<typeof smoke>>, failedAt: string) {
    expect(run.code, run.output).toBe(1);
    expect(run.stdout).toContain(`failed at ${failedAt}: run ${run.runId}`);
    expect(run.stdout).toContain(CLEANED);
    expect(run.stderr).toMatch(/^✓ finally delete the account: DELETE \/accounts\/\d+ → 204/m);
    expect(await rowsOf(run.runId)).toEqual({ accounts: 0, orders: 0 });
    expect(await recorded(run.runId)).toMatchObject({ status: 'failed', cleaned: true });
  }

  it('passes on production: --json, --junit, smoke_runs, and smoke.last-run until the next migrate up', async () => {
    const run = await smoke(['--json', '--junit', 'reports/smoke.xml']);
    expect(run.code, run.output).toBe(0);
    const document = JSON.parse(run.stdout);
    expect(document).toMatchObject({
      project: shop.name,
      runId: expect.stringMatching(/^smoke-[a-z0-9]{10}$/),
      environment: 'production',
      status: 'passed',
      cleaned: true,
      remaining: [],
      diagnosis: [],
    });
    expect(document.steps.map((step: { name: string; status: string }) => [step.name, step.status])).toEqual([
      ['create a record from the public app', 'pass'],
      ['create an order for it', 'pass'],
      ['read it back from the public app', 'pass'],
      ['it is in the production store', 'pass'],
      ['update it, as the core workflow does', 'pass'],
      ['the update persisted', 'pass'],
      ['the logs show the database work', 'pass'],
      ['delete the order', 'pass'],
      ['delete the account', 'pass'],
    ]);
    expect(document.steps[6].message).toContain(
      `orders.reference: 1 row carrying ${document.runId} written after the run started`,
    );

    const junit = readFileSync(join(shop.dir, 'reports/smoke.xml'), 'utf8');
    expect(junit).toContain(
      `<testsuites name="launchdb smoke ${shop.name} production" tests="10" failures="0" errors="0" skipped="0"`,
    );
    expect(junit).toContain(`<property name="run" value="${document.runId}"/>`);
    expect(junit).toContain(
      '<testcase classname="launchdb.smoke.finally" name="clean-up proven in the store"',
    );

    expect(await recorded(document.runId)).toMatchObject({ status: 'passed', cleaned: true, note: null });
    expect(await rowsOf(document.runId)).toEqual({ accounts: 0, orders: 0 });

    const lastRun = async () => {
      const check = await runCli(['check', '--env', 'production', '--only', 'smoke', '--json'], {
        cwd: shop.dir,
      });
      return JSON.parse(check.stdout).checks.find((c: { id: string }) => c.id === 'smoke.last-run');
    };
    expect(await lastRun()).toMatchObject({
      status: 'pass',
      summary: expect.stringMatching(
        new RegExp(`^smoke run ${document.runId} passed .* ago, after the last migrate up$`),
      ),
    });

    writeFileSync(
      join(shop.dir, 'db/migrations/20260105000000_order_notes.sql'),
      'alter table orders add column notes text;\n',
    );
    const up = await runCli(['migrate', 'up', '--env', 'production', '--confirm', 'production'], {
      cwd: shop.dir,
    });
    expect(up.code, up.stderr).toBe(0);
    expect(await lastRun()).toMatchObject({
      status: 'fail',
      summary: expect.stringContaining(`the last passing smoke run (${document.runId}, `),
    });
    expect((await lastRun()).summary).toContain('older than the last migrate up');
  });

  describe('each step made to fail says what it expected and what came back; the clean-up still runs', () => {
    it('wrong status: expected and got, and the curl line that reproduces it', async () => {
      const spec = specWith('wrong-status', ['expect: { status: 201 },', 'expect: { status: 200 },']);
      const run = await smoke(['--spec', spec]);
      const email = `smoke+${run.runId}@shop.dev`;
      expect(run.stderr).toMatch(
        /^✗ create a record from the public app: POST \/accounts → 201 \(\d+ ms\)$/m,
      );
      expect(run.stderr).toContain('    expected: status 200\n');
      expect(run.stderr).toMatch(
        new RegExp(
          `^ {4}got: {6}201: \\{"id":\\d+,"email":"${escapeRegExp(email)}","name":"Smoke Test"\\}$`,
          'm',
        ),
      );
      expect(run.stderr).toContain(
        `    reproduce: curl -sS -X POST ${app.url}/accounts -H 'content-type: application/json' --data-raw '{"email":"${email}","name":"Smoke Test"}'\n`,
      );
      // The account was created: the failed step's capture lets the clean-up delete it.
      expect(run.stderr).toContain(
        '- finally delete the order: skipped: never captured orderId (an earlier step failed)',
      );
      await expectFailedAndCleaned(run, 'create a record from the public app');
    });

    it('record not in the store: the sql step finds no row, with the psql line to run it again', async () => {
      const spec = specWith('not-stored', [
        "params: ['{{orderId}}', '{{run.id}}']",
        "params: ['{{orderId}}', 'x{{run.id}}']",
      ]);
      const run = await smoke(['--spec', spec]);
      const where = `production (127.0.0.1:5432/${shop.database('production')})`;
      expect(run.stderr).toMatch(
        new RegExp(`^✗ it is in the production store: 0 rows in ${escapeRegExp(where)} \\(`, 'm'),
      );
      expect(run.stderr).toContain('    expected: 1 row\n    got:      0\n');
      const database = shop.database('production');
      const quoted = (value: string) => `'\\''${value}'\\''`;
      expect(run.stderr).toMatch(
        new RegExp(
          `^ {4}reproduce: ${escapeRegExp(`psql 'postgresql://${database}_readonly@127.0.0.1:5432/${database}' -c 'select status, total_cents from orders where id = ${quoted('ID')} and reference = ${quoted(`x${run.runId}`)}'`).replace('ID', '\\d+')}$`,
          'm',
        ),
      );
      // The record is here: nothing to look for elsewhere.
      expect(run.stdout).not.toContain('the app wrote to');
      await expectFailedAndCleaned(run, 'it is in the production store');
    });

    it('update not persisted: the stored status is not the one expected', async () => {
      const spec = specWith('not-updated', [
        "expect: { rows: 1, row: { status: 'paid' } }",
        "expect: { rows: 1, row: { status: 'shipped' } }",
      ]);
      const run = await smoke(['--spec', spec]);
      expect(run.stderr).toMatch(/^✗ the update persisted: 1 row in production \(/m);
      expect(run.stderr).toContain('    expected: status = "shipped"\n    got:      status = "paid"\n');
      await expectFailedAndCleaned(run, 'the update persisted');
    });

    it('no log evidence: no line written since the run started matches the pattern', async () => {
      const spec = specWith('no-log', ['"order updated"', '"order shipped"']);
      const run = await smoke(['--spec', spec]);
      expect(run.stderr).toMatch(
        /^✗ the logs show the database work: no line of logs\/app\.log since the run started matches \(/m,
      );
      expect(run.stderr).toContain(`    expected: a line matching /"order shipped".*"${run.runId}"/\n`);
      expect(run.stderr).toMatch(
        /^ {4}got: {6}\d+ lines since the run started, none matching; the last: \{.*"msg":"request","method":"PATCH","path":"\/orders\/\d+","status":200/m,
      );
      await expectFailedAndCleaned(run, 'the logs show the database work');
    });

    describe('over budget, through a proxy that holds the read-back', () => {
      let proxy: DelayingProxy;
      // 300 ms for the read-back alone: over it warns, past 900 ms fails.
      const budgeted = () =>
        specWith(
          'budget',
          ["path: '/orders/{{orderId}}',", "path: '/orders/{{orderId}}', budgetMs: 300,"],
          [', database: true', ''],
        );
      beforeAll(async () => {
        proxy = await delayingProxy(app.url);
      });
      afterAll(() => proxy?.close());

      it('warns over its budget and passes', async () => {
        proxy.delay = { pattern: /^GET \/orders\/\d+$/, ms: 450 };
        const run = await smoke(['--spec', budgeted()], proxy.url);
        expect(run.code, run.output).toBe(0);
        const warned =
          /^! read it back from the public app: GET \/orders\/\d+ → 200 in (\d+) ms: over its 300 ms budget \(/m.exec(
            run.stderr,
          );
        expect(warned, run.stderr).not.toBeNull();
        expect(Number(warned![1])).toBeGreaterThanOrEqual(450);
        expect(run.stderr).toMatch(
          /^ {4}reproduce: curl -sS -X GET http:\/\/127\.0\.0\.1:\d+\/orders\/\d+$/m,
        );
        expect(run.stdout).toContain(`passed: run ${run.runId}`);
        expect(run.stdout).toContain(CLEANED);
      });

      it('fails past three times its budget, and cleans up', async () => {
        proxy.delay = { pattern: /^GET \/orders\/\d+$/, ms: 2_000 };
        const run = await smoke(['--spec', budgeted()], proxy.url);
        expect(run.stderr).toMatch(
          /^✗ read it back from the public app: GET \/orders\/\{?\d+\}?: no response within 9\d\d ms \(/m,
        );
        expect(run.stderr).toContain(
          '    expected: a response within 300 ms (the step fails at 900 ms)\n    got:      no response\n',
        );
        await expectFailedAndCleaned(run, 'read it back from the public app');
      });
    });
  });

  it("catches the app on staging's database at the sql step, and says where the record went", async () => {
    const onStaging = await startApp(shop.secrets('staging').DATABASE_URL!, 'logs/staging.log');
    const run = await smoke([], onStaging.url);
    expect(run.code, run.output).toBe(1);
    expect(run.stderr).toMatch(/^✓ read it back from the public app: GET/m);
    expect(run.stderr).toMatch(/^✗ it is in the production store: 0 rows in production \(/m);
    expect(run.stdout).toContain(
      `the app wrote to staging (${shop.database('staging')}), not production: 2 rows with this run's id are there`,
    );
    expect(run.stdout).toContain(`failed at it is in the production store: run ${run.runId}`);
    // The finally steps went through the same app: staging is clean again, production never had it.
    expect(run.stderr).toMatch(/^✓ finally delete the order: DELETE/m);
    expect(await rowsOf(run.runId, 'staging')).toEqual({ accounts: 0, orders: 0 });
    expect(await rowsOf(run.runId)).toEqual({ accounts: 0, orders: 0 });
  });

  it('fails at the first write when the app has credentials that can read but not write', async () => {
    const readOnly = await startApp(shop.secrets('production').DATABASE_READONLY_URL!, 'logs/readonly.log');
    expect((await fetch(`${readOnly.url}/health`)).status).toBe(200);
    const run = await smoke([], readOnly.url);
    expect(run.code, run.output).toBe(1);
    expect(run.stderr).toMatch(/^✗ create a record from the public app: POST \/accounts → 50[03] \(/m);
    expect(run.stderr).toContain('    expected: status 201\n');
    expect(run.stderr).toMatch(/^ {4}got: {6}50[03]: \{"error":/m);
    expect(run.stderr).toContain(
      '- finally delete the account: skipped: never captured accountId (an earlier step failed)',
    );
    expect(run.stdout).toContain(CLEANED);
    expect(await rowsOf(run.runId)).toEqual({ accounts: 0, orders: 0 });
    expect(await recorded(run.runId)).toMatchObject({ status: 'failed', cleaned: true });
  });

  it('a run killed with SIGKILL stays running with its rows, reported by scan data, swept by the next run', async () => {
    const spec = specWith('waits', [
      "    {\n      name: 'read it back from the public app',",
      `    {
      name: 'wait for a shipment that never comes',
      poll: {
        step: { sql: { query: "select 1 from orders where id = $1 and status = 'shipped'", params: ['{{orderId}}'] } },
        timeoutMs: 120_000,
      },
    },
    {
      name: 'read it back from the public app',`,
    ]);
    const killed = launchBin(
      ['smoke', '--env', 'production', '--confirm', 'production', '--app-url', app.url, '--spec', spec],
      shop.dir,
    );
    let runId = '';
    await until(async () => {
      runId = (await runningRuns())[0] ?? '';
      return runId !== '' && (await rowsOf(runId)).orders === 1;
    }, 30_000);
    killed.child.kill('SIGKILL');
    expect(await killed.exited).toBeNull();
    expect(killed.output()).toContain('✓ create an order for it');

    expect(await recorded(runId)).toMatchObject({ status: 'running', cleaned: null });
    expect(await rowsOf(runId)).toEqual({ accounts: 1, orders: 1 });
    const leftovers = async () => {
      const scan = await runCli(['scan', 'data', '--env', 'production', '--json'], { cwd: shop.dir });
      return JSON.stringify(JSON.parse(scan.stdout));
    };
    const before = await leftovers();
    expect(before).toContain('smoke.leftover');
    expect(before).toContain(runId);

    const next = await smoke(['--spec', specWith('quick', [', database: true', ''])]);
    expect(next.code, next.output).toBe(0);
    expect(next.stdout).toContain(`swept 2 rows of 1 run killed before their clean-up (${runId})`);
    expect(await rowsOf(runId)).toEqual({ accounts: 0, orders: 0 });
    expect(await recorded(runId)).toMatchObject({
      status: 'failed',
      cleaned: true,
      note: `killed; swept by run ${next.runId}`,
    });
    const after = await leftovers();
    expect(after).not.toContain('smoke.leftover');
    expect(after).not.toContain(runId);
  });

  describe('bad input', () => {
    it('an unknown capture: exit 2 naming the step and the capture, before anything runs', async () => {
      const spec = specWith('typo', ["path: '/orders/{{orderId}}',", "path: '/orders/{{orderID}}',"]);
      const run = await smoke(['--spec', spec]);
      expect(run.code, run.output).toBe(2);
      expect(run.stderr).toContain('read it back from the public app');
      expect(run.stderr).toContain('orderID');
      expect(run.stderr).toContain('orderId');
      expect(run.stderr).not.toContain('    at ');
      expect(run.stdout).toBe('');
    });

    it('an unreachable app: exit 3 naming its host and port', async () => {
      const port = await closedPort();
      const run = await smoke([], `http://127.0.0.1:${port}`);
      expect(run.code, run.output).toBe(3);
      expect(run.stderr).toContain(`error: the app at 127.0.0.1:${port} is unreachable (ECONNREFUSED)\n`);
      expect(run.stderr).toContain('fix: start the app, or point the smoke test at it with --app-url');
    });

    it('a sql step in an environment not declared, or not attached: exit 2 before anything is written', async () => {
      const before = await shop.query<{ n: number }>('production', 'select count(*)::int as n from accounts');
      const undeclared = await smoke([
        '--spec',
        specWith('env-qa', [
          "query: 'select status from orders where id = $1',",
          "env: 'qa', query: 'select status from orders where id = $1',",
        ]),
      ]);
      expect(undeclared.code, undeclared.output).toBe(2);
      expect(undeclared.stderr).toContain(
        'error: specs/env-qa.smoke.ts: the update persisted: env qa is not an environment of the project (development, staging, production)\n',
      );
      expect(undeclared.stderr).not.toContain('✓ create a record');

      const notAttached = await smoke([
        '--spec',
        specWith('env-dev', [
          "query: 'select status from orders where id = $1',",
          "env: 'development', query: 'select status from orders where id = $1',",
        ]),
      ]);
      expect(notAttached.code, notAttached.output).toBe(2);
      expect(notAttached.stderr).toContain(
        'error: a sql step names environment development, which is not attached\n',
      );
      expect(notAttached.stderr).not.toContain('✓ create a record');
      expect(await shop.query('production', 'select count(*)::int as n from accounts')).toEqual(before);
      expect(await runningRuns()).toEqual([]);
    });

    it('--spec of a missing file: exit 2', async () => {
      const run = await smoke(['--spec', 'specs/nowhere.smoke.ts']);
      expect(run.code, run.output).toBe(2);
      expect(run.stderr).toContain('specs/nowhere.smoke.ts');
    });

    it('keeps the token of app.headers out of stdout, stderr, --json, --junit and smoke_runs', async () => {
      const token = `tok_${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
      const spec = specWith(
        'secret',
        [
          'app: { budgetMs: 1_000 },',
          "app: { budgetMs: 1_000, headers: { authorization: 'Bearer {{env.SMOKE_TOKEN}}' } },",
        ],
        // The app echoes the name back: the token comes back in the body the failure quotes.
        ["name: 'Smoke Test'", "name: 'Smoke {{env.SMOKE_TOKEN}}'"],
        ['expect: { status: 201 },', 'expect: { status: 200 },'],
      );
      const args = [
        'smoke',
        '--env',
        'production',
        '--confirm',
        'production',
        '--app-url',
        app.url,
        '--spec',
        spec,
      ];
      const env = { SMOKE_TOKEN: token };
      const text = await runBin(args, { cwd: shop.dir, env });
      const json = await runBin([...args, '--json', '--junit', 'reports/secret.xml'], { cwd: shop.dir, env });
      expect(text.code, text.stderr).toBe(1);
      expect(json.code, json.stderr).toBe(1);
      // The token was sent and came back: the output shows where it was, masked.
      expect(text.stderr).toContain("-H 'authorization: ***'");
      expect(text.stderr).toContain('"name":"Smoke ***"');
      const junit = readFileSync(join(shop.dir, 'reports/secret.xml'), 'utf8');
      expect(junit).toContain('Smoke ***');
      const runIds = [RUN_ID.exec(text.stdout)![1]!, JSON.parse(json.stdout).runId];
      const stored = await shop.query('production', 'select * from launchdb.smoke_runs where id = any($1)', [
        runIds,
      ]);
      expect(stored).toHaveLength(2);
      for (const output of [
        text.stdout,
        text.stderr,
        json.stdout,
        json.stderr,
        junit,
        JSON.stringify(stored),
      ])
        expect(output).not.toContain(token);
    });
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface DelayingProxy {
  url: string;
  /** Requests (`METHOD /path`) matching `pattern` are held `ms` before they are passed on. */
  delay: { pattern: RegExp; ms: number } | undefined;
  close(): Promise<void>;
}

/** A real HTTP server in front of the app, answering as it does, late where told. */
async function delayingProxy(target: string): Promise<DelayingProxy> {
  const proxy: DelayingProxy = { url: '', delay: undefined, close: async () => {} };
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const delay = proxy.delay;
    if (delay?.pattern.test(`${req.method} ${req.url}`))
      await new Promise((resolve) => setTimeout(resolve, delay.ms));
    const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
    const answer = await fetch(`${target}${req.url}`, {
      method: req.method!,
      headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
      ...(body ? { body } : {}),
    }).catch(() => undefined);
    if (res.destroyed) return;
    if (!answer) return void res.writeHead(502).end();
    res.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' });
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}
