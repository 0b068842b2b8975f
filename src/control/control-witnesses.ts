// The heads the control database witnessed for an environment, read for `audit verify` and
// `access.audit-chain`: never by creating an embedded control database that does not exist, and for
// `check` never by opening an embedded one at all (PGlite takes 0.3–0.5 s to open, more than the
// check may spend on this) nor by waiting long on a server.
import { firstLine, UnreachableError } from '../core/errors.js';
import type { Environment, Project } from '../core/project.js';
import type { Queryable } from '../stores/postgres/database.js';
import { useWithin, within } from '../stores/postgres/open-within.js';
import { type ControlHeads, readControlHeads } from './audit-heads.js';
import { controlNotCreatedYet, resolveControlTarget } from './control-target.js';
import type { SharedControl } from './shared-control.js';

export interface ControlWitnesses extends ControlHeads {
  /** Where the heads were read from; undefined when there was nothing to read or it was not read. */
  location?: string;
  /** Why the control database's heads were not read, for the verdict's notes. */
  unread?: string;
}

export interface ReadControlWitnessesOptions {
  /** This process's command, named to another process that finds the embedded database busy. */
  command: string;
  /** An embedded control database that exists is opened (`audit verify`), or never (`check`). */
  openEmbedded: boolean;
  connectTimeoutMs?: number;
  /** The whole read (open, query, close) is given up after this many ms. */
  deadlineMs?: number;
  /**
   * The command's own control database, when it shares one between its parts (`check`: its recorder
   * and its checks): read through it, and left for the command to close. An embedded one is still
   * never opened unless `openEmbedded`.
   */
  shared?: SharedControl;
  /** `throw` (exit 2 or 3, as every command that needs a store) or `note` (the check goes on without them). */
  onError: 'throw' | 'note';
}

const NONE = (): ControlWitnesses => ({ heads: [], keys: new Set() });

export async function readControlWitnesses(
  project: Project,
  env: Environment,
  options: ReadControlWitnessesOptions,
): Promise<ControlWitnesses> {
  try {
    return await read(project, env, options);
  } catch (error) {
    if (options.onError === 'throw') throw error;
    return {
      ...NONE(),
      unread: `the heads witnessed in the control database were not read: ${firstLine(error)}`,
    };
  }
}

async function read(
  project: Project,
  env: Environment,
  options: ReadControlWitnessesOptions,
): Promise<ControlWitnesses> {
  const target = resolveControlTarget(project);
  // Never created just to read nothing from it.
  if (controlNotCreatedYet(target)) return NONE();
  if (target.backing === 'embedded') {
    if (!options.openEmbedded) {
      return {
        ...NONE(),
        unread: `the heads witnessed in the embedded control database (${target.location}) were not read: check never opens it (0.3–0.5 s); \`launchdb audit verify --env ${env.name}\` does`,
      };
    }
  }
  const where = { project: project.name, environment: env.name };
  const use = (db: Queryable) => readControlHeads(db, where, target.location);
  let heads: ControlHeads | 'timeout';
  if (options.shared) {
    // The command's own (check shares one with its recorder): used, and left for it to close.
    const reading = options.shared.open().then((control) => use(control.db));
    heads = options.deadlineMs === undefined ? await reading : await within(reading, options.deadlineMs);
  } else {
    heads = await openAndRead(project, options, use);
  }
  if (heads === 'timeout') {
    throw new UnreachableError(
      `the control database ${target.location} did not answer within ${options.deadlineMs} ms`,
    );
  }
  return { ...heads, location: target.location };
}

/** Opens the control database, reads, closes: within the deadline when there is one. */
async function openAndRead(
  project: Project,
  options: ReadControlWitnessesOptions,
  use: (db: Queryable) => Promise<ControlHeads>,
): Promise<ControlHeads | 'timeout'> {
  // Loaded only when it is opened: `check` with an embedded control database never loads it.
  const { openControlDatabase } = await import('./open-control.js');
  const open = async () =>
    (
      await openControlDatabase(project, {
        command: options.command,
        ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
      })
    ).db;
  if (options.deadlineMs !== undefined) return useWithin(open, use, options.deadlineMs);
  const db = await open();
  try {
    return await use(db);
  } finally {
    await db.close();
  }
}
