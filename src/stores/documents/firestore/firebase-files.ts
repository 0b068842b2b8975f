// Where a Firestore project's files are: the config's paths, else what `firebase.json` names (as
// `firebase init` writes it), else the default names at the project root. Read and parsed once.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FirestoreConfig } from '../../../core/config/documents-config.js';
import { UsageError } from '../../../core/errors.js';
import { type FirestoreIndexes, parseIndexes } from './indexes-file.js';
import { parseRules, type RulesFile } from './rules-parser.js';

/** A file as read: its path from the project root, and its parsed content or why it has none. */
export type Loaded<T> =
  | { file: string; parsed: T }
  | { file: string; missing: true }
  | { file: string; error: UsageError };

export interface FirebaseFiles {
  rules: Loaded<RulesFile>;
  indexes: Loaded<FirestoreIndexes>;
  /** Undefined when neither the config nor firebase.json names one and there is no `storage.rules`. */
  storageRules?: Loaded<RulesFile>;
}

interface FirebaseJson {
  firestore?: FirebaseTarget | FirebaseTarget[];
  storage?: { rules?: string } | { rules?: string }[];
}
interface FirebaseTarget {
  database?: string;
  rules?: string;
  indexes?: string;
}

export function loadFirebaseFiles(root: string, config: FirestoreConfig): FirebaseFiles {
  const firebase = readFirebaseJson(root);
  const firestore = defaultDatabase(firebase?.firestore);
  const storage = Array.isArray(firebase?.storage) ? firebase.storage[0] : firebase?.storage;
  const storageFile = config.storageRules ?? storage?.rules;
  const rulesFile = config.rules ?? firestore?.rules ?? 'firestore.rules';
  return {
    rules: load(root, rulesFile, (text) => parseRules(text, rulesFile)),
    indexes: load(root, config.indexes ?? firestore?.indexes ?? 'firestore.indexes.json', parseIndexes),
    ...(storageFile || existsSync(join(root, 'storage.rules'))
      ? {
          storageRules: load(root, storageFile ?? 'storage.rules', (text) =>
            parseRules(text, storageFile ?? 'storage.rules'),
          ),
        }
      : {}),
  };
}

function readFirebaseJson(root: string): FirebaseJson | undefined {
  const path = join(root, 'firebase.json');
  if (!existsSync(path)) return undefined;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as FirebaseJson;
  } catch (error) {
    throw new UsageError(`firebase.json does not parse: ${(error as Error).message}`, {
      fix: 'correct firebase.json, or name the files under documents.firestore in the config',
    });
  }
}

/** firebase.json's `firestore` is one target or, with several databases, a list: `(default)` first. */
function defaultDatabase(firestore: FirebaseJson['firestore']): FirebaseTarget | undefined {
  if (!Array.isArray(firestore)) return firestore;
  return firestore.find((target) => (target.database ?? '(default)') === '(default)') ?? firestore[0];
}

function load<T>(root: string, file: string, parse: (text: string, file: string) => T): Loaded<T> {
  const path = join(root, file);
  if (!existsSync(path)) return { file, missing: true };
  try {
    return { file, parsed: parse(readFileSync(path, 'utf8'), file) };
  } catch (error) {
    if (error instanceof UsageError) return { file, error };
    throw error;
  }
}
