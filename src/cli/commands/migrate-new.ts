// `launchdb migrate new NAME`: an empty, correctly named migration file.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ExitCode, UsageError } from '../../core/errors.js';
import { Project } from '../../core/project.js';
import { LAYOUTS } from '../../stores/postgres/migrate/layouts/index.js';
import { nextVersion, readMigrationFiles } from '../../stores/postgres/migrate/migration-files.js';
import { migrationSettings } from '../../stores/postgres/migrate/migration-settings.js';
import { stringFlag } from '../args.js';
import type { Io } from '../io.js';
import type { CommandInput } from '../spec.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const raw = input.positionals[0];
  if (!raw) throw new UsageError('migrate new needs a name: launchdb migrate new create_users');
  const name = raw
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  if (!/^[a-z0-9][a-z0-9_]*$/.test(name)) {
    throw new UsageError(
      `migration name "${raw}" is not valid; use letters, digits and _, e.g. create_users`,
    );
  }
  const project = await Project.load(io.cwd, stringFlag(input, 'config'));
  const { dir, layout } = migrationSettings(project);
  const create = LAYOUTS[layout].newCommand;
  if (create) {
    // Another tool's layout: its own generator knows its naming, journal and templates.
    throw new UsageError(`migrations here follow ${layout}'s layout (${dir}); create them with ${layout}`, {
      fix: create(name, dir),
    });
  }
  const version = nextVersion(readMigrationFiles(project.root, dir));
  const file = join(dir, `${version}_${name}.sql`);
  const path = join(project.root, file);
  if (existsSync(path)) throw new UsageError(`${file} already exists`);
  mkdirSync(join(project.root, dir), { recursive: true });
  writeFileSync(
    path,
    `-- ${name}\n-- Runs in one transaction with its history row. For CREATE INDEX CONCURRENTLY, make the\n-- first line: -- launchdb:no-transaction\n\n`,
  );
  io.out(`created ${file}\n`);
  return 0;
}
