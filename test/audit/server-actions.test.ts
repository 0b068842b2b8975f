// On a server: provisioning, rotation, pool plan --apply and a restore named by URL each leave their
// event; no password, URL password or key ever reaches the trail or the witness file; an audit key
// given by LAUNCHDB_AUDIT_KEY signs; and an event that cannot be appended after a change that
// succeeded is a loud warning, never a failed command.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSecrets } from '../../src/core/secrets.js';
import type { AuditEvent } from '../../src/stores/postgres/audit/audit-event.js';
import { type CliResult, runCli } from '../helpers/cli.js';
import { adminQuery, SERVER_URL, serverAvailable } from '../helpers/databases.js';
import { type TempProject, tempProject } from '../helpers/project.js';

/** Trust auth ignores it; the trail must not hold it. */
const ADMIN_PASSWORD = 'hunter2-never-in-the-trail';

describe.runIf(serverAvailable)('actions on a server', () => {
  let project: TempProject;
  let database: string;
  const seen: string[] = [];
  const adminUrl = (() => {
    const url = new URL(SERVER_URL);
    url.password = ADMIN_PASSWORD;
    return url.toString();
  })();

  async function cli(argv: string[], vars: Record<string, string> = {}): Promise<CliResult> {
    Object.assign(process.env, vars);
    try {
      const result = await runCli(argv, { cwd: project.dir });
      seen.push(result.stdout, result.stderr);
      return result;
    } finally {
      for (const name of Object.keys(vars)) delete process.env[name];
    }
  }

  async function trail(): Promise<{ text: string; events: AuditEvent[] }> {
    const { rows } = await adminQuery(
      'select event, key, signature from launchdb.audit order by seq',
      [],
      database,
    );
    return {
      text: JSON.stringify(rows),
      events: rows.map((row: { event: string }) => JSON.parse(row.event) as AuditEvent),
    };
  }

  /** Every secret the project holds now: the provisioned roles' passwords. */
  function secrets(): string[] {
    return Object.values(readSecrets(join(project.dir, '.launchdb'), 'staging'))
      .map((url) => decodeURIComponent(new URL(url).password))
      .filter(Boolean);
  }

  beforeAll(() => {
    project = tempProject(`{
      project: '{project}',
      environments: { staging: { postgres: {} } },
    }`);
    database = `${project.name}_staging`;
  });

  afterAll(async () => {
    if (database) {
      await adminQuery(`drop database if exists ${database} with (force)`).catch(() => {});
      for (const kind of ['owner', 'app', 'readonly']) {
        await adminQuery(`drop role if exists ${database}_${kind}`).catch(() => {});
      }
    }
    project?.remove();
  });

  it('provisioning, rotation, pool plan --apply and a restore by URL: one event each, no secret in any', async () => {
    const passwords: string[] = [];
    const run = async (argv: string[]) => {
      const result = await cli(argv);
      expect(result.code, `${argv.join(' ')}: ${result.stderr}`).toBe(0);
      passwords.push(...secrets());
    };
    await run(['attach', 'postgres', '--env', 'staging', '--admin-url', adminUrl]);
    await run(['attach', 'postgres', '--env', 'staging', '--admin-url', adminUrl, '--rotate']);
    project.write('.env', `DATABASE_ADMIN_URL=${adminUrl}\n`);
    await run(['pool', 'plan', '--env', 'staging', '--apply']);
    const backup = JSON.parse((await cli(['backup', 'create', '--env', 'staging', '--json'])).stdout).id;
    const ownerUrl = readSecrets(join(project.dir, '.launchdb'), 'staging').DATABASE_MIGRATION_URL!;
    await run(['backup', 'restore', backup, '--to', ownerUrl, '--clean']);

    const { text, events } = await trail();
    expect(events.map((event) => [event.action, event.result.status])).toEqual([
      ['attach', 'ok'],
      ['attach', 'ok'],
      ['pool plan --apply', 'ok'],
      ['backup restore', 'ok'],
    ]);
    expect(events[0]!.parameters.flags).toMatchObject({
      'admin-url': adminUrl.replace(ADMIN_PASSWORD, '***'),
    });
    expect(events[1]!.parameters.flags).toMatchObject({ rotate: true });
    expect(events[3]!.target).toMatchObject({
      environment: 'staging',
      database: expect.stringContaining(database),
    });
    expect(String((events[3]!.parameters.flags as { to?: string }).to)).toContain(':***@');

    const heads = readFileSync(join(project.dir, '.launchdb', 'audit-heads'), 'utf8');
    expect(new Set(passwords).size).toBeGreaterThanOrEqual(6);
    for (const secret of [ADMIN_PASSWORD, ...passwords]) {
      expect(text).not.toContain(secret);
      expect(heads).not.toContain(secret);
      for (const output of seen) expect(output).not.toContain(secret);
    }
  }, 180_000);

  it('signs with LAUNCHDB_AUDIT_KEY when it is set, and never records the key', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const result = await cli(['migrate', 'up', '--env', 'staging'], { LAUNCHDB_AUDIT_KEY: pem });
    expect(result.code, result.stderr).toBe(0);
    const { rows } = await adminQuery(
      'select key, event from launchdb.audit order by seq desc limit 1',
      [],
      database,
    );
    expect(rows[0].key).toBe(publicKey.export({ format: 'jwk' }).x);
    const body = pem.split('\n')[1]!;
    expect(JSON.stringify(rows)).not.toContain(body);
    expect(readFileSync(join(project.dir, '.launchdb', 'audit-heads'), 'utf8')).not.toContain(body);
    // That key is witnessed now, so the trail still verifies from this machine.
    expect((await cli(['audit', 'verify', '--env', 'staging'])).code).toBe(0);
  }, 60_000);

  it('a change that succeeds but cannot be recorded still succeeds, with a loud warning', async () => {
    const result = await cli(['migrate', 'up', '--env', 'staging'], { LAUNCHDB_AUDIT_KEY: 'not a key' });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(
      'warning: migrate up changed staging, but its audit event was NOT recorded: $LAUNCHDB_AUDIT_KEY is not an Ed25519 private key in PEM',
    );
    expect(result.stderr).not.toContain('not a key');
  }, 60_000);
});
