// The Backups tab: the environment's backups with size, duration, age and verification; who can
// restore; the restore drills with their RTO and RPO over time (two charts) and in a table; and the
// scheduler's runs of the environment's jobs.
import { firstLine } from '../../core/errors.js';
import { formatBytes, formatDuration } from '../../core/human-units.js';
import { tookText } from '../../scheduler/job-health.js';
import type { JobRun } from '../../scheduler/read-job-runs.js';
import { slotText } from '../../scheduler/slot-text.js';
import type { DrillRecord } from '../../stores/postgres/backup/drill-log.js';
import type { BackupListing } from '../../stores/postgres/backup/list-backups.js';
import type { BackupsTab, ScheduledRuns } from '../routes/backups.js';
import { ActionForm } from './action-form.js';
import { ago } from './ago.js';
import { CHART_SCRIPTS, Chart } from './chart.js';
import { EnvironmentPage, type EnvironmentTabProps } from './environment-page.js';
import { utc } from './utc.js';

/** Drills in the table; the charts show all that were read. */
const DRILLS_LISTED = 20;

export function BackupsView(props: EnvironmentTabProps & { tab: BackupsTab; now: Date }) {
  const { env, tab, now } = props;
  const charted = tab.drills.ok ? tab.drills.value.length > 1 : false;
  return (
    <EnvironmentPage
      project={props.project}
      session={props.session}
      env={env}
      tab="backups"
      scripts={charted ? CHART_SCRIPTS : []}
    >
      <section id="backups">
        <h2>Backups</h2>
        <ActionForm session={props.session} env={env.name} action="backup" />
        {tab.backups.ok ? (
          <BackupsTable listing={tab.backups.value} env={env.name} location={tab.location!} now={now} />
        ) : (
          <p class="problem">
            The backups {tab.location ? `in ${tab.location} ` : ''}cannot be read: {tab.backups.reason}
          </p>
        )}
      </section>
      <section id="restore-owners">
        <h2>Who can restore</h2>
        {tab.restoreOwners.length > 0 ? (
          <ul>
            {tab.restoreOwners.map((owner) => (
              <li>
                {owner.name} ({owner.contact})
              </li>
            ))}
          </ul>
        ) : (
          <p class="problem">
            Nobody is named who can restore data: set <code>backups.restoreOwners</code> in the config.
          </p>
        )}
      </section>
      <section id="drills">
        <h2>Restore drills</h2>
        <ActionForm session={props.session} env={env.name} action="drill" />
        {tab.drills.ok ? (
          <Drills drills={tab.drills.value} env={env.name} now={now} />
        ) : (
          <p class="problem">The drills cannot be read: {tab.drills.reason}</p>
        )}
      </section>
      <section id="scheduled">
        <h2>Scheduled jobs</h2>
        {tab.jobs.ok ? (
          <ScheduledJobs jobs={tab.jobs.value} env={env.name} />
        ) : (
          <p class="problem">The scheduler's runs cannot be read: {tab.jobs.reason}</p>
        )}
      </section>
    </EnvironmentPage>
  );
}

