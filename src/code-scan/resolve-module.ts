// Which scanned file an import names: relative specifiers, and the path aliases of a tsconfig/jsconfig.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ts } from './typescript.js';

export interface PathAlias {
  /** `@/` of `"@/*": ["./src/*"]`. */
  prefix: string;
  suffix: string;
  /** The pattern has a `*`; one without matches only itself. */
  wildcard: boolean;
  /** Absolute folders the `*` is looked up in, in order. */
  targets: { prefix: string; suffix: string }[];
}

/** ESM imports name the compiled file (`./db.js`); the source beside it may be any of these. */
const SOURCE_FOR: Record<string, string[]> = {
  '.js': ['.ts', '.tsx', '.js', '.jsx'],
  '.jsx': ['.tsx', '.jsx'],
  '.mjs': ['.mts', '.mjs'],
  '.cjs': ['.cts', '.cjs'],
};
const BARE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

/** The scanned file an import specifier resolves to, or undefined for a package or a file not scanned. */
export function resolveModule(
  fromFile: string,
  specifier: string,
  files: ReadonlySet<string>,
  aliases: () => readonly PathAlias[],
): string | undefined {
  if (specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..') {
    return resolveBase(resolve(dirname(fromFile), specifier), files);
  }
  // Looked up only for specifiers that are not relative.
  for (const alias of aliases()) {
    if (!specifier.startsWith(alias.prefix) || !specifier.endsWith(alias.suffix)) continue;
    const star = specifier.slice(alias.prefix.length, specifier.length - alias.suffix.length);
    if (!alias.wildcard && star !== '') continue;
    for (const target of alias.targets) {
      const found = resolveBase(`${target.prefix}${star}${target.suffix}`, files);
      if (found) return found;
    }
  }
  return undefined;
}

function resolveBase(base: string, files: ReadonlySet<string>): string | undefined {
  if (files.has(base)) return base;
  const extension = base.slice(base.lastIndexOf('.'));
  for (const replacement of SOURCE_FOR[extension] ?? []) {
    const candidate = base.slice(0, -extension.length) + replacement;
    if (files.has(candidate)) return candidate;
  }
  for (const candidate of BARE_EXTENSIONS) {
    if (files.has(base + candidate)) return base + candidate;
  }
  for (const candidate of BARE_EXTENSIONS) {
    const index = join(base, `index${candidate}`);
    if (files.has(index)) return index;
  }
  return undefined;
}

/**
 * The path aliases (`compilerOptions.paths`) that govern a file: those of the nearest tsconfig.json
 * or jsconfig.json above it, within its package (the walk stops at a folder with a package.json).
 * Next.js apps import their own code as `@/lib/db`; without these, a helper behind an alias would
 * be out of sight. `extends` is not followed. Folders are looked up once.
 */
export class PathAliases {
  private readonly byFolder = new Map<string, PathAlias[]>();

  forFile(file: string): PathAlias[] {
    return this.forFolder(dirname(file));
  }

  private forFolder(folder: string): PathAlias[] {
    const known = this.byFolder.get(folder);
    if (known) return known;
    let found: PathAlias[] | undefined;
    for (const name of ['tsconfig.json', 'jsconfig.json']) {
      const file = join(folder, name);
      if (found === undefined && existsSync(file)) found = aliasesOf(file);
    }
    const isTop = dirname(folder) === folder || existsSync(join(folder, 'package.json'));
    const aliases = found ?? (isTop ? [] : this.forFolder(dirname(folder)));
    this.byFolder.set(folder, aliases);
    return aliases;
  }
}

function aliasesOf(file: string): PathAlias[] {
  const { config } = ts.readConfigFile(file, ts.sys.readFile);
  const options = (config as { compilerOptions?: { baseUrl?: string; paths?: Record<string, string[]> } })
    ?.compilerOptions;
  if (!options?.paths) return [];
  const base = resolve(dirname(file), options.baseUrl ?? '.');
  const aliases: PathAlias[] = [];
  for (const [pattern, targets] of Object.entries(options.paths)) {
    if (!Array.isArray(targets)) continue;
    const [prefix, suffix = ''] = splitStar(pattern);
    aliases.push({
      prefix,
      suffix,
      wildcard: pattern.includes('*'),
      targets: targets.map((target) => {
        const [targetPrefix, targetSuffix = ''] = splitStar(resolve(base, target));
        return { prefix: targetPrefix, suffix: targetSuffix };
      }),
    });
  }
  return aliases;
}

/** `@/*` → [`@/`, ``]; a pattern with no `*` matches only itself. */
function splitStar(pattern: string): [string, string?] {
  const star = pattern.indexOf('*');
  return star === -1 ? [pattern, ''] : [pattern.slice(0, star), pattern.slice(star + 1)];
}
