// The Migrations tab: where the schema stands in a sentence and what to run next, every migration
// with its state, the lint of the files `migrate up` applies next, and the last recorded drift check.
import { isLaunchdbError } from '../../core/errors.js';
import type { LintFinding } from '../../stores/postgres/migrate/lint/lint.js';
import type { MigrationStatus } from '../../stores/postgres/migrate/status.js';
import { refuseInvalidPlan } from '../../stores/postgres/migrate/validate.js';
import { LINTED_PENDING_MAX, type MigrationsTab, type PendingLint } from '../routes/migrations.js';
import { countsInWords } from './counts-in-words.js';
import { EnvironmentPage, type EnvironmentTabProps } from './environment-page.js';
import { RecordedCheck } from './recorded-check.js';
import { utc } from './utc.js';

export function MigrationsView(props: EnvironmentTabProps & { tab: MigrationsTab; now: Date }) {
  const { env, tab } = props;
  return (
    <EnvironmentPage project={props.project} session={props.session} env={env} tab="migrations">
      {tab.status.ok ? (
        <>
          <StatusSentence status={tab.status.value} env={env.name} dir={tab.dir} />
          <p class="meta">
            The files in <code>{tab.dir}</code> against the history in {tab.status.where}, as{' '}
            <code class="command">{`launchdb migrate status --env ${env.name}`}</code> shows them.
          </p>
          {tab.notes.map((note) => (
            <p class="meta">note: {note}</p>
          ))}
          <MigrationsTable status={tab.status.value} />
        </>
      ) : (
        <p class="problem">{tab.status.reason}</p>
      )}
      {tab.lint ? <LintSection lint={tab.lint} /> : null}
      <section id="drift">
        <h2>Drift</h2>
        <RecordedCheck
          env={env}
          id="schema.drift"
          cost="replays every migration into a shadow database and compares it with the live schema"
          command={`launchdb migrate drift --env ${env.name}`}
          now={props.now}
        />
      </section>
    </EnvironmentPage>
  );
}

/** `5 applied, 1 pending: run launchdb migrate up --env staging`, or why `migrate up` would refuse. */
function StatusSentence({ status, env, dir }: { status: MigrationStatus; env: string; dir: string }) {
  const words = countsInWords([
    [status.applied, 'applied'],
    [status.pending.length, 'pending'],
    [status.outOfOrder.length, 'out of order'],
    [status.changed.length, 'changed since applied'],
    [status.missing.length, 'applied but their file is gone'],
  ]);
  return (
    <p class="summary" id="migrations-summary">
      {nextStep(status, words, env, dir)}
    </p>
  );
}

function nextStep(status: MigrationStatus, words: string, env: string, dir: string) {
  if (status.entries.length === 0) return `No migrations in ${dir}, and none applied.`;
  const refused = refusal(status);
  if (refused) return `${words}. Migrate up refuses to run: ${refused}.`;
  if (status.pending.length === 0) return `${words}: the schema is up to date.`;
  return (
    <>
      {words}: run <code class="command">{`launchdb migrate up --env ${env}`}</code>
    </>
  );
}

/** What stops `migrate up` (a changed or missing applied file, an out-of-order one), in its own words. */
function refusal(status: MigrationStatus): string | undefined {
  try {
    refuseInvalidPlan(status, false);
    return undefined;
  } catch (error) {
    if (!isLaunchdbError(error)) throw error;
    return `${error.message}; ${error.fix ?? ''}`;
  }
}

function MigrationsTable({ status }: { status: MigrationStatus }) {
  if (status.entries.length === 0) return null;
  return (
    <table class="migrations">
      <thead>
        <tr>
          <th>state</th>
          <th>version</th>
          <th>name</th>
          <th>applied (UTC)</th>
        </tr>
      </thead>
      <tbody>
        {status.entries.map((entry) => (
          <tr class={`state-${entry.state}`}>
            <td>{entry.state}</td>
            <td>
              <code>{entry.version}</code>
            </td>
            <td>{entry.file ?? entry.name}</td>
            <td>{entry.appliedAt ? `${utc(entry.appliedAt)} by ${entry.appliedBy}` : ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function LintSection({ lint }: { lint: PendingLint }) {
  if (!lint.ok) {
    return (
      <section id="lint">
        <h2>Lint of the pending files</h2>
        <p class="problem">{lint.reason}</p>
      </section>
    );
  }
  const files = `${lint.linted} pending file${lint.linted === 1 ? '' : 's'}`;
  return (
    <section id="lint">
      <h2>Lint of the pending files</h2>
      <p class="meta">
        {lint.pending > lint.linted
          ? `The first ${lint.linted} of ${lint.pending} pending files (a page lints at most ${LINTED_PENDING_MAX}), `
          : 'The pending files, '}
        linted in order without the applied ones before them;{' '}
        <code class="command">launchdb migrate lint</code> lints every migration.
      </p>
      {lint.findings.length === 0 ? (
        <p class="ok">No problem in {files}.</p>
      ) : (
        <table class="lint">
          <thead>
            <tr>
              <th>severity</th>
              <th>where</th>
              <th>rule</th>
              <th>found, and the safe alternative</th>
            </tr>
          </thead>
          <tbody>
            {lint.findings.map((finding) => (
              <FindingRow finding={finding} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function FindingRow({ finding }: { finding: LintFinding }) {
  return (
    <tr class={`status-${finding.severity === 'error' ? 'fail' : 'warn'}`}>
      <td>{finding.severity}</td>
      <td>
        <code>{`${finding.file}:${finding.line}:${finding.column}`}</code>
      </td>
      <td>
        <code>{finding.rule}</code>
      </td>
      <td>
        {finding.message}
        <p class="fix">{finding.fix}</p>
      </td>
    </tr>
  );
}
