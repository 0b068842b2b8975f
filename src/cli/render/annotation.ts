// What the CI formats (GitHub workflow commands, SARIF) render: findings placed in the repository's
// files, and the rules they come from. Each command maps its own findings to these, once.
import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

export type AnnotationLevel = 'error' | 'warning' | 'notice';

/** One finding, placed in a file of the repository. */
export interface Annotation {
  /** The rule it comes from: a lint rule, a code-scan rule, a check id. */
  rule: string;
  level: AnnotationLevel;
  /** What is wrong and what to do about it; may span lines. */
  message: string;
  /** Relative to the repository root, with `/` separators. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, in characters; absent when the finding is about a whole file. */
  column?: number;
}

/** A rule findings can come from, described once for code-scanning dashboards. */
export interface AnnotationRule {
  id: string;
  /** One line: what it catches. */
  summary: string;
  /** A few sentences: what it catches and why it matters. */
  description: string;
  /** What to do about a finding. */
  help: string;
  /** How serious its findings are at most. */
  level: AnnotationLevel;
}

/** What one command found, with every rule it applied. */
export interface AnnotatedRun {
  /**
   * Tells this run's results from other launchdb runs on the same commit (`migrate-lint`,
   * `check/production`), so a dashboard does not close one command's findings when another uploads.
   */
  category: string;
  /** Absolute: where annotation paths start. */
  root: string;
  rules: AnnotationRule[];
  annotations: Annotation[];
}

/** A finding at a place in a source file, as migrate lint and the code scan report them. */
export interface FileFinding {
  rule: string;
  severity: 'error' | 'warning';
  /** Relative to the folder the command reports against. */
  file: string;
  line: number;
  column: number;
  message: string;
  fix: string;
}

/** File findings as annotations: paths from `base` become repository paths; the fix follows the message. */
export function fileAnnotations(findings: readonly FileFinding[], base: string, root: string): Annotation[] {
  return findings.map((finding) => ({
    rule: finding.rule,
    level: finding.severity,
    message: `${finding.message}\nfix: ${finding.fix}`,
    file: repositoryPath(root, resolve(base, finding.file)),
    line: finding.line,
    column: finding.column,
  }));
}

/**
 * The repository root: the nearest folder at or above `start` that holds `.git` (a folder, or a file
 * in worktrees and submodules), since GitHub and GitLab place annotations by paths from there, not
 * from a project in a subfolder. Outside a repository, `start` itself.
 */
export function repositoryRoot(start: string): string {
  for (let folder = start; ; folder = dirname(folder)) {
    if (existsSync(join(folder, '.git'))) return folder;
    if (dirname(folder) === folder) return start;
  }
}

/** An absolute path as the repository names it: relative to `root`, with `/` separators. */
export function repositoryPath(root: string, absolute: string): string {
  return relative(root, absolute).split(sep).join('/');
}
