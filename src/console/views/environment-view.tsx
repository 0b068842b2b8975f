// One environment: the newest report by area (problems first within each), the verdict over time as
// a chart (views/chart.tsx), and the runs with the checks that changed since the run before.
import type { HistoryRun } from '../../control/check-history.js';
import type { CheckRunCheck } from '../../control/check-run.js';
import type { SignedIn } from '../console-context.js';
import { ActionForm } from './action-form.js';
import { CHART_SCRIPTS, Chart } from './chart.js';
import { EnvironmentPage } from './environment-page.js';
import type { EnvironmentSummary } from './home-view.js';
import { utc } from './utc.js';
import { worstFirst } from './worst-first.js';

export function EnvironmentView(props: {
  project: string;
  session: SignedIn;
  env: EnvironmentSummary;
  runs: HistoryRun[];
  days: number;
}) {
  const { env, runs } = props;
  const latest = env.latest;
  const areas = new Map<string, CheckRunCheck[]>();
  for (const check of latest?.checks ?? []) areas.set(check.area, [...(areas.get(check.area) ?? []), check]);
  // Oldest first, as a chart reads: [times in seconds, pass, warn, fail + error].
  const series = [...runs].reverse();
  const data = [
    series.map((run) => Math.round(Date.parse(run.startedAt) / 1000)),
    series.map((run) => run.counts.pass),
    series.map((run) => run.counts.warn),
    series.map((run) => run.counts.fail + run.counts.error),
  ];
  return (
    <EnvironmentPage
      project={props.project}
      session={props.session}
      env={env}
      tab=""
      scripts={runs.length > 1 ? CHART_SCRIPTS : []}
    >
      <ActionForm session={props.session} env={env.name} action="check" />
      <h2>Over the last {props.days} days</h2>
      {runs.length > 1 ? (
        <Chart
          id="history-chart"
          label="checks passing, warning and failing per run"
          axis="checks"
          lines={[
            { label: 'pass', color: '#1a7f37' },
            { label: 'warn', color: '#9a6700' },
            { label: 'fail', color: '#cf222e' },
          ]}
          data={data}
        />
      ) : (
        <p class="meta">
          {runs.length === 1 ? 'One run so far: a chart needs two.' : 'No check run recorded in this time.'}
        </p>
      )}
      {runs.length > 0 ? <RunsTable runs={runs} /> : null}
      {[...areas].map(([area, checks]) => (
        <section class="area" id={`area-${area}`}>
          <h2>{area}</h2>
          <table>
            <tbody>
              {worstFirst(checks).map((check) => (
                <tr class={`status-${check.status}`}>
                  <td>{check.status}</td>
                  <td>
                    <code>{check.id}</code>
                  </td>
                  <td>
                    {check.summary}
                    {check.fix && check.status !== 'pass' ? <p class="fix">{check.fix}</p> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ))}
    </EnvironmentPage>
  );
}

function RunsTable({ runs }: { runs: HistoryRun[] }) {
  return (
    <table class="runs">
      <thead>
        <tr>
          <th>when (UTC)</th>
          <th>verdict</th>
          <th>checks</th>
          <th>by</th>
          <th>changed</th>
        </tr>
      </thead>
      <tbody>
        {runs.slice(0, 20).map((run) => (
          <tr>
            <td>{utc(run.startedAt)}</td>
            <td>{run.verdict}</td>
            <td>{`${run.counts.pass} pass, ${run.counts.warn} warn, ${run.counts.fail + run.counts.error} fail`}</td>
            <td>{run.actor}</td>
            <td>{run.changed.map((change) => `${change.id}: ${change.from} → ${change.to}`).join(', ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
