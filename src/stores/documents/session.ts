// What documents checks share for one command: the environment's documents config and its Firebase
// files, read once. Collections are reached through the environment's own Postgres session (one
// embedded database takes one file lock), so this session opens nothing and closing it does nothing.
import type { DocumentsStoreConfig } from '../../core/config/documents-config.js';
import type { Environment } from '../../core/project.js';
import { type Collection, collectionsOf, schemaOf } from './collections.js';
import { type FirebaseFiles, loadFirebaseFiles } from './firestore/firebase-files.js';

export class DocumentsSession {
  private files: FirebaseFiles | undefined;
  readonly config: DocumentsStoreConfig;
  readonly schema: string;
  readonly collections: Collection[];

  constructor(readonly env: Environment) {
    this.config = env.config.documents ?? {};
    this.schema = schemaOf(this.config);
    this.collections = collectionsOf(this.config, env.name);
  }

  /** The Firebase files, or undefined when the environment declares no Firestore project. */
  firebase(): FirebaseFiles | undefined {
    if (!this.config.firestore) return undefined;
    this.files ??= loadFirebaseFiles(this.env.root, this.config.firestore);
    return this.files;
  }

  async close(): Promise<void> {}
}
