// Findings about a smoke spec before it runs: what `launchdb smoke` would refuse (errors) and what it
// would run but prove less than it seems to (warnings).
import { suggest } from '../core/suggest.js';
import type { LoadedSpec } from './load-spec.js';
import { placedSteps } from './placed-steps.js';
import { readOnlyVerdict } from './sql-read-only.js';
import type { ValuePath } from './template.js';
import { templateNames } from './template.js';
import { templateProblems } from './template-check.js';

export interface SpecFinding {
  severity: 'error' | 'warn';
  /** Stable id: `guarded-write-without-cleanup`, `unknown-capture`, … (docs/SMOKE.md lists them). */
  rule: string;
  step?: string;
  message: string;
  fix?: string;
  line?: number;
}

export interface LintOptions {
  /** The environment smoke-tested is guarded (production, or `guarded: true`). */
  guarded: boolean;
  environment: string;
  /** The project's environments: a sql step's `env` must name one. */
  environments?: readonly string[];
  /** The variables the run would see: an `{{env.NAME}}` unset among them is reported. */
  variables?: Readonly<Record<string, string | undefined>>;
}

const WRITING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export async function lintSmokeSpec(loaded: LoadedSpec, options: LintOptions): Promise<SpecFinding[]> {
  const { spec } = loaded;
  const lineOf = (path: ValuePath) => loaded.lineOf?.(path);
  const findings: SpecFinding[] = [];

  for (const problem of templateProblems(spec))
    findings.push({
      severity: 'error',
      rule: problem.kind,
      ...(problem.step ? { step: problem.step } : {}),
      message: problem.message,
      ...(problem.fix ? { fix: problem.fix } : {}),
      ...line(lineOf(problem.path)),
    });

  const steps = placedSteps(spec);
  const writes = steps.filter(
    ({ inner, phase }) => phase === 'steps' && inner.http && WRITING_METHODS.has(inner.http.method),
  );
  const missing = [!spec.finally?.length && 'no `finally` steps', !spec.records && 'no `records`'].filter(
    Boolean,
  );
  if (options.guarded && writes.length > 0 && missing.length > 0) {
    const first = writes[0]!;
    const more =
      writes.length > 1
        ? ` (and ${writes.length - 1} more writing ${writes.length === 2 ? 'step' : 'steps'})`
        : '';
    findings.push({
      severity: 'error',
      rule: 'guarded-write-without-cleanup',
      step: first.label,
      message: `${first.inner.http!.method} ${first.inner.http!.path}${more} writes to guarded environment ${options.environment}, and the spec has ${missing.join(' and ')}: nothing it leaves there can be proven cleaned up`,
      fix: 'add `finally` steps that delete what the run created and `records` naming the table and column where the run id lands (docs/SMOKE.md), or smoke-test an environment that is not guarded',
      ...line(lineOf([...first.path, 'http', 'method'])),
    });
  }

  for (const { inner, label, path } of steps) {
    if (inner.http && inner.http.expect === undefined)
      findings.push({
        severity: 'warn',
        rule: 'http-without-expect',
        step: label,
        message: `${inner.http.method} ${inner.http.path} has no \`expect\`: any 2xx passes and nothing in the body is checked`,
        fix: 'add `expect: { status: 201, body: { /status: created } }` with what the app must answer',
        ...line(lineOf([...path, 'http'])),
      });
    if (inner.sql) {
      const verdict = await readOnlyVerdict(inner.sql.query);
      const at = line(lineOf([...path, 'sql', 'query']));
      if ('parses' in verdict)
        findings.push({
          severity: 'error',
          rule: 'sql-syntax',
          step: label,
          message: `the query does not parse: ${verdict.reason}`,
          fix: 'correct the SQL',
          ...at,
        });
      else if (!verdict.readOnly)
        findings.push({
          severity: 'error',
          rule: 'sql-writes',
          step: label,
          message: `the query would be refused: ${verdict.reason}, and sql steps run as the read-only role (or in a read-only transaction)`,
          fix: 'read with SELECT in sql steps; make changes through the app, with http steps',
          ...at,
        });
      const target = inner.sql.env;
      if (target !== undefined && options.environments && !options.environments.includes(target)) {
        const guess = suggest(target, options.environments);
        findings.push({
          severity: 'error',
          rule: 'unknown-environment',
          step: label,
          message: `env ${target} is not an environment of the project (${options.environments.join(', ')})`,
          fix: guess ? `did you mean ${guess}?` : 'name an environment declared in the config',
          ...line(lineOf([...path, 'sql', 'env'])),
        });
      }
    }
  }

  if (options.variables) {
    const unset = templateNames(spec).env.filter((name) => !options.variables![name]);
    for (const name of unset)
      findings.push({
        severity: 'warn',
        rule: 'unset-variable',
        message: `{{env.${name}}} is not set for environment ${options.environment}: a run here stops where it is used`,
        fix: `set ${name} in the environment, or in .env.${options.environment}`,
      });
  }
  return findings;
}

/**
 * What a lint's findings mean for its exit code: an error is a spec `launchdb smoke` refuses, bad
 * input (2); warnings alone pass (0), as with `migrate lint`.
 */
export function lintExitCode(findings: readonly SpecFinding[]): 0 | 2 {
  return findings.some((finding) => finding.severity === 'error') ? 2 : 0;
}

function line(at: number | undefined): { line?: number } {
  return at === undefined ? {} : { line: at };
}
