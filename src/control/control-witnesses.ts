// The heads the control database witnessed for an environment, read for `audit verify` and
// `access.audit-chain`: never by creating an embedded control database that does not exist, and for
// `check` never by opening an embedded one at all (PGlite takes 0.3–0.5 s to open, more than the
// check may spend on this) nor by waiting long on a server.
import { firstLine, UnreachableError } from '../core/errors.js';
import type { Environment, Project } from '../core/project.js';
import { useWithin } from '../stores/postgres/open-within.js';
import { type ControlHeads, readControlHeads } from './audit-heads.js';
import { controlNotCreatedYet, resolveControlTarget } from './control-target.js';

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
  // Loaded only when it is opened: `check` with an embedded control database never loads it.
  const { openControlDatabase } = await import('./open-control.js');
  const open = async () =>
    (
      await openControlDatabase(project, {
        command: options.command,
        ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
      })
    ).db;
  const where = { project: project.name, environment: env.name };
  const use = (db: Awaited<ReturnType<typeof open>>) => readControlHeads(db, where, target.location);
  if (options.deadlineMs === undefined) {
    const db = await open();
    try {
      return { ...(await use(db)), location: target.location };
    } finally {
      await db.close();
    }
  }
  const heads = await useWithin(open, use, options.deadlineMs);
  if (heads === 'timeout') {
    throw new UnreachableError(
      `the control database ${target.location} did not answer within ${options.deadlineMs} ms`,
    );
  }
  return { ...heads, location: target.location };
}
