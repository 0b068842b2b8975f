// Finds the project's config file, loads it (TypeScript through jiti, lazily) and validates it.
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { ConfigError, UsageError } from '../errors.js';
import { importDefault, loadFailure } from '../load-module.js';
import { validateConfig } from './schema.js';
import type { LaunchdbConfig } from './types.js';

export const CONFIG_FILES = [
  'launchdb.config.ts',
  'launchdb.config.mts',
  'launchdb.config.js',
  'launchdb.config.mjs',
  'launchdb.config.json',
];

export interface LoadedConfig {
  config: LaunchdbConfig;
  /** The config file's absolute path. */
  file: string;
  /** The project root: the folder holding the config file. */
  root: string;
}

/** What `--config FILE` may name: what jiti loads, and JSON. */
const CONFIG_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs', '.json'];

/** The config file in `cwd` or the nearest folder above it, or `explicit` when given. */
export function findConfigFile(cwd: string, explicit?: string): string {
  if (explicit) {
    const file = resolve(cwd, explicit);
    if (!existsSync(file)) throw new UsageError(`config file ${explicit} does not exist`);
    if (statSync(file).isDirectory()) {
      const inside = CONFIG_FILES.find((name) => existsSync(join(file, name)));
      throw new UsageError(`--config ${explicit} is a folder, not a config file`, {
        fix: inside
          ? `pass --config ${join(explicit, inside)}`
          : `pass the config file itself: ${CONFIG_FILES[0]}`,
      });
    }
    if (!CONFIG_EXTENSIONS.includes(extname(file))) {
      throw new UsageError(`--config ${explicit} is not a config launchdb reads`, {
        fix: `name a ${CONFIG_EXTENSIONS.join(', ')} file`,
      });
    }
    return file;
  }
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    for (const name of CONFIG_FILES) {
      const file = join(dir, name);
      if (existsSync(file)) return file;
    }
    if (dirname(dir) === dir) break;
  }
  throw new UsageError(`no launchdb.config.ts found in ${resolve(cwd)} or any folder above it`, {
    fix: 'run `launchdb init` to create one, or pass --config FILE',
  });
}

export async function loadConfig(cwd: string, explicit?: string): Promise<LoadedConfig> {
  const { value, file } = await loadUncheckedConfig(cwd, explicit);
  return { config: validateConfig(value, basename(file)), file, root: dirname(file) };
}

/** The config as its file exports it, not validated: for reading what an invalid config still says. */
export async function loadUncheckedConfig(
  cwd: string,
  explicit?: string,
): Promise<{ value: unknown; file: string }> {
  const file = findConfigFile(cwd, explicit);
  return { value: await importConfig(file), file };
}

async function importConfig(file: string): Promise<unknown> {
  if (file.endsWith('.json')) return parseJsonConfig(file);
  try {
    return await importDefault(file);
  } catch (error) {
    throw new ConfigError(basename(file), [`does not load: ${loadFailure(error, file)}`], { cause: error });
  }
}

/** A JSON config; a syntax error names its line and column, which JSON.parse gives only as an offset. */
async function parseJsonConfig(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConfigError(basename(file), [`cannot be read: ${reason}`], { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const offset = Number(/at position (\d+)/.exec(message)?.[1] ?? text.length);
    const before = text.slice(0, offset).split('\n');
    const at = `${before.length}:${before.at(-1)!.length + 1}`;
    const reason = message.replace(/ in JSON at position \d+.*$/s, '').replace(/^JSON\.parse: /, '');
    throw new ConfigError(basename(file), [`does not parse: ${reason} (${basename(file)}:${at})`], {
      cause: error,
    });
  }
}
