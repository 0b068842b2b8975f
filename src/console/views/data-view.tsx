// The Data tab: which seed files ran here, when and by whom, and which changed since; the app's admins
// with who owns each; and the last recorded scan for demo data.
import type { ListedAdmin } from '../../stores/postgres/admin/list-admins.js';
import { referenceChanged, type SeedStatus, seedLabel } from '../../stores/postgres/seed/seed-status.js';
import type { Outcome } from '../problem-of.js';
import type { DataTab } from '../routes/data.js';
import { countsInWords } from './counts-in-words.js';
import { EnvironmentPage, type EnvironmentTabProps } from './environment-page.js';
import { RecordedCheck } from './recorded-check.js';
import { utc } from './utc.js';

export function DataTabView(props: EnvironmentTabProps & { tab: DataTab; now: Date }) {
  const { env, tab } = props;
  const { read } = tab;
  return (
    <EnvironmentPage project={props.project} session={props.session} env={env} tab="data">
      {read.ok ? (
        <>
          <section id="seeds">
            <h2>Seeds</h2>
            <p class="meta">
              The files in <code>{tab.seedsDir}</code> against the seed log in {read.where}, as{' '}
              <code class="command">{`launchdb seed --status --env ${env.name}`}</code> shows them.
            </p>
            <Seeds seeds={read.seeds} env={env.name} dir={tab.seedsDir} />
          </section>
          <section id="admins">
            <h2>Admins</h2>
            <p class="meta">
              The app's admins (the config's <code>admin.list</code>) with the owner launchdb recorded, as{' '}
              <code class="command">{`launchdb admin list --env ${env.name}`}</code> shows them.
            </p>
            <Admins admins={read.admins} env={env.name} />
          </section>
        </>
      ) : (
        <p class="problem">{read.reason}</p>
      )}
      <section id="demo-data">
        <h2>Demo data</h2>
        <RecordedCheck
          env={env}
          id="seed.demo-data"
          cost="reads a sample of every table for demo users, test keys, placeholders and demo-seed values"
          command={`launchdb scan data --env ${env.name}`}
          now={props.now}
        />
      </section>
    </EnvironmentPage>
  );
}

function Seeds({ seeds, env, dir }: { seeds: Outcome<SeedStatus>; env: string; dir: string }) {
  if (!seeds.ok) return <p class="problem">{seeds.reason}</p>;
  const status = seeds.value;
  if (status.entries.length === 0) return <p id="seeds-summary">No seed files in {dir}, and none applied.</p>;
  const changed = referenceChanged(status);
  return (
    <>
      <p class="summary" id="seeds-summary">
        {countsInWords([
          [status.applied, 'applied'],
          [status.pending.length, 'pending'],
          [status.changed.length, 'changed since applied'],
          [status.missing.length, 'applied but their file is gone'],
        ])}
        .
      </p>
      {status.demoApplied.length > 0 ? (
        <p class="problem">
          {`${status.demoApplied.length} demo seed${status.demoApplied.length === 1 ? ' was' : 's were'} applied to ${env}, a production-like environment: `}
          <code class="command">{`launchdb scan data --env ${env}`}</code> finds the data.
        </p>
      ) : null}
      {changed.length > 0 ? (
        <p class="problem">
          {`${changed.length} reference seed${changed.length === 1 ? '' : 's'} changed since applied: `}
          <code class="command">{`launchdb seed --env ${env} --kind reference`}</code> applies{' '}
          {changed.length === 1 ? 'it' : 'them'}.
        </p>
      ) : null}
      {status.entries.length > 0 ? (
        <table class="seeds">
          <thead>
            <tr>
              <th>state</th>
              <th>kind</th>
              <th>file</th>
              <th>last applied (UTC)</th>
            </tr>
          </thead>
          <tbody>
            {status.entries.map((entry) => (
              <tr class={`state-${entry.state}`}>
                <td>{entry.state}</td>
                <td>{entry.kind}</td>
                <td>
                  <code>{seedLabel(entry)}</code>
                </td>
                <td>{entry.appliedAt ? `${utc(entry.appliedAt)} by ${entry.appliedBy}` : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}

function Admins({ admins, env }: { admins: Outcome<ListedAdmin[]>; env: string }) {
  if (!admins.ok) return <p class="problem">{admins.reason}</p>;
  if (admins.value.length === 0) return <p>The app has no admin.</p>;
  const undocumented = admins.value.filter((entry) => !entry.documented).length;
  return (
    <>
      {undocumented > 0 ? (
        <p class="problem">
          {`${undocumented} admin${undocumented === 1 ? '' : 's'} with no recorded owner: `}
          <code class="command">{`launchdb admin create --env ${env} --email EMAIL --owner "Name <email>"`}</code>{' '}
          records one.
        </p>
      ) : null}
      <table class="admins">
        <thead>
          <tr>
            <th>email</th>
            <th>name</th>
            <th>owner</th>
            <th>reason</th>
            <th>created by</th>
            <th>created (UTC)</th>
          </tr>
        </thead>
        <tbody>
          {admins.value.map((entry) => (
            <tr class={entry.documented ? 'documented' : 'status-fail'}>
              <td>{entry.email}</td>
              <td>{entry.name ?? ''}</td>
              <td>{entry.owner}</td>
              <td>{entry.record?.reason ?? ''}</td>
              <td>{entry.record ? `${entry.record.createdBy} (${entry.record.createdByOsUser})` : ''}</td>
              <td>{entry.record ? utc(entry.record.createdAt) : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
