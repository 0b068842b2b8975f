// The console's Access tab over HTTP with real data: on a private scram cluster, staging with a
// personal grant and production with an approved and a pending request, made by the CLI; each
// environment's login roles and whose they are, the grants and requests with their expiry, and the
// audit trail filtered by actor, action and age, newest first, 50 a page. Bad filters are a 400 with
// one line; an environment not attached, or embedded, says so; an unknown one is a 404. Chromium
// visits the tab under the CSP.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAuditEvent } from '../../src/stores/postgres/audit/append-event.js';
import type { AuditDraft } from '../../src/stores/postgres/audit/audit-event.js';
import { auditSigner } from '../../src/stores/postgres/audit/audit-key.js';
import { openEmbedded } from '../../src/stores/postgres/embedded.js';
import { CHROMIUM, launchChromium } from '../helpers/browser.js';
import { cli, db, fixture, role, superuser, useAccessProject } from '../helpers/personal-access.js';
import { screenshot, signInAndGo, watchedPage } from './browser-session.js';
import {
  type ConsoleClient,
  type ServedConsole,
  signedInClient,
  startTestConsole,
} from './console-helpers.js';
import { idsOf, plain, textOf } from './page-text.js';

useAccessProject(['staging', 'production']);

let served: ServedConsole;
let viewer: ConsoleClient;
/** The production requests: linus's approved by grace, mary's pending. */
const requests = { approved: 0, pending: 0 };

beforeAll(async () => {
  const granted = await cli(
    [
      'access',
      'grant',
      '--env',
      'staging',
      '--person',
      'linus',
      '--level',
      'read',
      '--for',
      '4h',
      '--reason',
      'reports',
    ],
    'ada@shop.dev',
  );
  expect(granted.code, granted.stderr).toBe(0);
  const ask = async (person: string, level: string, duration: string, reason: string, actor: string) => {
    const asked = await cli(
      [
        'access',
        'request',
        '--env',
        'production',
        '--person',
        person,
        '--level',
        level,
        '--for',
        duration,
      ].concat(['--reason', reason, '--json']),
      actor,
    );
    expect(asked.code, asked.stderr).toBe(0);
    return (JSON.parse(asked.stdout) as { id: number }).id;
  };
  requests.approved = await ask('linus', 'read', '2h', 'INC-7: compare totals', 'ada@shop.dev');
  const approved = await cli(
    ['access', 'approve', String(requests.approved), '--env', 'production', '--confirm', 'production'],
    'grace@shop.dev',
  );
  expect(approved.code, approved.stderr).toBe(0);
  requests.pending = await ask('mary', 'write', '1h', 'fix a typo', 'mary@shop.dev');

  served = await startTestConsole(fixture.project.dir);
  viewer = await signedInClient(served.url);
}, 120_000);

afterAll(async () => {
  await served?.close();
});

async function page(path: string, status = 200): Promise<string> {
  const response = await viewer.get(path);
  const html = await response.text();
  expect(response.status, plain(html).slice(0, 600)).toBe(status);
  return html;
}

