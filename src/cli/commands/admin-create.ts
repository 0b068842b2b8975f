// `launchdb admin create`: the initial admin, created on purpose with a recorded owner; no secret printed.
import { relative } from 'node:path';
import { type ExitCode, UsageError } from '../../core/errors.js';
import {
  type AdminRequest,
  createAdmin,
  validateAdminCreation,
} from '../../stores/postgres/admin/create-admin.js';
import { requireAdminConfig } from '../../stores/postgres/admin/list-admins.js';
import { openMigrationDatabase } from '../../stores/postgres/migrate/migration-database.js';
import { stringFlag } from '../args.js';
import { commandContext, confirmChange } from '../context.js';
import type { Io } from '../io.js';
import type { CommandInput } from '../spec.js';

const EXAMPLE =
  'launchdb admin create --email ops@shop.dev --owner "Ada Lovelace <ada@shop.dev>" --reason "first operator"';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const context = await commandContext(input, io);
  const { env } = context;
  const admin = requireAdminConfig(context.project.config, context.project.file);
  const request: AdminRequest = {
    email: requiredFlag(input, 'email'),
    owner: requiredFlag(input, 'owner'),
    ...optionalFlag(input, 'name'),
    ...optionalFlag(input, 'reason'),
  };
  // Bad input is refused before connecting: the request, and both statements parsed and bound.
  await validateAdminCreation(admin, request);
  const { db, location } = await openMigrationDatabase(env, {
    command: 'admin create',
    ...(context.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: context.connectTimeoutMs }),
  });
  try {
    await confirmChange(env, input, io, location);
    const created = await createAdmin(db, admin, request, {
      environment: env.name,
      stateDir: env.stateDir,
      mask: io.secrets,
    });
    const { record } = created;
    const secretFile = created.secretFile ? relative(env.root, created.secretFile) : undefined;
    if (input.flags.json) {
      io.out(
        `${JSON.stringify({ environment: env.name, outcome: created.outcome, ...record, ...(secretFile ? { secretFile } : {}) }, null, 2)}\n`,
      );
      return 0;
    }
    io.out(
      created.outcome === 'created'
        ? `${io.style('green', 'created')} admin ${record.email}, owned by ${record.owner}; recorded in launchdb.admins\n`
        : `${io.style('green', 'documented')} ${record.email} was already an admin of the app; recorded its owner ${record.owner} in launchdb.admins (admin.create did not run)\n`,
    );
    if (secretFile) {
      io.out(
        `  its ${admin.secret} is in ${secretFile} (mode 0600, readable by you only); hand it over, then delete the file\n`,
      );
    }
    return 0;
  } finally {
    await db.close();
  }
}

function requiredFlag(input: CommandInput, name: 'email' | 'owner'): string {
  const value = stringFlag(input, name);
  if (value === undefined || value.trim() === '') {
    throw new UsageError(`--${name} is required`, { fix: `e.g. ${EXAMPLE}` });
  }
  return value;
}

function optionalFlag(input: CommandInput, name: 'name' | 'reason'): Partial<AdminRequest> {
  const value = stringFlag(input, name);
  return value === undefined ? {} : { [name]: value };
}
