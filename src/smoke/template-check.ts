// Before a run: every `{{name}}` a step uses is captured by an earlier step, and every `{{…}}` is a
// template launchdb knows. A `finally` step may use any capture of `steps`: when the run stopped
// before that capture was made, the runner skips the step and reports it as skipped.
import { suggest } from '../core/suggest.js';
import type { SmokeSpec, SmokeStep } from './spec.js';
import { stepLabel } from './step-label.js';
import { eachTemplate, TEMPLATE_FORMS, templateText, type ValuePath } from './template.js';

export interface TemplateProblem {
  /** Where in the spec: `['steps', 1, 'http', 'path']`. */
  path: ValuePath;
  /** The step's label, when the problem is in a step. */
  step?: string;
  /** A capture no earlier step makes, or a `{{…}}` that is no template. */
  kind: 'unknown-capture' | 'unknown-template';
  message: string;
  fix?: string;
}

export function templateProblems(spec: SmokeSpec): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  eachTemplate(spec.app, (template, path) => {
    if (template.kind === 'capture')
      problems.push({
        path: ['app', ...path],
        kind: 'unknown-capture',
        message: `app.${path.join('.')} uses ${templateText(template)}, but the app's settings are rendered before any step captures a value`,
        fix: 'use {{run.id}} or {{env.NAME}} there, or move the value into the steps that need it',
      });
    else if (template.kind === 'invalid') problems.push(invalid(['app', ...path], templateText(template)));
  });

  const captured = new Map<string, string>();
  const later = laterCaptures(spec.steps);
  spec.steps.forEach((step, index) => {
    const label = stepLabel(step, index, 'steps');
    checkStep(step, ['steps', index], label, captured, problems, (name) => {
      const by = later.get(name);
      return by && by.index > index ? `${name} is captured by ${by.label}, after this step` : undefined;
    });
    for (const name of capturesOf(step)) captured.set(name, label);
  });
  (spec.finally ?? []).forEach((step, index) => {
    const label = stepLabel(step, index, 'finally');
    checkStep(step, ['finally', index], label, captured, problems, () => undefined);
    for (const name of capturesOf(step)) captured.set(name, label);
  });
  return problems;
}

/** The names a step captures for the steps after it. */
export function capturesOf(step: SmokeStep): string[] {
  const inner = step.poll?.step ?? step;
  return [...Object.keys(inner.http?.capture ?? {}), ...Object.keys(inner.sql?.capture ?? {})];
}

function checkStep(
  step: SmokeStep,
  at: ValuePath,
  label: string,
  captured: ReadonlyMap<string, string>,
  problems: TemplateProblem[],
  capturedLater: (name: string) => string | undefined,
): void {
  const phase = at[0] === 'finally' ? 'step' : 'earlier step';
  eachTemplate(step, (template, path) => {
    if (template.kind === 'invalid')
      problems.push({ ...invalid([...at, ...path], templateText(template)), step: label });
    if (template.kind !== 'capture' || captured.has(template.name)) return;
    const known = [...captured.keys()];
    const guess = suggest(template.name, known);
    const before =
      known.length > 0 ? `captured before it: ${known.join(', ')}` : 'nothing is captured before it';
    problems.push({
      path: [...at, ...path],
      step: label,
      kind: 'unknown-capture',
      message: `${templateText(template)} is captured by no ${phase} (${before})`,
      fix:
        capturedLater(template.name) ??
        (guess
          ? `did you mean {{${guess}}}?`
          : `capture it in an earlier step, e.g. \`capture: { ${template.name}: /id }\``),
    });
  });
}

function invalid(path: ValuePath, text: string): TemplateProblem {
  return {
    path,
    kind: 'unknown-template',
    message: `${text} is not a template launchdb knows`,
    fix: `write ${TEMPLATE_FORMS}`,
  };
}

/** For each capture name, the first step of `steps` that captures it. */
function laterCaptures(steps: SmokeStep[]): Map<string, { index: number; label: string }> {
  const first = new Map<string, { index: number; label: string }>();
  steps.forEach((step, index) => {
    for (const name of capturesOf(step))
      if (!first.has(name)) first.set(name, { index, label: stepLabel(step, index, 'steps') });
  });
  return first;
}
