// The people of a project's `access` section: who owns an environment's data, shown as they are named.
import type { LaunchdbConfig } from './types.js';

export interface Person {
  /** The id in `access.people`: `ada`. */
  id: string;
  email: string;
  name?: string;
}

/** The person declared under `access.people` as `id`; undefined when there is none. */
export function personOf(config: LaunchdbConfig, id: string): Person | undefined {
  const people = config.access?.people ?? {};
  if (!Object.hasOwn(people, id)) return undefined;
  const person = people[id]!;
  return { id, email: person.email, ...(person.name ? { name: person.name } : {}) };
}

/** The data owner of an environment (`environments.<env>.owner`); undefined when none is named. */
export function dataOwnerOf(config: LaunchdbConfig, environment: string): Person | undefined {
  const id = config.environments[environment]?.owner;
  return id === undefined ? undefined : personOf(config, id);
}

/** `Ada Lovelace <ada@shop.dev>`, or `ada <ada@shop.dev>` without a name. */
export function describePerson(person: Person): string {
  return `${person.name ?? person.id} <${person.email}>`;
}
