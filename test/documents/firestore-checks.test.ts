// Firestore projects checked statically, through the CLI: fixtures laid out as `firebase init` writes
// them (firebase.json, firestore.rules, firestore.indexes.json, storage.rules at the root; the bad
// variants in folders named by the config). Each rules check fails on its fixture with file:line and
// passes on the ready project; a rules file that does not parse is refused with file:line.
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { type TempProject, tempProject } from '../helpers/project.js';

const FIXTURES = fileURLToPath(new URL('./fixtures', import.meta.url));
let project: TempProject;

beforeAll(() => {
  const rules = (folder: string) => `{ firestore: { rules: '${folder}/firestore.rules' } }`;
  project = tempProject(`{
  project: '{project}',
  environments: {
    ready: { documents: { firestore: { queries: [
      { collection: 'orders', where: ['status'], orderBy: ['createdAt desc'] },
      { collection: 'products', where: ['category', 'published'] },
    ] } } },
    'missing-index': { documents: { firestore: { queries: [
      { collection: 'orders', where: ['status'], orderBy: ['createdAt desc'] },
      { collection: 'orders', where: ['customerId'], range: 'total' },
    ] } } },
    'test-mode': { documents: ${rules('test-mode')} },
    expired: { documents: ${rules('expired')} },
    'open-v1': { documents: ${rules('open-v1')} },
    'user-unbound': { documents: ${rules('user-unbound')} },
    'storage-unbounded': { documents: { firestore: { storageRules: 'storage-unbounded/storage.rules' } } },
    unparsable: { documents: ${rules('unparsable')} },
  },
}`);
  cpSync(join(FIXTURES, 'ready'), project.dir, { recursive: true });
  for (const folder of ['test-mode', 'expired', 'open-v1', 'user-unbound', 'storage-unbounded', 'unparsable'])
    cpSync(join(FIXTURES, folder), join(project.dir, folder), { recursive: true });
});

afterAll(() => project?.remove());

interface Reported {
  id: string;
  area: string;
  status: string;
  summary: string;
  details?: { findings?: string[]; add?: unknown[] };
  fix?: string;
}

async function check(env: string) {
  const result = await runCli(['check', '--env', env, '--json', '--no-record'], { cwd: project.dir });
  const report = JSON.parse(result.stdout) as { checks: Reported[] };
  const byId = Object.fromEntries(report.checks.map((entry) => [entry.id, entry]));
  return { code: result.code, byId, report };
}

describe('a ready Firestore project', () => {
  it('passes every rules check and has the index its query needs; Postgres checks skip', async () => {
    const { code, byId, report } = await check('ready');
    expect(report.checks.every((entry) => entry.area === 'documents')).toBe(true);
    for (const id of [
      'documents.rules-version',
      'documents.rules-open',
      'documents.rules-test-mode',
      'documents.rules-recursive-write',
      'documents.rules-user-binding',
      'documents.storage-size-limit',
      'documents.indexes-declared',
    ])
      expect(byId[id], id).toMatchObject({ status: 'pass' });
    for (const id of ['documents.reachable', 'documents.collections', 'documents.indexes', 'documents.rls'])
      expect(byId[id]?.status, id).toBe('skip');
    expect(code).toBe(0);
  });

  it('attach reads and parses the files, records nothing, and says so', async () => {
    const result = await runCli(['attach', 'documents', '--env', 'ready', '--json'], { cwd: project.dir });
    expect(result.code, result.stderr).toBe(0);
    const attached = JSON.parse(result.stdout);
    expect(attached).toMatchObject({
      mode: 'firestore',
      backing: 'server',
      location: 'the Firebase files of the project folder',
    });
    // Nothing was created anywhere: the files were read and found to parse.
    expect(attached.provisioned).toBeUndefined();
    expect(attached.checked).toEqual([
      'firestore.rules: parses (nothing recorded; `launchdb check` judges it)',
      'firestore.indexes.json: parses (nothing recorded; `launchdb check` judges it)',
      'storage.rules: parses (nothing recorded; `launchdb check` judges it)',
    ]);
  });

  it('env list has a documents row naming the rules file', async () => {
    const result = await runCli(['env', 'list', '--json'], { cwd: project.dir });
    expect(result.code, result.stderr).toBe(0);
    const ready = JSON.parse(result.stdout).environments.find(
      (env: { environment: string }) => env.environment === 'ready',
    );
    expect(ready.stores).toEqual([
      expect.objectContaining({
        store: 'documents',
        host: 'firestore.rules',
        status: 'reachable',
        attached: true,
        marker: null,
      }),
    ]);
  });
});

