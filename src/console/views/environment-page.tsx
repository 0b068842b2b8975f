// The frame of every page about one environment: its name, guarded badge and newest verdict, and
// the tabs of its areas. Each tab is a route of its own (`/env/:env/<tab>`), readiness at `/env/:env`.
import type { Child } from 'hono/jsx';
import type { SignedIn } from '../console-context.js';
import { type EnvironmentSummary, StoresLine } from './home-view.js';
import { Layout } from './layout.js';

export const ENVIRONMENT_TABS = [
  { tab: '', label: 'Readiness' },
  { tab: 'migrations', label: 'Migrations' },
  { tab: 'data', label: 'Data' },
  { tab: 'connections', label: 'Connections' },
  { tab: 'backups', label: 'Backups' },
  { tab: 'access', label: 'Access' },
  { tab: 'smoke', label: 'Smoke' },
] as const;

export type EnvironmentTab = (typeof ENVIRONMENT_TABS)[number]['tab'];

export function environmentPath(env: string, tab: EnvironmentTab = ''): string {
  return `/env/${encodeURIComponent(env)}${tab ? `/${tab}` : ''}`;
}

/** What every tab's view is given by its route: the project, who is signed in, the environment. */
export interface EnvironmentTabProps {
  project: string;
  session: SignedIn;
  env: EnvironmentSummary;
}

export function EnvironmentPage(props: {
  project: string;
  session: SignedIn;
  env: EnvironmentSummary;
  tab: EnvironmentTab;
  scripts?: string[];
  children?: Child;
}) {
  const { env, tab } = props;
  const latest = env.latest;
  const label = ENVIRONMENT_TABS.find((entry) => entry.tab === tab)?.label ?? '';
  return (
    <Layout
      project={props.project}
      title={tab ? `${label} · ${env.name}` : env.name}
      session={props.session}
      scripts={props.scripts ?? []}
    >
      <p>
        <a href="/">Environments</a>
      </p>
      <h1>
        {env.name} {env.guarded ? <span class="badge guarded">guarded</span> : null}
        <span class={`verdict ${latest ? latest.verdict.replace(' ', '-') : 'never-checked'}`}>
          {latest ? latest.verdict : 'never checked'}
        </span>
      </h1>
      <p class="meta">
        <StoresLine stores={env.stores} />
      </p>
      <nav class="tabs" aria-label={`${env.name} areas`}>
        {ENVIRONMENT_TABS.map((entry) => (
          <a
            href={environmentPath(env.name, entry.tab)}
            {...(entry.tab === tab ? { 'aria-current': 'page', class: 'current' } : {})}
          >
            {entry.label}
          </a>
        ))}
      </nav>
      {props.children}
    </Layout>
  );
}
