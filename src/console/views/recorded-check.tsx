// An expensive check's last recorded result (a drift check, a data scan): never run on a page view,
// shown from the environment's newest check run with its age, what it costs, and the commands that
// run it again.
import { ago } from './ago.js';
import type { EnvironmentSummary } from './home-view.js';

export function RecordedCheck(props: {
  env: EnvironmentSummary;
  /** The check's id: `schema.drift`. */
  id: string;
  /** What a run costs, as a clause: `replays every migration into a shadow database`. */
  cost: string;
  /** The command that runs the same work and shows all it found: `launchdb migrate drift --env staging`. */
  command: string;
  now: Date;
}) {
  const { env, id } = props;
  const latest = env.latest;
  const check = latest?.checks.find((candidate) => candidate.id === id);
  return (
    <div class={`recorded-check${check ? ` status-${check.status}` : ''}`} data-check={id}>
      {check && latest ? (
        <>
          <p>
            <span class="status">{check.status}</span> {check.summary}
          </p>
          {check.fix && check.status !== 'pass' ? <p class="fix">{check.fix}</p> : null}
          <p class="meta">
            recorded {ago(latest.startedAt, props.now)} by {latest.actor} (<code>{id}</code>,{' '}
            {(check.durationMs / 1000).toFixed(1)} s)
          </p>
        </>
      ) : (
        <p>
          {latest
            ? `The newest check run (${ago(latest.startedAt, props.now)}) did not include ${id}.`
            : `${id} was never recorded for ${env.name}.`}
        </p>
      )}
      <p class="meta">
        Expensive: it {props.cost}, so it never runs on a page view.{' '}
        <code class="command">{props.command}</code> shows it now;{' '}
        <code class="command">{`launchdb check --env ${env.name} --only ${areaOf(id)}`}</code> records a new
        result here.
      </p>
    </div>
  );
}

/** Check ids start with their area: `schema.drift` is in `schema`, what `check --only` takes. */
function areaOf(id: string): string {
  return id.split('.')[0] ?? id;
}