describe('each finding fails with file:line', () => {
  it('test mode, still open: fails naming the date; the recursive write warns (it has a condition)', async () => {
    const { code, byId } = await check('test-mode');
    expect(byId['documents.rules-test-mode']).toMatchObject({
      status: 'fail',
      summary: 'test-mode/firestore.rules:16: test-mode rule open to everyone until 2099-01-06',
    });
    expect(byId['documents.rules-recursive-write']).toMatchObject({
      status: 'warn',
      summary: expect.stringMatching(
        /^test-mode\/firestore\.rules:16: allow read, write: if request\.time < .* under \/databases\/\{database\}\/documents\/\{document=\*\*\}/,
      ),
    });
    expect(byId['documents.rules-version']?.status).toBe('pass');
    expect(code).toBe(1);
  });

  it('test mode, expired: fails saying it expired and that the app is refused too', async () => {
    const { byId } = await check('expired');
    expect(byId['documents.rules-test-mode']?.summary).toBe(
      "expired/firestore.rules:16: test-mode rule expired on 2024-01-06: every read/write is refused, the app's too",
    );
  });

  it('version 1 rules open to everyone: no rules_version, `allow read, write;`, `if true`, a recursive write', async () => {
    const { byId } = await check('open-v1');
    expect(byId['documents.rules-version']).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(/^open-v1\/firestore\.rules:1: no rules_version = '2'/),
    });
    expect(byId['documents.rules-open']).toMatchObject({ status: 'fail' });
    expect(byId['documents.rules-open']?.details?.findings).toEqual([
      'open-v1/firestore.rules:4: allow read, write on /databases/{database}/documents/{document=**} grants to everyone',
      'open-v1/firestore.rules:7: allow read: if true on /databases/{database}/documents/posts/{postId} grants to everyone',
    ]);
    expect(byId['documents.rules-recursive-write']).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(/^open-v1\/firestore\.rules:4: allow read, write under/),
    });
  });

  it('a user document any signed-in user may write', async () => {
    const { byId } = await check('user-unbound');
    expect(byId['documents.rules-user-binding']).toMatchObject({
      status: 'fail',
      summary:
        'user-unbound/firestore.rules:8: allow write: if request.auth != null on /databases/{database}/documents/users/{userId} does not compare userId with request.auth.uid',
    });
    expect(byId['documents.rules-open']?.status).toBe('pass');
  });

  it('storage rules letting a file be written with no size bound', async () => {
    const { byId } = await check('storage-unbounded');
    expect(byId['documents.storage-size-limit']).toMatchObject({
      status: 'fail',
      summary: expect.stringMatching(
        /^storage-unbounded\/storage\.rules:6: allow read, write: if .* sets no bound on request\.resource\.size$/,
      ),
    });
  });

  it('a query needing a composite index that firestore.indexes.json lacks: the entry to add is given', async () => {
    const { byId } = await check('missing-index');
    expect(byId['documents.indexes-declared']).toMatchObject({
      status: 'fail',
      summary:
        'environments.missing-index.documents.firestore.queries[1]: firestore.indexes.json has no index for orders (customerId ==, total asc)',
    });
    expect(byId['documents.indexes-declared']?.details?.add).toEqual([
      {
        collectionGroup: 'orders',
        queryScope: 'COLLECTION',
        fields: [
          { fieldPath: 'customerId', order: 'ASCENDING' },
          { fieldPath: 'total', order: 'ASCENDING' },
        ],
      },
    ]);
  });
});

describe('a rules file that does not parse', () => {
  it('check: rules-version fails with file:line and what was expected; the other rules checks skip, naming it', async () => {
    const { code, byId } = await check('unparsable');
    expect(byId['documents.rules-version']).toMatchObject({
      status: 'fail',
      summary: 'unparsable/firestore.rules:7: expected `;` to end the statement, found `}`',
    });
    expect(byId['documents.rules-open']).toMatchObject({
      status: 'skip',
      summary: 'unparsable/firestore.rules does not parse (documents.rules-version says where)',
    });
    expect(code).toBe(1);
  });

  it('attach: refused with exit 2 and the same file:line', async () => {
    const result = await runCli(['attach', 'documents', '--env', 'unparsable'], { cwd: project.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'unparsable/firestore.rules:7: expected `;` to end the statement, found `}`',
    );
  });
});
