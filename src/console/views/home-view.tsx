// Home: every environment's verdict, failing checks first, each with its fix and the exact command
// that checks it again (PgHero's pattern, applied to readiness).

import { raw } from 'hono/html';
import type { CheckRunCheck } from '../../control/check-run.js';
import type { LatestCheckRun, LatestGate } from '../../control/latest-check-runs.js';
import type { SignedIn } from '../console-context.js';
import { ago } from './ago.js';
import { Layout } from './layout.js';
import { worstFirst } from './worst-first.js';

export interface EnvironmentSummary {
  name: string;
  guarded: boolean;
  owner?: string | undefined;
  /** The stores it declares, in report order: `postgres`, `objects`, … */
  stores: string[];
  latest?: LatestCheckRun | undefined;
  /** Its newest check run in CI. */
  gate?: LatestGate | undefined;
}

/** The page around the environments' cards, which are rendered once for every viewer (homeCards). */
export function HomeView(props: { project: string; session: SignedIn; cards: string }) {
  return (
    <Layout project={props.project} title="Environments" session={props.session}>
      <h1>Environments</h1>
      {raw(props.cards)}
    </Layout>
  );
}

/** Every environment's card as HTML: the same for every viewer, so rendered once per load. */
export async function homeCards(environments: EnvironmentSummary[], now: Date): Promise<string> {
  return (
    await Promise.all(environments.map((env) => (<EnvironmentCard env={env} now={now} />).toString()))
  ).join('');
}

function EnvironmentCard({ env, now }: { env: EnvironmentSummary; now: Date }) {
  const latest = env.latest;
  const problems = worstFirst(latest?.checks ?? []).filter(
    (check) => check.status !== 'pass' && check.status !== 'skip',
  );
  const verdict = latest ? latest.verdict : 'never checked';
  return (
    <section class="environment" id={`env-${env.name}`}>
      <h2>
        <a href={`/env/${encodeURIComponent(env.name)}`}>{env.name}</a>{' '}
        {env.guarded ? <span class="badge guarded">guarded</span> : null}
        <span class={`verdict ${verdict.replace(' ', '-')}`}>{verdict}</span>
      </h2>
      <p class="meta">
        <StoresLine stores={env.stores} />
        {' · '}
        {env.owner ? `data owner ${env.owner}` : 'no data owner declared'}
        {latest
          ? ` · checked ${ago(latest.startedAt, now)} by ${latest.actor} in ${(latest.durationMs / 1000).toFixed(1)} s`
          : ` · run \`launchdb check --env ${env.name}\` to record a verdict`}
      </p>
      <p class="meta gate" id={`gate-${env.name}`}>
        {env.gate
          ? `last deploy gate: ${env.gate.verdict}, ${ago(env.gate.startedAt, now)} by ${env.gate.actor}`
          : 'no deploy gate recorded: run `launchdb check` in CI before each deploy (docs/CI.md)'}
      </p>
      {problems.length > 0 ? (
        <table>
          <thead>
            <tr>
              <th>status</th>
              <th>check</th>
              <th>found</th>
              <th>fix</th>
            </tr>
          </thead>
          <tbody>
            {problems.map((check) => (
              <CheckRow check={check} env={env.name} />
            ))}
          </tbody>
        </table>
      ) : latest ? (
        <p class="ok">No check failed or warned.</p>
      ) : null}
    </section>
  );
}

/** The stores an environment declares, in words. */
export function StoresLine({ stores }: { stores: string[] }) {
  return (
    <span class="stores">{stores.length > 0 ? `stores: ${stores.join(', ')}` : 'no stores declared'}</span>
  );
}

function CheckRow({ check, env }: { check: CheckRunCheck; env: string }) {
  return (
    <tr class={`status-${check.status}`}>
      <td>{check.status}</td>
      <td>
        <code>{check.id}</code>
      </td>
      <td>{check.summary}</td>
      <td>
        {check.fix ? <p>{check.fix}</p> : null}
        <code class="command">{`launchdb check --env ${env} --only ${check.area}`}</code>
      </td>
    </tr>
  );
}
