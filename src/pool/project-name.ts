// The project's name for application_name, found without loading the config (createPool is synchronous).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

// The names core/config/load-config.ts looks for; not imported from there, which would load zod and jiti.
const CONFIG_FILES = [
  'launchdb.config.ts',
  'launchdb.config.mts',
  'launchdb.config.js',
  'launchdb.config.mjs',
  'launchdb.config.json',
];
/** `project: 'shop'` as `defineConfig` calls are written; a computed name is not guessed at. */
const PROJECT_KEY = /\bproject\s*:\s*(['"`])([^'"`\n]+)\1/;

/** launchdb.config's `project` in `cwd`, else package.json's `name` without its scope, else `app`. */
export function projectName(cwd = process.cwd()): string {
  return fromConfig(cwd) ?? fromPackageJson(cwd) ?? 'app';
}

function fromConfig(cwd: string): string | undefined {
  for (const name of CONFIG_FILES) {
    const text = readIfPresent(join(cwd, name));
    if (text === undefined) continue;
    if (name.endsWith('.json')) return stringField(text, 'project');
    return PROJECT_KEY.exec(text)?.[2];
  }
  return undefined;
}

function fromPackageJson(cwd: string): string | undefined {
  const text = readIfPresent(join(cwd, 'package.json'));
  return text === undefined ? undefined : stringField(text, 'name')?.replace(/^@[^/]+\//, '');
}

function stringField(json: string, key: string): string | undefined {
  try {
    const value = (JSON.parse(json) as Record<string, unknown>)[key];
    return typeof value === 'string' && value !== '' ? value : undefined;
  } catch {
    return undefined;
  }
}

function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
