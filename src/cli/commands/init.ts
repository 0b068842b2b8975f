// `launchdb init`: scaffolds the config, the migration and seed folders, and the .gitignore entry.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { CONFIG_FILES } from '../../core/config/load-config.js';
import { type ExitCode, UsageError } from '../../core/errors.js';
import { stringFlag } from '../args.js';
import type { Io } from '../io.js';
import type { CommandInput } from '../spec.js';

const FOLDERS = ['db/migrations', 'db/seeds/reference', 'db/seeds/demo'];

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const root = io.cwd;
  const force = input.flags.force === true;
  const project = projectName(root, stringFlag(input, 'project'));
  const existing = CONFIG_FILES.map((name) => join(root, name)).filter((file) => existsSync(file));
  if (existing.length > 0 && !force) {
    throw new UsageError(`${basename(existing[0]!)} already exists; nothing was written`, {
      fix: 'edit it, or run `launchdb init --force` to overwrite it',
    });
  }
  const written: string[] = [];
  writeFileSync(join(root, 'launchdb.config.ts'), configTemplate(project));
  written.push('launchdb.config.ts');
  for (const folder of FOLDERS) {
    const keep = join(root, folder, '.gitkeep');
    if (existsSync(keep)) continue;
    mkdirSync(join(root, folder), { recursive: true });
    writeFileSync(keep, '');
    written.push(`${folder}/`);
  }
  if (ignoreStateDir(root)) written.push('.gitignore (.launchdb/)');
  if (input.flags.json) {
    io.out(`${JSON.stringify({ project, root, written }, null, 2)}\n`);
    return 0;
  }
  io.out(
    `${io.style('green', 'initialised')} launchdb project "${project}" in ${relative(process.cwd(), root) || '.'}\n`,
  );
  for (const file of written) io.out(`  wrote ${file}\n`);
  io.out('next: launchdb attach postgres --env development && launchdb check --env development\n');
  return 0;
}

/** `--project`, else package.json's name, else the folder's, made into a database-safe identifier. */
function projectName(root: string, flag: string | undefined): string {
  let name = flag;
  if (!name && existsSync(join(root, 'package.json'))) {
    try {
      name = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name?: string }).name;
    } catch {
      // An unreadable package.json only costs us the name; the folder's name will do.
    }
  }
  const cleaned = (name ?? basename(root))
    .replace(/^@[^/]+\//, '')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^[^a-z]+/, '')
    .slice(0, 40);
  if (flag && cleaned !== flag) {
    throw new UsageError(
      `project name "${flag}" is not valid; use lowercase letters, digits and _, e.g. "${cleaned || 'app'}"`,
    );
  }
  return cleaned || 'app';
}

function ignoreStateDir(root: string): boolean {
  const file = join(root, '.gitignore');
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (text.split(/\r?\n/).some((line) => /^\/?\.launchdb\/?$/.test(line.trim()))) return false;
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  writeFileSync(
    file,
    `${text}${separator}# launchdb: embedded databases, secrets, local state\n.launchdb/\n`,
  );
  return true;
}

function configTemplate(project: string): string {
  return `import { defineConfig } from 'launchdb';

// launchdb's config: the project's environments and the stores attached to each.
// Values can come from the environment: import { env } from 'launchdb', then url: env('DATABASE_URL').
// Reference: docs/CONFIG.md in the launchdb package.
export default defineConfig({
  project: '${project}',
  environments: {
    // Embedded Postgres under .launchdb/development/: no server needed.
    development: { postgres: {} },
    // Provision on a server: launchdb attach postgres --env staging --admin-url postgres://…
    staging: { postgres: {} },
    // Guarded: every change asks for the name to be typed, or --confirm production in CI.
    production: { postgres: {} },
  },
});
`;
}
