// `check` asks who is acting without blocking (git answers while the checks run): the answer is the
// one every audited command records.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { whoIsActing, whoIsActingSoon } from '../../src/stores/postgres/audit/actor.js';

describe('whoIsActingSoon', () => {
  const repo = mkdtempSync(join(tmpdir(), 'launchdb-actor-'));
  execFileSync('git', ['init', '-q'], { cwd: repo });
  execFileSync('git', ['config', 'user.email', 'ada@shop.example'], { cwd: repo });
  const plain = mkdtempSync(join(tmpdir(), 'launchdb-actor-'));
  afterAll(() => {
    rmSync(repo, { recursive: true, force: true });
    rmSync(plain, { recursive: true, force: true });
  });

  it("finds the project's git user.email, as whoIsActing does", async () => {
    const actor = await whoIsActingSoon(repo, {});
    expect(actor).toEqual(whoIsActing(repo, {}));
    expect(actor).toMatchObject({ id: 'ada@shop.example', source: 'git' });
  });

  it('prefers LAUNCHDB_ACTOR, and keeps the other identities', async () => {
    const vars = { LAUNCHDB_ACTOR: 'ci-deploy' };
    const actor = await whoIsActingSoon(repo, vars);
    expect(actor).toEqual(whoIsActing(repo, vars));
    expect(actor.id).toBe('ci-deploy');
    expect(actor.identities.git).toBe('ada@shop.example');
  });

  it('outside a repository, as whoIsActing', async () => {
    expect(await whoIsActingSoon(plain, {})).toEqual(whoIsActing(plain, {}));
  });
});
