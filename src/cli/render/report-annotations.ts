// The readiness report as annotations. A check is about a database, not a line of code, so each one
// that did not pass is placed on the project file it names (a pending or edited migration), else on
// the config file, where the environment is declared: both are in the repository the CI run checks out.
import { statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { Check, CheckResult } from '../../core/checks/check.js';
import type { Report } from '../../core/checks/report.js';
import type { AnnotatedRun, Annotation, AnnotationLevel, AnnotationRule } from './annotation.js';
import { repositoryPath, repositoryRoot } from './annotation.js';
import { clean } from './report-terminal.js';

export interface ReportAnnotationOptions {
  /** The project's root and config file, both absolute. */
  project: { root: string; file: string };
  /** The checks that can run, for each rule's severity. */
  checks: readonly Pick<Check<unknown>, 'id' | 'severity'>[];
  /** Warnings count as failures, as with `launchdb check --strict`. Default: false. */
  strict?: boolean;
}

export function reportAnnotations(report: Report, options: ReportAnnotationOptions): AnnotatedRun {
  const { project, strict = false } = options;
  const root = repositoryRoot(project.root);
  const severity = new Map(options.checks.map((check) => [check.id, check.severity]));
  const rules: AnnotationRule[] = report.checks.map((check) => ({
    id: check.id,
    summary: clean(check.title),
    description: `Readiness check of the ${check.area} area: ${clean(check.title)}.`,
    help: `Each finding says what was found and its fix. Run \`launchdb check --env ${clean(report.environment)} --only ${check.area}\` to check again; docs/READINESS.md maps every check to the launch checklist.`,
    level: severity.get(check.id) === 'warn' ? 'warning' : 'error',
  }));
  const annotations = report.checks.flatMap((check): Annotation[] => {
    const level = levelOf(check, strict);
    if (!level) return [];
    const file = namedFile(project.root, check.details) ?? project.file;
    const message = [clean(check.summary), check.fix ? `fix: ${clean(check.fix)}` : '']
      .filter(Boolean)
      .join('\n');
    return [{ rule: check.id, level, message, file: repositoryPath(root, file), line: 1 }];
  });
  return { category: `check/${report.environment}`, root, rules, annotations };
}

/** fail and error block the deploy; warn does when strict; pass and skip are not findings. */
function levelOf(check: CheckResult, strict: boolean): AnnotationLevel | undefined {
  if (check.status === 'fail' || check.status === 'error') return 'error';
  if (check.status === 'warn') return strict ? 'error' : 'warning';
  return undefined;
}

/**
 * The first file of the project the check's details name — a string, or an item's `file`, at the
 * top level or in a list (`pending: ['db/migrations/…']`, `changed: [{ file }]`) — that exists.
 */
function namedFile(root: string, details: unknown): string | undefined {
  if (typeof details !== 'object' || details === null) return undefined;
  for (const value of Object.values(details)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      const name = typeof item === 'string' ? item : (item as { file?: unknown } | null)?.file;
      if (typeof name !== 'string' || name === '' || isAbsolute(name)) continue;
      const path = resolve(root, name);
      if (relative(root, path).startsWith('..')) continue;
      if (isFile(path)) return path;
    }
  }
  return undefined;
}

/** False for anything that is not a regular file, whatever the name holds. */
function isFile(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false; // a name through a file (ENOTDIR), a NUL byte
  }
}
