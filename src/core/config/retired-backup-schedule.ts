// backups.schedule is retired: `launchdb scheduler run` takes backups, on the jobs scheduler.jobs
// declares. What replaces a config's schedule, written out exactly, so the config error and the
// retired `backup schedule` command can both say what to paste.
import { isGuarded } from './guarded.js';
import type { ScheduledJobName } from './types.js';

/** The cron offered when a config had no schedule to carry over. */
export const EXAMPLE_BACKUP_CRON = '0 3 * * *';

export interface ReplacementJob {
  job: Extract<ScheduledJobName, 'backup' | 'prune'>;
  env: string;
  cron: string;
}

export interface ScheduleReplacement {
  /** The jobs to add to scheduler.jobs; none when it declares them all already. */
  add: ReplacementJob[];
  /** The environments whose backup job scheduler.jobs declares already. */
  declared: string[];
  /** The cron was the config's (backups.schedule), not the example. */
  fromConfig: boolean;
  /** Guarded environments with a prune job: `scheduler run` runs a change there only given `--confirm`. */
  confirm: string[];
}

/**
 * The jobs that do what backups.schedule did, read from a config as loaded (not yet validated): a
 * backup job at the schedule's times, and a prune job beside it when backups.retention is set (the old
 * scheduler pruned after each backup; prune never removes the newest backup, so the same times do).
 * On `environments` when given (the command's --env), else on every guarded environment, else on all.
 */
export function scheduleReplacement(config: unknown, environments?: string[]): ScheduleReplacement {
  const backups = field(config, 'backups');
  const schedule = field(backups, 'schedule');
  const cron = typeof schedule === 'string' ? schedule : EXAMPLE_BACKUP_CRON;
  const prune = field(backups, 'retention') !== undefined;
  const declaredJobs = new Set(
    arrayOf(field(field(config, 'scheduler'), 'jobs')).map(
      (job) => `${String(field(job, 'job'))} ${String(field(job, 'env'))}`,
    ),
  );
  const add: ReplacementJob[] = [];
  const declared: string[] = [];
  const confirm: string[] = [];
  for (const env of environments ?? defaultEnvironments(config)) {
    if (declaredJobs.has(`backup ${env}`)) declared.push(env);
    else add.push({ job: 'backup', env, cron });
    if (prune && !declaredJobs.has(`prune ${env}`)) add.push({ job: 'prune', env, cron });
    if (prune && guarded(config, env)) confirm.push(env);
  }
  return { add, declared, fromConfig: typeof schedule === 'string', confirm };
}

/** `scheduler: { jobs: [{ job: 'backup', env: 'production', cron: '0 3 * * *' }] }`, as it goes in the config. */
export function schedulerConfigText(jobs: readonly ReplacementJob[]): string {
  return `scheduler: { jobs: ${jobsText(jobs)} }`;
}

/** `[{ job: 'backup', env: 'production', cron: '0 3 * * *' }, …]` */
export function jobsText(jobs: readonly ReplacementJob[]): string {
  const quoted = (text: string) => `'${text.replaceAll("'", "\\'")}'`;
  const items = jobs.map(
    ({ job, env, cron }) => `{ job: '${job}', env: ${quoted(env)}, cron: ${quoted(cron)} }`,
  );
  return `[${items.join(', ')}]`;
}

/**
 * The words that make the config do it: `declare scheduler: { jobs: [...] }`, or `add to scheduler.jobs
 * [...]` beside jobs it has; undefined when it declares every one already.
 */
export function declareReplacement(config: unknown, replacement: ScheduleReplacement): string | undefined {
  if (replacement.add.length === 0) return undefined;
  return field(config, 'scheduler') === undefined
    ? `declare ${schedulerConfigText(replacement.add)}`
    : `add to scheduler.jobs ${jobsText(replacement.add)}`;
}

/** The config problem for a backups.schedule that is still there: what to declare instead, exactly. */
export function retiredScheduleProblem(config: unknown): string {
  const replacement = scheduleReplacement(config);
  const runs =
    '`launchdb scheduler run` takes backups now, on the jobs in scheduler.jobs (docs/SCHEDULER.md)';
  const declare = declareReplacement(config, replacement);
  return declare
    ? `retired: ${runs}; remove it and ${declare}`
    : `retired: ${runs}, which declares the backup job of ${replacement.declared.join(', ')} already: remove backups.schedule`;
}

/** The guarded environments (where backups are required), or every one when none is guarded. */
function defaultEnvironments(config: unknown): string[] {
  const environments = field(config, 'environments');
  // No config to read: production, where backups are required.
  if (typeof environments !== 'object' || environments === null) return ['production'];
  const names = Object.keys(environments);
  const guardedOnes = names.filter((name) => guarded(config, name));
  return guardedOnes.length > 0 ? guardedOnes : names;
}

function guarded(config: unknown, env: string): boolean {
  return isGuarded(env, { guarded: field(field(field(config, 'environments'), env), 'guarded') === true });
}

function field(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function arrayOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
