// Finding and reading a Firebase project's files: firebase.json's names (one target, or a list of
// databases with `(default)` first), the config's names over them, and an indexes file that is not
// JSON refused with file:line.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadFirebaseFiles } from '../../src/stores/documents/firestore/firebase-files.js';

const RULES =
  "rules_version = '2';\nservice cloud.firestore {\n  match /databases/{database}/documents {\n  }\n}\n";
let root: string;

function project(files: Record<string, string>): string {
  root = mkdtempSync(join(tmpdir(), 'launchdb-firebase-'));
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, file)), { recursive: true });
    writeFileSync(join(root, file), text);
  }
  return root;
}

afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('loadFirebaseFiles', () => {
  it('takes the files firebase.json names for the (default) database, and its storage rules', () => {
    const dir = project({
      'firebase.json': JSON.stringify({
        firestore: [
          { database: 'analytics', rules: 'analytics.rules', indexes: 'analytics.indexes.json' },
          { database: '(default)', rules: 'db/main.rules', indexes: 'db/main.indexes.json' },
        ],
        storage: [{ bucket: 'shop.appspot.com', rules: 'db/storage.rules' }],
      }),
      'db/main.rules': RULES,
      'db/main.indexes.json': '{ "indexes": [], "fieldOverrides": [] }',
      'db/storage.rules': "rules_version = '2';\nservice firebase.storage {\n}\n",
    });
    const files = loadFirebaseFiles(dir, {});
    expect(files.rules).toMatchObject({ file: 'db/main.rules', parsed: { version: { value: '2' } } });
    expect(files.indexes).toMatchObject({ file: 'db/main.indexes.json', parsed: { indexes: [] } });
    expect(files.storageRules).toMatchObject({
      file: 'db/storage.rules',
      parsed: { services: [{ name: 'firebase.storage' }] },
    });
  });

  it('the config names win; no firebase.json and no storage.rules: the defaults, and no storage rules', () => {
    const dir = project({ 'rules/app.rules': RULES });
    const files = loadFirebaseFiles(dir, { rules: 'rules/app.rules' });
    expect(files.rules).toMatchObject({ file: 'rules/app.rules', parsed: {} });
    expect(files.indexes).toEqual({ file: 'firestore.indexes.json', missing: true });
    expect(files.storageRules).toBeUndefined();
  });

  it('an indexes file that is not JSON, or not shaped as Firebase writes it: file:line', () => {
    const dir = project({
      'firestore.rules': RULES,
      'firestore.indexes.json': '{\n  "indexes": [\n    { "collectionGroup": "orders", }\n  ]\n}\n',
      'other.indexes.json':
        '{\n  "indexes": [\n    {\n      "collectionGroup": "orders",\n      "fields": "status"\n    }\n  ]\n}\n',
    });
    const broken = loadFirebaseFiles(dir, {}).indexes;
    expect('error' in broken && broken.error.message).toMatch(/^firestore\.indexes\.json:3: not JSON: /);
    const misshapen = loadFirebaseFiles(dir, { indexes: 'other.indexes.json' }).indexes;
    expect('error' in misshapen && misshapen.error.message).toBe(
      'other.indexes.json:4: expected `fields` to be a list',
    );
  });
});
