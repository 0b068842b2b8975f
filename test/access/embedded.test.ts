// An embedded environment has no logins: `access list` says so and exits 2, the access checks skip
// with the reason; the data owner still shows in the report's header.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

let project: TempProject;
beforeAll(async () => {
  project = tempProject(`{
    project: '{project}',
    environments: { production: { postgres: {}, owner: 'ada' } },
    access: { people: { ada: { email: 'ada@shop.dev', name: 'Ada Lovelace' } }, services: { web: { role: 'app' } } },
  }`);
  const attached = await runCli(['attach', 'postgres', '--env', 'production', '--confirm', 'production'], {
    cwd: project.dir,
  });
  expect(attached.code, attached.stderr).toBe(0);
}, 60_000);
afterAll(() => project?.remove());

const ACCESS_CHECKS = [
  'access.data-owner',
  'access.unknown-roles',
  'access.superusers',
  'access.direct-access-count',
  'access.expired-grants',
  'access.personal-password-expiry',
];

describe('an embedded environment', () => {
  it('has no access to list: one line saying why and what to do, exit 2', async () => {
    const result = await runCli(['access', 'list', '--env', 'production'], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      'environment production is embedded: it has no logins (every connection is its one superuser), so there is no access to list',
    );
    expect(result.stderr).toContain(
      'attach a server: `launchdb attach postgres --env production --admin-url …`',
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('skips the access checks with the reason, and names the data owner in the report header', async () => {
    const result = await runCli(['check', '--env', 'production', '--only', 'access', '--json'], {
      cwd: project.dir,
    });
    const report = JSON.parse(result.stdout) as {
      owner: unknown;
      checks: { id: string; status: string; summary: string }[];
    };
    for (const id of ACCESS_CHECKS) {
      const check = report.checks.find((found) => found.id === id);
      expect(check?.status, id).toBe('skip');
      expect(check?.summary, id).toMatch(/^embedded: /);
    }
    expect(report.owner).toEqual({ id: 'ada', email: 'ada@shop.dev', name: 'Ada Lovelace' });
    const markdown = await runCli(
      ['check', '--env', 'production', '--only', 'access', '--markdown', 'report.md'],
      {
        cwd: project.dir,
      },
    );
    expect(markdown.stdout).toContain('data owner: Ada Lovelace <ada@shop.dev>');
    // Markdown escapes the angle brackets, which would otherwise read as HTML.
    expect(readFileSync(`${project.dir}/report.md`, 'utf8')).toContain(
      'data owner: Ada Lovelace \\<ada@shop.dev\\>',
    );
  });
});
