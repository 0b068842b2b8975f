// Config `access` (people, services, approvers, maxDirect, maxGrant, requestTtl, audit) and each environment's data owner: what
// loads, the one line per problem an invalid one gives, and the personal role naming convention.
import { afterEach, describe, expect, it } from 'vitest';
import { Project } from '../../src/core/project.js';
import {
  parsePersonalComment,
  personalAccessOf,
  personalRoleComment,
} from '../../src/stores/postgres/access/personal-role.js';
import { roleOwnerOf, whoIsWho } from '../../src/stores/postgres/access/role-owner.js';
import { personalRoleName, personOfRoleName } from '../../src/stores/postgres/provision/roles.js';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

let project: TempProject;
afterEach(() => project?.remove());

describe('config access', () => {
  it('loads people, services, approvers, maxDirect and a data owner per environment', async () => {
    project = tempProject(`{
      project: '{project}',
      environments: { production: { postgres: {}, owner: 'ada' }, development: { postgres: {} } },
      access: {
        people: { ada: { email: 'ada@shop.dev', name: 'Ada Lovelace' }, grace: { email: 'grace@shop.dev', roles: ['grace'] } },
        services: { web: { role: 'app' }, rds: { role: 'rdsadmin' } },
        approvers: ['ada', 'grace'],
        maxDirect: 3,
        appRole: { readOnly: ['audit_log'] },
      },
    }`);
    const loaded = await Project.load(project.dir);
    expect(loaded.config.environments.production?.owner).toBe('ada');
    expect(loaded.config.access?.maxDirect).toBe(3);

    const list = await runCli(['env', 'list', '--json'], { cwd: project.dir });
    expect(list.code, list.stderr).toBe(0);
    const environments = JSON.parse(list.stdout).environments as { environment: string; owner: unknown }[];
    expect(environments.map(({ environment, owner }) => ({ environment, owner }))).toEqual([
      { environment: 'production', owner: { id: 'ada', email: 'ada@shop.dev', name: 'Ada Lovelace' } },
      { environment: 'development', owner: null },
    ]);
    const table = await runCli(['env', 'list'], { cwd: project.dir });
    expect(table.stdout).toMatch(/ATTACHED\s+OWNER/);
    expect(table.stdout).toMatch(/production \(guarded\).*\s+ada\n/);
  });

  it('refuses an owner or approver who is not a declared person, and a bad email or id: exit 2, one line each', async () => {
    project = tempProject(`{
      project: '{project}',
      environments: { production: { postgres: {}, owner: 'bob' }, staging: { postgres: {}, owner: 'ada' } },
      access: {
        people: { ada: { email: 'ada@shop.dev' }, 'Grace Hopper': { email: 'grace@shop.dev' }, linus: { email: 'linus' } },
        approvers: ['ada', 'eve'],
        maxDirect: -1,
      },
    }`);
    const result = await runCli(['check', '--env', 'staging'], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    const lines = result.stderr.split('\n');
    const line = (start: string) => lines.filter((text) => text.includes(start));
    expect(line('access.people.Grace Hopper')).toEqual([
      expect.stringContaining(
        'access.people.Grace Hopper: expected a person id: lowercase letters, digits and _, starting with a letter',
      ),
    ]);
    expect(line('access.people.linus.email')).toEqual([
      expect.stringContaining('access.people.linus.email: expected an email address, got "linus"'),
    ]);
    expect(line('access.maxDirect')).toEqual([
      expect.stringContaining('access.maxDirect: expected a whole number from 0 to 10000, got -1'),
    ]);

    // With the shapes right, each reference to an undeclared person is its own line.
    project.write(
      'launchdb.config.ts',
      `export default {
        project: '${project.name}',
        environments: { production: { postgres: {}, owner: 'bob' }, staging: { postgres: {}, owner: 'ada' } },
        access: { people: { ada: { email: 'ada@shop.dev' } }, approvers: ['ada', 'eve'] },
      };\n`,
    );
    const refs = await runCli(['check', '--env', 'staging'], { cwd: project.dir });
    expect(refs.code).toBe(2);
    expect(refs.stderr).toContain(
      'environments.production.owner: "bob" is not a person in access.people (declared: ada); the data owner must be one',
    );
    expect(refs.stderr).toContain(
      'access.approvers.1: "eve" is not a person in access.people (declared: ada); the approver must be one',
    );
    expect(refs.stderr.match(/is not a person in access\.people/g)).toHaveLength(2);
    expect(refs.stderr).not.toContain('"ada" is not');
  });

  it('takes maxGrant and requestTtl as durations from 1m to 30d, and audit.read; refuses others in one line each', async () => {
    project = tempProject(`{
      project: '{project}',
      environments: { staging: { postgres: {} } },
      access: { people: { ada: { email: 'ada@shop.dev' } }, maxGrant: '4h', requestTtl: '2d', audit: { read: true } },
    }`);
    const loaded = await Project.load(project.dir);
    expect(loaded.config.access).toMatchObject({ maxGrant: '4h', requestTtl: '2d', audit: { read: true } });

    project.write(
      'launchdb.config.ts',
      `export default {
        project: '${project.name}',
        environments: { staging: { postgres: {} } },
        access: { maxGrant: '10y', requestTtl: '30s', audit: { write: true } },
      };\n`,
    );
    const result = await runCli(['check', '--env', 'staging'], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'access.maxGrant: expected a duration from 1m to 30d, a whole number and a unit (30m, 8h, 1d), got "10y"',
    );
    expect(result.stderr).toContain(
      'access.requestTtl: expected a duration from 1m to 30d, a whole number and a unit (30m, 8h, 1d), got "30s"',
    );
    expect(result.stderr).toMatch(/access\.audit.*write/);
  });
});

describe('personal roles', () => {
  it('are named <database>_p_<person>, refused past 63 bytes, and read back by name', () => {
    expect(personalRoleName('shop_production', 'ada')).toBe('shop_production_p_ada');
    expect(personOfRoleName('shop_production', 'shop_production_p_ada')).toBe('ada');
    expect(personOfRoleName('shop_production', 'shop_production_app')).toBeUndefined();
    expect(personOfRoleName('shop_staging', 'shop_production_p_ada')).toBeUndefined();
    expect(() => personalRoleName('a'.repeat(54), 'grace_hopper')).toThrow(
      /personal role a+_p_grace_hopper would exceed Postgres's 63-byte limit/,
    );
  });

  it('carry whose they are, the level and the expiry in their comment', () => {
    const expires = new Date('2026-12-08T16:00:00Z');
    const comment = personalRoleComment({ person: 'ada', level: 'admin', expires, extra: { request: '42' } });
    expect(comment).toBe(
      'launchdb personal access: person=ada, level=admin, expires=2026-12-08T16:00:00.000Z, request=42',
    );
    expect(parsePersonalComment(comment)).toEqual({
      person: 'ada',
      level: 'admin',
      expires,
      extra: { request: '42' },
    });
    expect(parsePersonalComment('made by hand for the audit')).toBeUndefined();
    expect(() =>
      personalRoleComment({ person: 'ada', level: 'read', expires, extra: { reason: 'two words' } }),
    ).toThrow();

    // By name alone (no comment): whose, and the expiry from VALID UNTIL.
    const validUntil = new Date('2026-12-09T00:00:00Z');
    expect(
      personalAccessOf('shop_production', { name: 'shop_production_p_ada', comment: null, validUntil }),
    ).toEqual({
      person: 'ada',
      expires: validUntil,
      source: 'name',
    });
  });

  it('of a person missing from access.people belong to nobody the config knows', () => {
    const who = whoIsWho('shop_production', { people: { ada: { email: 'ada@shop.dev' } } });
    const role = (name: string) => roleOwnerOf({ name, comment: null, validUntil: null }, who).owner;
    expect(role('shop_production_p_ada')).toEqual({ kind: 'person', person: 'ada' });
    expect(role('shop_production_p_bob')).toEqual({
      kind: 'unknown',
      reason: 'personal role of "bob", who is not in access.people',
    });
    expect(role('shop_production_app')).toEqual({ kind: 'launchdb', roleKind: 'app' });
    expect(role('someone')).toEqual({ kind: 'unknown' });
  });
});
