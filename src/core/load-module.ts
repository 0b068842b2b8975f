// Loads a project's TypeScript or JavaScript file (the config, the smoke spec) through jiti, lazily,
// and says in one line why one did not load.
import { basename } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The module's default export (the module itself when it has none). Throws what loading it threw. */
export async function importDefault(file: string): Promise<unknown> {
  const { createJiti } = await import('jiti');
  // The file imports `launchdb`: resolve it to this very copy, installed or not.
  const self = fileURLToPath(new URL('../index.js', import.meta.url));
  const jiti = createJiti(pathToFileURL(file).href, {
    alias: { launchdb: self },
    moduleCache: false,
    fsCache: false,
  });
  const mod = (await jiti.import(file)) as { default?: unknown };
  return mod && typeof mod === 'object' && 'default' in mod ? mod.default : mod;
}

/** Why `file` did not load: the error's first line, and `(file:line:column)` when it can be placed. */
export function loadFailure(error: unknown, file: string): string {
  const reason = error instanceof Error ? (error.message.split('\n')[0] ?? '').trim() : String(error);
  const at = locationOf(error, file);
  return `${reason}${at ? ` (${basename(file)}:${at})` : ''}`;
}

/**
 * `line:column` in `file` where loading failed: a syntax error's position, which jiti's parser puts
 * in the message with columns counted from 0, else the file's frame in the stack.
 */
function locationOf(error: unknown, file: string): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const at = new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+):(\\d+)`);
  const parsed = at.exec(error.message);
  if (parsed) return `${parsed[1]}:${Number(parsed[2]) + 1}`;
  const thrown = at.exec(error.stack ?? '');
  return thrown ? `${thrown[1]}:${thrown[2]}` : undefined;
}
