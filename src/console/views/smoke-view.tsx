// The Smoke tab: the runs newest first, each a <details> whose summary says its verdict, who ran it,
// when and for how long, and whose body times every step as a bar (a <meter>: no inline style under
// the CSP) beside what the step found.
import type { StepResult } from '../../smoke/step-result.js';
import type { SmokeRunRecord } from '../../stores/postgres/smoke/smoke-runs.js';
import type { EnvironmentRead } from '../read-environment.js';
import { SMOKE_RUNS_SHOWN, type SmokeRuns } from '../routes/smoke.js';
import { ago } from './ago.js';
import { EnvironmentPage, type EnvironmentTabProps } from './environment-page.js';
import { utc } from './utc.js';

export function SmokeView(props: EnvironmentTabProps & { read: EnvironmentRead<SmokeRuns>; now: Date }) {
  const { env, read } = props;
  const command = `launchdb smoke --env ${env.name}${env.guarded ? ` --confirm ${env.name}` : ''} --app-url URL`;
  return (
    <EnvironmentPage project={props.project} session={props.session} env={env} tab="smoke">
      {!read.ok ? (
        <p class="problem">{read.reason}</p>
      ) : !read.value.ok ? (
        <p class="problem">{read.value.reason}</p>
      ) : read.value.runs.length === 0 ? (
        <p class="meta">No smoke run recorded in {read.where} yet.</p>
      ) : (
        <>
          <p class="meta">
            {read.value.runs.length === SMOKE_RUNS_SHOWN
              ? `The newest ${SMOKE_RUNS_SHOWN} runs`
              : 'Every run'}
            , newest first, from launchdb.smoke_runs in {read.where}.
          </p>
          {read.value.runs.map((run, index) => (
            <SmokeRunDetails run={run} now={props.now} open={index === 0} />
          ))}
        </>
      )}
      <p class="meta">
        Run one: <code class="command">{command}</code>
      </p>
    </EnvironmentPage>
  );
}

function SmokeRunDetails({ run, now, open }: { run: SmokeRunRecord; now: Date; open: boolean }) {
  const steps = stepsOf(run);
  const longest = Math.max(1, ...steps.map((step) => step.ms));
  const took = run.finishedAt ? ` in ${seconds(run.finishedAt.getTime() - run.startedAt.getTime())}` : '';
  return (
    <details class={`smoke-run ${run.status}`} id={run.id} {...(open ? { open: true } : {})}>
      <summary>
        <span
          class={`verdict ${run.status === 'passed' ? 'ready' : run.status === 'failed' ? 'not-ready' : ''}`}
        >
          {run.status === 'running' ? 'running, or killed' : run.status}
        </span>{' '}
        {`${utc(run.startedAt)} (${ago(run.startedAt, now)}) by ${run.startedBy}${took}`}{' '}
        <code>{run.id}</code>
      </summary>
      <p class="meta">
        {`${run.specFile} (sha256 ${run.specChecksum.slice(0, 12)}), recorded as ${run.startedAs}; ${cleanedText(run)}`}
        {run.note ? `; ${run.note}` : ''}
      </p>
      {steps.length === 0 ? (
        <p class="meta">No step recorded{run.status === 'running' ? ' yet' : ''}.</p>
      ) : (
        <table class="steps">
          <thead>
            <tr>
              <th>step</th>
              <th>status</th>
              <th>time</th>
              <th>found</th>
            </tr>
          </thead>
          <tbody>
            {steps.map((step) => (
              <tr class={`status-${step.status}`}>
                <td>
                  {step.phase === 'finally' ? <span class="badge">finally</span> : null} {step.name}{' '}
                  <span class="meta">{step.kind}</span>
                </td>
                <td>{step.status}</td>
                <td class="timing">
                  <meter min={0} max={longest} value={step.ms} title={`${step.ms} ms`} /> {`${step.ms} ms`}
                  {step.serviceMs !== undefined ? (
                    <span class="meta">{` (${Math.round(step.serviceMs)} ms in the service)`}</span>
                  ) : null}
                </td>
                <td>
                  {step.message}
                  {step.status === 'fail' && step.expected ? (
                    <p class="fix">expected: {step.expected}</p>
                  ) : null}
                  {step.status === 'fail' && step.got ? <p class="fix">got: {step.got}</p> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </details>
  );
}

/** The steps as the runner recorded them; an entry that is not one (a hand-edited row) is left out. */
function stepsOf(run: SmokeRunRecord): StepResult[] {
  return (Array.isArray(run.steps) ? run.steps : []).filter(
    (step): step is StepResult =>
      typeof step === 'object' &&
      step !== null &&
      typeof (step as StepResult).name === 'string' &&
      typeof (step as StepResult).ms === 'number',
  );
}

function cleanedText(run: SmokeRunRecord): string {
  if (run.keepsRows) return 'its rows are kept (the spec says so)';
  if (run.cleaned === true) return 'clean-up proven: no row with the run id remains';
  if (run.cleaned === false) return 'rows with the run id remained after the clean-up';
  return 'clean-up not checked';
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
