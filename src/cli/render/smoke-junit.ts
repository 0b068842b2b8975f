// A smoke run as JUnit XML for CI: one test suite, one test case per step (the finally steps too).
import type { SmokeRun } from '../../smoke/run-smoke.js';
import type { StepResult } from '../../smoke/step-result.js';
import { attributes, escapeXml, seconds } from './junit.js';

export function renderSmokeJunit(run: SmokeRun, project: string): string {
  const count = (status: StepResult['status']) => run.steps.filter((step) => step.status === status).length;
  // The proof in the store is a case of its own: a run whose steps passed can still leave rows behind.
  const proof: StepResult[] =
    run.cleaned === null
      ? []
      : [
          {
            name: 'clean-up proven in the store',
            kind: 'sql',
            phase: 'finally',
            status: run.cleaned ? 'pass' : 'fail',
            ms: 0,
            message: run.cleaned ? 'no row with the run id remains' : 'rows with the run id remain',
          },
        ];
  const cases = [...run.steps, ...proof];
  const failures = cases.filter((step) => step.status === 'fail').length;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes({ name: `launchdb smoke ${project} ${run.environment}`, tests: cases.length, failures, errors: 0, skipped: count('skip'), time: seconds(run.durationMs) })}>`,
    `  <testsuite${attributes({ name: `launchdb smoke ${run.environment}`, tests: cases.length, failures, errors: 0, skipped: count('skip'), time: seconds(run.durationMs) })}>`,
    '    <properties>',
    `      <property${attributes({ name: 'run', value: run.runId })}/>`,
    `      <property${attributes({ name: 'environment', value: run.environment })}/>`,
    '    </properties>',
  ];
  for (const step of cases) {
    lines.push(
      `    <testcase${attributes({ classname: `launchdb.smoke.${step.phase}`, name: step.name, time: seconds(step.ms) })}>`,
    );
    const body = [
      step.message,
      step.expected && `expected: ${step.expected}`,
      step.got && `got: ${step.got}`,
      ...(step.reproduce ?? []).map((line) => `reproduce: ${line}`),
    ]
      .filter(Boolean)
      .join('\n');
    if (step.status === 'fail')
      lines.push(
        `      <failure${attributes({ message: step.message, type: 'fail' })}>${escapeXml(body)}</failure>`,
      );
    else if (step.status === 'skip') lines.push(`      <skipped${attributes({ message: step.message })}/>`);
    else
      lines.push(
        `      <system-out>${escapeXml(step.status === 'warn' ? `warning: ${body}` : body)}</system-out>`,
      );
    lines.push('    </testcase>');
  }
  lines.push('  </testsuite>', '</testsuites>', '');
  return lines.join('\n');
}
