// Finds the project's config file, loads it (TypeScript through jiti, lazily) and validates it.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConfigError, UsageError } from '../errors.js';
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

/** The config file in `cwd` or the nearest folder above it, or `explicit` when given. */
export function findConfigFile(cwd: string, explicit?: string): string {
  if (explicit) {
    const file = resolve(cwd, explicit);
    if (!existsSync(file)) throw new UsageError(`config file ${explicit} does not exist`);
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
  const file = findConfigFile(cwd, explicit);
  const raw = await importConfig(file);
  return { config: validateConfig(raw, basename(file)), file, root: dirname(file) };
}

async function importConfig(file: string): Promise<unknown> {
  try {
    if (file.endsWith('.json')) return JSON.parse(await readFile(file, 'utf8'));
    const { createJiti } = await import('jiti');
    // The config imports `launchdb`: resolve it to this very copy, installed or not.
    const self = fileURLToPath(new URL('../../index.js', import.meta.url));
    const jiti = createJiti(pathToFileURL(file).href, {
      alias: { launchdb: self },
      moduleCache: false,
      fsCache: false,
    });
    const mod = (await jiti.import(file)) as { default?: unknown };
    return mod && typeof mod === 'object' && 'default' in mod ? mod.default : mod;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ConfigError(basename(file), [`does not load: ${reason}`], { cause: error });
  }
}
