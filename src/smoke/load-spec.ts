// Finds the project's smoke spec, loads it (TypeScript through jiti, YAML through `yaml`) and
// validates it, reporting each problem at its line: `launchdb.smoke.yaml:12: steps[2].http.path: …`.
import { createHash } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, resolve } from 'node:path';
import type { z } from 'zod';
import { UsageError } from '../core/errors.js';
import { importDefault, loadFailure } from '../core/load-module.js';
import { closestBranch, describeIssue } from '../core/zod-issue.js';
import { type SmokeSpec, smokeSpecSchema } from './spec.js';
import { SpecError, type SpecProblem } from './spec-error.js';
import type { ValuePath } from './template.js';
import { templateProblems } from './template-check.js';

/** Looked for at the project root, in this order; more than one is refused. */
export const SPEC_FILES = [
  'launchdb.smoke.ts',
  'launchdb.smoke.mts',
  'launchdb.smoke.js',
  'launchdb.smoke.mjs',
  'launchdb.smoke.yaml',
  'launchdb.smoke.yml',
];

const YAML_EXTENSIONS = ['.yaml', '.yml'];
/** What `--spec FILE` may name: what jiti loads, and YAML. */
const SPEC_EXTENSIONS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs', ...YAML_EXTENSIONS];

export interface LoadedSpec {
  spec: SmokeSpec;
  /** The spec file relative to the project root, for messages. */
  file: string;
  /** sha256 of the file's bytes. */
  checksum: string;
  /** The 1-based line where a path of the spec is written (YAML only: TypeScript has no such map). */
  lineOf?: (path: ValuePath) => number | undefined;
}

/**
 * The spec, valid and ready to run: its fields match the schema and every `{{name}}` a step uses is
 * captured before it. `file`, when given, is relative to `root` (or absolute).
 */
export async function loadSmokeSpec(root: string, file?: string): Promise<LoadedSpec> {
  const loaded = await readSmokeSpec(root, file);
  const problems = templateProblems(loaded.spec);
  if (problems.length > 0)
    throw new SpecError(
      loaded.file,
      problems.map(({ path, step, message, fix }) => ({
        // A step's label places the problem in a TypeScript spec too; the path adds nothing to it.
        ...(step ? { message: `${step}: ${message}` } : { path, message }),
        line: loaded.lineOf?.(path),
        ...(fix ? { fix } : {}),
      })),
    );
  return loaded;
}

/** The spec with its fields validated, its templates not yet checked: what `smoke lint` reports on. */
export async function readSmokeSpec(root: string, file?: string): Promise<LoadedSpec> {
  const absolute = findSpecFile(root, file);
  const shown = relative(root, absolute) || absolute;
  const bytes = await readFile(absolute);
  const checksum = createHash('sha256').update(bytes).digest('hex');
  if (YAML_EXTENSIONS.includes(extname(absolute))) {
    const { value, lineOf } = await parseYaml(bytes, shown);
    return { spec: validate(value, shown, lineOf), file: shown, checksum, lineOf };
  }
  let value: unknown;
  try {
    value = await importDefault(absolute);
  } catch (error) {
    throw new SpecError(shown, [{ message: `does not load: ${loadFailure(error, absolute)}` }], {
      cause: error,
    });
  }
  return { spec: validate(value, shown), file: shown, checksum };
}

/** The first spec file at the root (by SPEC_FILES' order), relative to it; undefined when there is none. */
export function findSmokeSpec(root: string): string | undefined {
  return SPEC_FILES.find((name) => existsSync(join(root, name)));
}

/** The spec file: `explicit` when given, else the one of SPEC_FILES at the root. */
export function findSpecFile(root: string, explicit?: string): string {
  if (explicit !== undefined) {
    const file = isAbsolute(explicit) ? explicit : resolve(root, explicit);
    if (!existsSync(file))
      throw new UsageError(`smoke spec ${explicit} does not exist`, {
        fix: `name a spec file that exists, or leave out --spec to use ${SPEC_FILES[0]} or launchdb.smoke.yaml at the project root`,
      });
    if (statSync(file).isDirectory() || !SPEC_EXTENSIONS.includes(extname(file)))
      throw new UsageError(`smoke spec ${explicit} is not a spec file launchdb reads`, {
        fix: `name a ${SPEC_EXTENSIONS.join(', ')} file`,
      });
    return file;
  }
  const present = SPEC_FILES.filter((name) => existsSync(join(root, name)));
  if (present.length > 1)
    throw new UsageError(`more than one smoke spec at the project root: ${present.join(' and ')}`, {
      fix: 'keep one of them, or choose one with --spec FILE',
    });
  if (present.length === 0)
    throw new UsageError(`no smoke spec at the project root (looked for ${SPEC_FILES.join(', ')})`, {
      fix: 'write launchdb.smoke.yaml, or launchdb.smoke.ts with defineSmoke(); docs/SMOKE.md has an example',
    });
  return join(root, present[0]!);
}

async function parseYaml(
  bytes: Buffer,
  file: string,
): Promise<{ value: unknown; lineOf: (path: ValuePath) => number | undefined }> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new SpecError(file, [{ message: 'is not UTF-8 text' }], { cause: error });
  }
  const { LineCounter, parseDocument } = await import('yaml');
  const { yamlLineOf } = await import('./yaml-lines.js');
  const counter = new LineCounter();
  const document = parseDocument(text, { lineCounter: counter });
  if (document.errors.length > 0)
    throw new SpecError(
      file,
      document.errors.map((error) => ({
        line: error.linePos?.[0].line,
        // The parser's own words, without the position it repeats and the excerpt it appends.
        message: (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, ''),
      })),
      { cause: document.errors[0] },
    );
  try {
    return { value: document.toJS(), lineOf: yamlLineOf(document, counter) };
  } catch (error) {
    // Aliases expanding past the parser's limit: a document built to exhaust memory.
    throw new SpecError(file, [{ message: error instanceof Error ? error.message : String(error) }], {
      cause: error,
    });
  }
}

function validate(value: unknown, file: string, lineOf?: (path: ValuePath) => number | undefined): SmokeSpec {
  const parsed = smokeSpecSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((union): SpecProblem => {
    const issue = closestBranch(union);
    const path = issue.path as ValuePath;
    // An unknown key is placed at its own line, not at its object's.
    const placed = issue.code === 'unrecognized_keys' ? [...path, issue.keys[0]!] : path;
    return { path, line: lineOf?.(placed), message: describe(issue, value) };
  });
  // In the order of the file, as an editor lists them (a stable sort keeps zod's order on a line).
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  throw new SpecError(file, problems);
}

function describe(issue: z.core.$ZodIssue, value: unknown): string {
  const described = describeIssue(issue);
  if (issue.code === 'invalid_type' && valueAt(value, issue.path) === undefined)
    return `missing: ${described}`;
  return described;
}

function valueAt(value: unknown, path: PropertyKey[]): unknown {
  let at: unknown = value;
  for (const segment of path) {
    if (at === null || typeof at !== 'object' || !Object.hasOwn(at, segment)) return undefined;
    at = (at as Record<PropertyKey, unknown>)[segment];
  }
  return at;
}
