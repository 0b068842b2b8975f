// The code scan: parse the app's sources, then find pools made per request and clients never given back.
import { readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import { buildFileModel } from './build-file-model.js';
import { findUnreleasedClients } from './client-release.js';
import { CodeIndex } from './code-index.js';
import type { FileModel } from './file-model.js';
import type { CodeScanResult, SkippedFile } from './finding.js';
import { parseSource } from './parse-source.js';
import { findPoolsPerRequest } from './pool-per-request.js';
import { relevantFiles } from './relevant-files.js';
import { PathAliases } from './resolve-module.js';
import { isIgnored } from './scan-ignore.js';
import { findSourceFiles } from './source-files.js';

/** Larger files are bundles or generated code, not what anyone writes a handler in. */
export const MAX_FILE_CHARACTERS = 1_000_000;
/** Files parsed between yields, so a scan inside the check runner does not hold up other checks. */
const FILES_PER_TURN = 50;

export interface CodeScanOptions {
  /** Absolute folders (or files) to scan. */
  paths: readonly string[];
  /** Findings name files relative to this folder, and file roles (`app/…/route.ts`) are read from there. */
  base: string;
}

export async function scanCode(options: CodeScanOptions): Promise<CodeScanResult> {
  const skipped: SkippedFile[] = [];
  const texts = new Map<string, string>();
  for (const path of findSourceFiles(options.paths)) {
    const text = readSource(path, relativeTo(options.base, path), skipped);
    if (text !== undefined) texts.set(path, text);
  }
  const aliases = new PathAliases();
  const relevant = relevantFiles(texts, aliases);
  const models: FileModel[] = [];
  for (const [path, text] of texts) {
    if (!relevant.has(path)) continue;
    if (models.length > 0 && models.length % FILES_PER_TURN === 0) {
      await new Promise((resolve) => setImmediate(resolve));
    }
    models.push(buildFileModel(path, relativeTo(options.base, path), parseSource(path, text)));
  }
  const index = new CodeIndex(models, aliases);
  const lines = new Map(models.map((model) => [model.relativePath, model.source.text.split('\n')]));
  const findings = [...findPoolsPerRequest(index), ...models.flatMap((model) => findUnreleasedClients(model))]
    .filter((finding) => !isIgnored(finding, lines.get(finding.file) ?? []))
    .sort(
      (a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column,
    );
  return { files: texts.size, findings, skipped };
}

function relativeTo(base: string, path: string): string {
  return relative(base, path).split(sep).join('/');
}

function readSource(path: string, relativePath: string, skipped: SkippedFile[]): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    skipped.push({ file: relativePath, reason: (error as NodeJS.ErrnoException).code ?? String(error) });
    return undefined;
  }
  if (text.length <= MAX_FILE_CHARACTERS) return text;
  skipped.push({
    file: relativePath,
    reason: `over 1 MB (${text.length} characters): bundled or generated code`,
  });
  return undefined;
}
