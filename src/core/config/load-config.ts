// Finds the project's config file, loads it (TypeScript through jiti, lazily) and validates it.
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
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
  const file = findConfigFile(cwd, explicit);
  const raw = await importConfig(file);
  return { config: validateConfig(raw, basename(file)), file, root: dirname(file) };
}

async function importConfig(file: string): Promise<unknown> {
  if (file.endsWith('.json')) return parseJsonConfig(file);
  try {
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
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? '').trim() : String(error);
    const at = locationOf(error, file);
    const where = at ? ` (${basename(file)}:${at})` : '';
    throw new ConfigError(basename(file), [`does not load: ${reason}${where}`], { cause: error });
  }
}

/**
 * `line:column` in the config file where loading failed: a syntax error's position, which jiti's
 * parser puts in the message with columns counted from 0, else the config file's frame in the stack.
 */
function locationOf(error: unknown, file: string): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const at = new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+):(\\d+)`);
  const parsed = at.exec(error.message);
  if (parsed) return `${parsed[1]}:${Number(parsed[2]) + 1}`;
  const thrown = at.exec(error.stack ?? '');
  return thrown ? `${thrown[1]}:${thrown[2]}` : undefined;
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
