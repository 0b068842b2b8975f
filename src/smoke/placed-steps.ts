// Every step of a spec, `steps` then `finally`, with the step a `poll` retries taken out of it: what
// the checks before a run and the runner's preparations look through.
import type { SmokeSpec, SmokeStep } from './spec.js';
import { stepLabel } from './step-label.js';
import type { ValuePath } from './template.js';

export interface PlacedStep {
  /** The step itself, or the step a `poll` retries. */
  inner: SmokeStep;
  label: string;
  phase: 'steps' | 'finally';
  /** Where `inner` is in the spec. */
  path: ValuePath;
}

export function placedSteps(spec: Pick<SmokeSpec, 'steps' | 'finally'>): PlacedStep[] {
  const place =
    (phase: 'steps' | 'finally') =>
    (step: SmokeStep, index: number): PlacedStep => ({
      inner: step.poll ? (step.poll.step as SmokeStep) : step,
      label: stepLabel(step, index, phase),
      phase,
      path: step.poll ? [phase, index, 'poll', 'step'] : [phase, index],
    });
  return [...spec.steps.map(place('steps')), ...(spec.finally ?? []).map(place('finally'))];
}
