// A smoke spec that cannot be used: one line per problem, each `file:line: path: message`. Exit 2.
import { type LaunchdbErrorOptions, UsageError } from '../core/errors.js';
import type { ValuePath } from './template.js';

export interface SpecProblem {
  /** Where in the spec; none for a problem of the whole file. */
  path?: ValuePath;
  line?: number;
  message: string;
  fix?: string;
}

const SPEC_FIX = 'fix the smoke spec; docs/SMOKE.md describes every field';

export class SpecError extends UsageError {
  readonly problems: string[];

  constructor(file: string, problems: SpecProblem[], options: LaunchdbErrorOptions = {}) {
    const lines = problems.map((problem) => problemLine(file, problem, problems.length > 1));
    const only = problems.length === 1 ? problems[0] : undefined;
    super(only ? lines[0]! : `${file}: ${problems.length} problems in the smoke spec`, {
      ...options,
      fix: options.fix ?? only?.fix ?? SPEC_FIX,
    });
    this.problems = lines;
  }
}

/** `launchdb.smoke.yaml:12: steps[2].http.path: expected a path starting with /`. */
function problemLine(file: string, problem: SpecProblem, withFix: boolean): string {
  const where = problem.line === undefined ? file : `${file}:${problem.line}`;
  const path = problem.path && problem.path.length > 0 ? `${formatPath(problem.path)}: ` : '';
  const fix = withFix && problem.fix ? ` (${problem.fix})` : '';
  return `${where}: ${path}${problem.message}${fix}`;
}

/** `steps[2].http.path`, `app.headers.X-Token`, `expect.body["/status"]`. */
export function formatPath(path: ValuePath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text || '(root)';
}