describe('the Access tab of a server environment', () => {
  it("lists every login role with what it can do and whose it is, read as the environment's read-only role", async () => {
    const html = await page('/env/staging/access');
    expect(plain(html)).toContain(
      `Read from 127.0.0.1:${fixture.cluster.port}/${db('staging')} as ${db('staging')}_readonly.`,
    );
    expect(textOf(html, 'roles')).toContain(`can log in to ${db('staging')}; 1 app table(s)`);
    expect(textOf(html, `role-${db('staging')}_app`)).toMatch(/service web .* all 1 all 1/);
    expect(textOf(html, `role-${db('staging')}_owner`)).toContain('service migrations');
    expect(textOf(html, `role-${db('staging')}_readonly`)).toMatch(/ - all 1 no /);
    // The personal grant: whose, at what level, until when.
    expect(textOf(html, `role-${role('staging', 'linus')}`)).toContain('linus');
    expect(textOf(html, 'grant-linus')).toMatch(
      new RegExp(`^linus ${role('staging', 'linus')} read \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d 0$`),
    );
    // Staging has no request: the section says so.
    expect(textOf(html, 'requests')).toContain('No request waits for approval or gives access now.');
  });

  it('shows the approved request with when its access ends and the pending one with when it lapses', async () => {
    const html = await page('/env/production/access');
    expect(textOf(html, `request-${requests.approved}`)).toMatch(
      /^\d+ linus read 2h approved, until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z ada@shop\.dev grace@shop\.dev INC-7: compare totals$/,
    );
    expect(textOf(html, `request-${requests.pending}`)).toMatch(
      /^\d+ mary write 1h pending until \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z mary@shop\.dev - fix a typo$/,
    );
    expect(textOf(html, 'grant-linus')).toMatch(new RegExp(`^linus ${role('production', 'linus')} read `));
    expect(textOf(html, 'grant-mary')).toBeUndefined();
  });

  it('shows the audit trail newest first, filtered by actor, action and age from the query string', async () => {
    const actions = (html: string) =>
      idsOf(html, 'event-').map((id) => textOf(html, id)!.split(' ').slice(4, 6).join(' '));
    const all = await page('/env/production/access');
    const seqs = idsOf(all, 'event-').map((id) => Number(id.slice('event-'.length)));
    expect(seqs.length).toBeGreaterThanOrEqual(5);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    expect(actions(all).slice(0, 3)).toEqual(['access request', 'access approve', 'access request']);
    expect(textOf(all, `event-${seqs[0]}`)).toMatch(
      /^\d+ \d{4}-\d\d-\d\d \d\d:\d\d:\d\d mary@shop\.dev access request ok --env production --for 1h --json --level write --person mary --reason fix a typo$/,
    );

    const byGrace = await page('/env/production/access?actor=GRACE');
    expect(actions(byGrace)).toEqual(['access approve']);
    expect(byGrace).toContain('value="GRACE"');
    expect(actions(await page('/env/production/access?action=access+request'))).toEqual([
      'access request',
      'access request',
    ]);
    expect(actions(await page('/env/production/access?action=access&actor=mary'))).toEqual([
      'access request',
    ]);
    expect(idsOf(await page('/env/production/access?since=1h'), 'event-')).toEqual(idsOf(all, 'event-'));
    // What the query string says is shown back in the form as text, never as markup.
    const markup = await page('/env/production/access?actor=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E');
    expect(markup).not.toContain('<script>alert');
    expect(markup).toContain('value="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    const future = await page('/env/production/access?since=2999-01-01');
    expect(idsOf(future, 'event-')).toEqual([]);
    expect(textOf(future, 'audit')).toContain('No event matches.');
  });

  it('names the privilege a part lacks and shows the rest', async () => {
    const readonly = `${db('production')}_readonly`;
    await superuser(`revoke select on launchdb.access_requests from ${readonly}`, db('production'));
    try {
      const html = await page('/env/production/access');
      expect(textOf(html, 'requests')).toContain(
        `reading the access requests needs SELECT on launchdb.access_requests, which ${readonly} does not have: grant select on launchdb.access_requests to "${readonly}"`,
      );
      expect(textOf(html, `request-${requests.pending}`)).toBeUndefined();
      expect(textOf(html, 'grant-linus')).toContain('linus');
      expect(idsOf(html, 'event-').length).toBeGreaterThanOrEqual(5);
    } finally {
      await superuser(`grant select on launchdb.access_requests to ${readonly}`, db('production'));
    }
  });

  it('answers a bad filter with a 400 and one line naming it and the fix, the rest of the tab still shown', async () => {
    const cases: [string, string][] = [
      ['since=3+days', 'since 3 days is not a duration: write a whole number and a unit: 30m, 12h, 7d or 2w'],
      ['since=2026-13-45', 'since 2026-13-45 is not a date: write a date as 2026-01-31'],
      ['before=abc', "before abc is not an event's number: give the SEQ of an event"],
      ['before=0', "before 0 is not an event's number"],
      [`actor=${'a'.repeat(201)}`, "actor is longer than 200 characters: give part of the actor's name"],
    ];
    for (const [query, line] of cases) {
      const html = await page(`/env/production/access?${query}`, 400);
      expect(textOf(html, 'audit'), query).toContain(line);
      expect(idsOf(html, 'event-'), query).toEqual([]);
      expect(textOf(html, `request-${requests.pending}`), query).toContain('mary');
    }
    expect(served.log).toEqual([]);
  });
});

describe('the Access tab of an embedded environment', () => {
  it('says an environment that is not attached yet is not, with the command (200)', async () => {
    const html = await page('/env/dev/access');
    expect(plain(html)).toContain('dev is not attached yet: launchdb attach postgres --env dev');
    expect(textOf(html, 'audit')).toBeUndefined();
  });

  it('says an embedded database has no logins, and pages its audit trail 50 events at a time', async () => {
    const attached = await cli(['attach', 'postgres', '--env', 'dev']);
    expect(attached.code, attached.stderr).toBe(0);
    // 60 more events, appended as launchdb appends them: 61 in all, two pages.
    const embedded = await openEmbedded(join(fixture.project.dir, '.launchdb', 'dev', 'postgres'));
    try {
      const signer = auditSigner({ stateDir: join(fixture.project.dir, '.launchdb'), vars: {} });
      for (let i = 1; i <= 60; i++) {
        const draft: AuditDraft = {
          action: i % 2 ? 'migrate status' : 'seed',
          actor: { id: `bot-${i}`, source: 'launchdb', identities: { launchdb: `bot-${i}` } },
          target: { project: fixture.project.name, environment: 'dev', backing: 'embedded', database: 'dev' },
          parameters: { flags: { env: 'dev' } },
          result: { status: 'ok' },
        };
        await appendAuditEvent(embedded, draft, signer);
      }
    } finally {
      await embedded.close();
    }

    const first = await page('/env/dev/access');
    expect(textOf(first, 'roles')).toContain(
      'environment dev is embedded: it has no logins (every connection is its one superuser), so there is no access to list: attach a server',
    );
    expect(textOf(first, 'requests')).toBeUndefined();
    const seqs = (html: string) => idsOf(html, 'event-').map((id) => Number(id.slice('event-'.length)));
    expect(seqs(first)).toEqual(Array.from({ length: 50 }, (_, i) => 61 - i));
    expect(first).toContain('href="/env/dev/access?before=12#audit"');
    const second = await page('/env/dev/access?before=12');
    expect(seqs(second)).toEqual(Array.from({ length: 11 }, (_, i) => 11 - i));
    expect(textOf(second, 'event-1')).toMatch(/ attach ok postgres --env dev$/);
    expect(second).not.toContain('older events');
    expect(second).toContain('href="/env/dev/access#audit"');
    // The filters hold across pages: 30 seeds, the newest 25 on the first page and 5 on the next.
    const seeds = await page('/env/dev/access?action=seed&since=1h');
    expect(seqs(seeds)).toEqual(Array.from({ length: 30 }, (_, i) => 61 - 2 * i));
    expect(seeds).not.toContain('older events');
    const mixed = await page('/env/dev/access?actor=bot-');
    expect(seqs(mixed)).toHaveLength(50);
    const next = /href="(\/env\/dev\/access\?actor=bot-&amp;before=(\d+)#audit)"/.exec(mixed);
    expect(next?.[2]).toBe('12');
    expect(seqs(await page('/env/dev/access?actor=bot-&before=12'))).toEqual(
      Array.from({ length: 10 }, (_, i) => 11 - i),
    );
  });

  it('answers an environment the project does not have with a 404 naming the ones it has', async () => {
    const html = await page('/env/stagin/access', 404);
    expect(plain(html)).toContain(
      'This project has no environment "stagin"; it has staging, production, dev. Did you mean staging?',
    );
  });
});

describe.skipIf(!CHROMIUM && !process.env.CI)('the Access tab in Chromium', () => {
  it('shows the roles, grants, requests and trail, filters by actor with the form, under the CSP', async () => {
    const browser = await launchChromium();
    try {
      const { page: tab, problems } = await watchedPage(browser);
      await signInAndGo(tab, served.url, '/env/production/access');
      expect(await tab.locator('nav.tabs a.current').textContent()).toBe('Access');
      expect(await tab.locator(`#request-${requests.pending}`).textContent()).toContain('pending until');
      await tab.fill('form.filters input[name=actor]', 'grace');
      await tab.click('form.filters button[type=submit]');
      await tab.waitForURL(/actor=grace/);
      expect(await tab.locator('table.events tbody tr').count()).toBe(1);
      await tab.goto(`${served.url}/env/production/access`);
      await screenshot(tab, 'console-access.png');
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
