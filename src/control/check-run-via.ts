// Where a `check` ran, recorded with its run: a CI job's run is the deploy gate the console's home
// shows; the console and the scheduler say so for the commands they start (LAUNCHDB_VIA).
export const VIA_VARIABLE = 'LAUNCHDB_VIA';

export type CheckRunVia = 'ci' | 'console' | 'scheduler' | 'terminal';

export function checkRunVia(vars: Readonly<Record<string, string | undefined>>): CheckRunVia {
  const named = vars[VIA_VARIABLE];
  if (named === 'console' || named === 'scheduler') return named;
  // Every CI service sets CI (GitHub Actions, GitLab, CircleCI, Buildkite, Jenkins' plugins).
  const ci = vars.CI?.trim().toLowerCase();
  return ci && ci !== 'false' && ci !== '0' ? 'ci' : 'terminal';
}