function BackupsTable(props: { listing: BackupListing; env: string; location: string; now: Date }) {
  const { listing, env, location, now } = props;
  const create = <code class="command">{`launchdb backup create --env ${env}`}</code>;
  if (listing.total === 0) {
    return (
      <p>
        No backups of {env} in <code>{location}</code>: take one with {create}.
      </p>
    );
  }
  return (
    <>
      <p class="meta">
        {listing.total > listing.backups.length
          ? `The newest ${listing.backups.length} of ${listing.total} backups`
          : `${listing.total} backup${listing.total === 1 ? '' : 's'}`}{' '}
        in <code>{location}</code>, as <code class="command">{`launchdb backup list --env ${env}`}</code>{' '}
        lists them. Take one with {create}; prove the newest with{' '}
        <code class="command">{`launchdb backup verify --newest --env ${env}`}</code>.
      </p>
      <table class="backups">
        <thead>
          <tr>
            <th>id</th>
            <th>taken (UTC)</th>
            <th>age</th>
            <th>size</th>
            <th>took</th>
            <th>tables</th>
            <th>rows</th>
            <th>encrypted</th>
            <th>verified</th>
          </tr>
        </thead>
        <tbody>
          {listing.backups.map((backup) => (
            <tr>
              <td>
                <code>{backup.id}</code>
              </td>
              <td>{utc(backup.time)}</td>
              <td>{ago(new Date(backup.time), now)}</td>
              <td>{formatBytes(backup.bytes)}</td>
              <td>{formatDuration(backup.durationMs)}</td>
              <td>{backup.tables}</td>
              <td>{backup.rows}</td>
              <td class={backup.encrypted ? '' : 'warn'}>{backup.encrypted ? 'yes' : 'no'}</td>
              <td class={backup.verified && !backup.verified.ok ? 'problem' : ''}>
                {backup.verified
                  ? backup.verified.ok
                    ? `ok, ${ago(new Date(backup.verified.at), now)}`
                    : 'DAMAGED'
                  : 'never'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Drills({ drills, env, now }: { drills: DrillRecord[]; env: string; now: Date }) {
  const command = <code class="command">{`launchdb backup drill --env ${env}`}</code>;
  if (drills.length === 0) {
    return (
      <p>
        No drill is recorded in {env}'s database: prove the newest backup restores with {command}.
      </p>
    );
  }
  // Oldest first, as a chart reads. A failed drill proves no time to restore: a gap in the RTO.
  const series = [...drills].reverse();
  const times = series.map((drill) => Math.round(Date.parse(drill.ranAt) / 1000));
  const rto = inUnit(series.map((drill) => drill.restoreMs));
  const rpo = inUnit(series.map((drill) => drill.dataAgeMs));
  return (
    <>
      <p class="meta">
        Recorded in {env}'s database (<code>launchdb.drills</code>) by{' '}
        <code class="command">{`launchdb backup drill --env ${env}`}</code>: RTO is the time the restore took,
        RPO the age of the backup's data when it was drilled.
      </p>
      {drills.length > 1 ? (
        <div class="charts">
          <Chart
            id="drill-rto-chart"
            label="time to restore (RTO) of each drill"
            axis={`RTO (${rto.unit})`}
            lines={[{ label: 'RTO', color: '#0969da' }]}
            data={[times, rto.values]}
            points
          />
          <Chart
            id="drill-rpo-chart"
            label="age of the drilled backup's data (RPO) of each drill"
            axis={`RPO (${rpo.unit})`}
            lines={[{ label: 'RPO', color: '#8250df' }]}
            data={[times, rpo.values]}
            points
          />
        </div>
      ) : (
        <p class="meta">One drill so far: the charts need two.</p>
      )}
      <table class="drills">
        <thead>
          <tr>
            <th>result</th>
            <th>ran (UTC)</th>
            <th>backup</th>
            <th>RTO</th>
            <th>RPO</th>
            <th>restored</th>
            <th>by</th>
          </tr>
        </thead>
        <tbody>
          {drills.slice(0, DRILLS_LISTED).map((drill) => (
            <tr class={drill.ok ? 'status-pass' : 'status-fail'}>
              <td>{drill.ok ? 'passed' : 'failed'}</td>
              <td>
                {utc(drill.ranAt)} ({ago(new Date(drill.ranAt), now)})
              </td>
              <td>
                <code>{drill.backupId}</code>
              </td>
              <td>{drill.restoreMs === null ? 'none' : formatDuration(drill.restoreMs)}</td>
              <td>{formatDuration(drill.dataAgeMs)}</td>
              <td>
                {`${drill.tables} tables, ${drill.rows} rows into ${drill.scratch === 'embedded' ? 'an embedded' : 'a server'} scratch`}
                {drill.problems.length > 0 ? (
                  <p class="problem">
                    {drill.problems[0]}
                    {drill.problems.length > 1 ? ` (and ${drill.problems.length - 1} more)` : ''}
                  </p>
                ) : null}
              </td>
              <td>
                {drill.ranBy} ({drill.ranByOsUser})
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function ScheduledJobs({ jobs, env }: { jobs: ScheduledRuns[]; env: string }) {
  if (jobs.length === 0) {
    return (
      <p>
        No scheduled job runs on {env}: declare nightly backups and weekly drills under{' '}
        <code>scheduler.jobs</code> and run <code class="command">launchdb scheduler run</code> as a service
        (docs/SCHEDULER.md).
      </p>
    );
  }
  return (
    <>
      <p class="meta">
        Read from the control database, as{' '}
        <code class="command">{`launchdb scheduler status --env ${env}`}</code> shows them.
      </p>
      {jobs.map(({ job, health, runs }) => (
        <div class={`job state-${health.state}`} id={`job-${job.kind.name}`}>
          <h3>
            {job.kind.name} <span class="meta">{`${job.cron} (${job.timezone}): ${job.kind.does}`}</span>
          </h3>
          <p
            class={
              health.state === 'ok' || health.state === 'not-due' || health.state === 'running'
                ? ''
                : 'problem'
            }
          >
            <span class="status">{health.state}</span>: {health.summary}
          </p>
          {runs.length > 0 ? <RunsTable runs={runs} timezone={job.timezone} /> : null}
        </div>
      ))}
    </>
  );
}

function RunsTable({ runs, timezone }: { runs: JobRun[]; timezone: string }) {
  return (
    <table class="job-runs">
      <thead>
        <tr>
          <th>state</th>
          <th>slot</th>
          <th>started (UTC)</th>
          <th>took</th>
          <th>by</th>
          <th>error</th>
        </tr>
      </thead>
      <tbody>
        {runs.map((run) => {
          const state = run.result ?? 'running';
          return (
            <tr class={state === 'ok' ? 'status-pass' : state === 'running' ? '' : 'status-fail'}>
              <td>{state}</td>
              <td>{slotText(run.slot, timezone)}</td>
              <td>{run.startedAt ? utc(run.startedAt) : 'never started'}</td>
              <td>{run.startedAt && run.finishedAt ? tookText(run) : ''}</td>
              <td>{run.claimedBy}</td>
              <td>{run.error ? firstLine(run.error) : ''}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** Durations in one unit that keeps the numbers readable: seconds, minutes, hours or days. */
function inUnit(values: (number | null)[]): { unit: string; values: (number | null)[] } {
  const largest = Math.max(0, ...values.map((value) => value ?? 0));
  const [unit, ms] =
    largest >= 2 * 86_400_000
      ? ['days', 86_400_000]
      : largest >= 2 * 3_600_000
        ? ['hours', 3_600_000]
        : largest >= 2 * 60_000
          ? ['minutes', 60_000]
          : ['seconds', 1_000];
  return {
    unit,
    values: values.map((value) => (value === null ? null : Math.round((value / ms) * 100) / 100)),
  };
}
