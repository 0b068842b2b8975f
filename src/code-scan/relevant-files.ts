// Which files the scan must parse: those that could hold a finding, and those that import them.
import { type PathAliases, resolveModule } from './resolve-module.js';

/**
 * Words any finding needs in its file: a factory's name (`new Pool(`, `postgres(`, `drizzle(`…) or a
 * checkout (`.connect(`, `.getConnection(`, `.reserve(`). A file without one holds no finding.
 */
const SITE_WORDS =
  /\b(?:Pool|Client|postgres|createPool|createPoolCluster|createConnection|createClient|PrismaClient|drizzle|knex|Sequelize|DataSource|MongoClient|Redis)\b|\.(?:connect|getConnection|reserve)\s*\(/;

/** Module specifiers: `from '…'`, `import '…'`, `import('…')`, `require('…')`. Comments may add a few. */
const SPECIFIERS = /\b(?:from|import|require)\s*\(?\s*['"]([^'"\n]+)['"]/g;

/**
 * The files worth parsing: each that could hold a finding, and each that imports one, directly or
 * through other files. A file outside that set cannot reach a pool through its calls (it can only
 * call what it imports), so its handlers, if any, have nothing to report. Reading the imports with a
 * regular expression over-approximates (an import in a comment counts), which only parses more.
 */
export function relevantFiles(texts: ReadonlyMap<string, string>, aliases: PathAliases): Set<string> {
  const paths = new Set(texts.keys());
  const importers = new Map<string, string[]>();
  const relevant = new Set<string>();
  for (const [path, text] of texts) {
    if (SITE_WORDS.test(text)) relevant.add(path);
    for (const match of text.matchAll(SPECIFIERS)) {
      const target = resolveModule(path, match[1]!, paths, () => aliases.forFile(path));
      if (target === undefined || target === path) continue;
      const list = importers.get(target);
      if (list) list.push(path);
      else importers.set(target, [path]);
    }
  }
  const queue = [...relevant];
  for (let path = queue.pop(); path !== undefined; path = queue.pop()) {
    for (const importer of importers.get(path) ?? []) {
      if (!relevant.has(importer)) {
        relevant.add(importer);
        queue.push(importer);
      }
    }
  }
  return relevant;
}
