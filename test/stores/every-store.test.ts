// One environment with every store kind, embedded: each attached, `env list` and `check` show them all,
// in report order, each in its own area, and the console names them and shows their checks by area.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEmbeddedState } from '../../src/stores/cache/embedded-state.js';
import { type ServedConsole, signedInClient, startTestConsole } from '../console/console-helpers.js';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

let project: TempProject;
const cli = (args: string[]) => runCli(args, { cwd: project.dir });

beforeAll(async () => {
  project = tempProject(`{
  project: '{project}',
  environments: {
    development: {
      postgres: {},
      documents: { collections: { users: { indexes: [{ fields: ['email'], unique: true }] } } },
      objects: { backup: false },
      cache: {},
    },
    preview: { objects: {} },
    production: {
      postgres: {},
      documents: { collections: { users: {} } },
      objects: {},
      cache: {},
    },
  },
}`);
  for (const store of ['postgres', 'documents', 'objects', 'cache']) {
    const attached = await cli(['attach', store, '--env', 'development']);
    expect(attached.code, `${store}: ${attached.stderr}`).toBe(0);
  }
}, 120_000);

afterAll(() => {
  // The embedded cache is left running for the app: the test stops its own.
  const state = project && readEmbeddedState(join(project.dir, '.launchdb/development/cache'));
  if (state) process.kill(state.pid, 'SIGTERM');
  project?.remove();
});

describe('every store of every environment', () => {
  it('env list shows each declared store, in report order, reachable and marked for its environment', async () => {
    const listed = await cli(['env', 'list', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const environments = JSON.parse(listed.stdout).environments as {
      environment: string;
      stores: { store: string; reachable: boolean; marker: { environment: string } | null; status: string }[];
    }[];
    const development = environments.find((env) => env.environment === 'development')!;
    expect(development.stores.map((store) => store.store)).toEqual([
      'postgres',
      'documents',
      'objects',
      'cache',
    ]);
    for (const store of development.stores) {
      expect(store, store.store).toMatchObject({ reachable: true, marker: { environment: 'development' } });
    }
    // Declared but never attached: said so, not an error.
    const preview = environments.find((env) => env.environment === 'preview')!;
    expect(preview.stores.map((store) => [store.store, store.status])).toEqual([['objects', 'not attached']]);
  });

  it('attaching any store to a guarded environment without confirmation is refused, before anything is made', async () => {
    // Its Postgres first, confirmed: documents live there.
    expect((await cli(['attach', 'postgres', '--env', 'production', '--confirm', 'production'])).code).toBe(
      0,
    );
    for (const store of ['documents', 'objects', 'cache']) {
      const refused = await cli(['attach', store, '--env', 'production']);
      expect(refused.code, store).toBe(2);
      expect(refused.stderr, store).toContain(
        'error: refusing to change guarded environment production without confirmation; nothing was changed',
      );
    }
    for (const folder of ['objects', 'cache']) {
      expect(existsSync(join(project.dir, '.launchdb/production', folder)), folder).toBe(false);
    }
    const checked = await cli([
      'check',
      '--env',
      'production',
      '--only',
      'documents',
      '--json',
      '--no-record',
    ]);
    const collections = JSON.parse(checked.stdout).checks.find(
      (check: { id: string }) => check.id === 'documents.collections',
    );
    expect(collections.status).toBe('fail');
  });

  it('check gives one report with every store in its own area, each reachable', async () => {
    const checked = await cli(['check', '--env', 'development', '--json']);
    const report = JSON.parse(checked.stdout) as { checks: { id: string; area: string; status: string }[] };
    const areas = new Set(report.checks.map((check) => check.area));
    for (const area of ['provisioning', 'documents', 'objects', 'cache']) expect(areas).toContain(area);
    const status = (id: string) => report.checks.find((check) => check.id === id)?.status;
    for (const id of [
      'provisioning.reachable',
      'documents.reachable',
      'objects.reachable',
      'cache.reachable',
    ]) {
      expect(status(id), id).toBe('pass');
    }
    // Objects left out of backups on purpose: a warning, not a failure.
    expect(status('objects.backups')).toBe('warn');
  });

  describe('in the console', () => {
    let served: ServedConsole;
    beforeAll(async () => {
      served = await startTestConsole(project.dir);
    });
    afterAll(async () => {
      await served?.close();
    });

    it('names every store on the home page and each environment page, and shows their checks by area', async () => {
      const client = await signedInClient(served.url);
      const home = await (await client.get('/')).text();
      expect(home).toContain('stores: postgres, documents, objects, cache');
      expect(home).toContain('stores: objects');
      const page = await (await client.get('/env/development')).text();
      expect(page).toContain('stores: postgres, documents, objects, cache');
      for (const area of ['documents', 'objects', 'cache']) expect(page).toContain(`id="area-${area}"`);
    });
  });
});
