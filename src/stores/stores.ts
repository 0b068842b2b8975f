// Every store kind launchdb attaches, in report order: the front ends ask here, never per kind.
import { UsageError } from '../core/errors.js';
import type { Environment } from '../core/project.js';
import { suggest } from '../core/suggest.js';
import { cacheStore } from './cache/store.js';
import { documentsStore } from './documents/store.js';
import { objectsStore } from './objects/store.js';
import { postgresStore } from './postgres/store.js';
import type { StoreKind } from './store-kind.js';

// biome-ignore lint/suspicious/noExplicitAny: each kind's checks take its own context, built by name in check
export const STORES: readonly StoreKind<any, any>[] = [
  postgresStore,
  documentsStore,
  objectsStore,
  cacheStore,
];

/** The kinds this environment declares in the config. */
export function declaredStores(env: Environment): StoreKind<unknown>[] {
  return STORES.filter((store) => store.declared(env));
}

/** A store kind by name; an unknown name is bad input listing the known ones. */
export function storeKind(name: string): StoreKind<unknown> {
  const store = STORES.find((kind) => kind.name === name);
  if (store) return store;
  const names = STORES.map((kind) => kind.name);
  const guess = suggest(name, names);
  throw new UsageError(`store "${name}" is not one launchdb attaches; available: ${names.join(', ')}`, {
    ...(guess ? { fix: `did you mean \`launchdb attach ${guess}\`?` } : {}),
  });
}
