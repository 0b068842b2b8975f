// GET /env/:env/backups: the environment's backups as `launchdb backup list` reads them (the newest
// BACKUPS_SHOWN manifests from its backup target), who can restore them, the restore drills recorded
// in its database (read as the read-only role) and the scheduler's runs of its jobs (control database).

import { backupTargetOf } from '../../backup/backup-location.js';
import type { Environment, Project } from '../../core/project.js';
import { type JobHealth, jobHealth } from '../../scheduler/job-health.js';
import { leaseMsOf } from '../../scheduler/lease.js';
import { type JobRun, readJobRuns } from '../../scheduler/read-job-runs.js';
import { type ScheduledJob, scheduledJobs } from '../../scheduler/slots.js';
import { type DrillRecord, readDrills } from '../../stores/postgres/backup/drill-log.js';
import { type BackupListing, listBackups } from '../../stores/postgres/backup/list-backups.js';
import type { Queryable } from '../../stores/postgres/database.js';
import type { ConsoleRoute } from '../console-context.js';
import { type Outcome, problemOf } from '../problem-of.js';
import { readEnvironment } from '../read-environment.js';
import { BackupsView } from '../views/backups-view.js';
import { environmentOf } from './environment-route.js';

/** Each listed backup costs two small reads of its target (S3 requests, maybe): the page lists this many. */
export const BACKUPS_SHOWN = 50;
/** Drills charted over time; the table shows the newest of them. */
export const DRILLS_SHOWN = 100;

export interface BackupsTab {
  /** Where the backups are: `.launchdb/backups/production`, `s3://bucket/prefix/production`. */
  location: string | undefined;
  backups: Outcome<BackupListing>;
  restoreOwners: { name: string; contact: string }[];
  drills: Outcome<DrillRecord[]>;
  jobs: Outcome<ScheduledRuns[]>;
}

/** A job of this environment: how its last due slot is judged, and its recent runs, newest first. */
export interface ScheduledRuns {
  job: ScheduledJob;
  health: JobHealth;
  runs: JobRun[];
}

export const backupsPage: ConsoleRoute = {
  method: 'GET',
  path: '/env/:env/backups',
  access: 'viewer',
  async handle(c) {
    const env = await environmentOf(c);
    if (env instanceof Response) return env;
    const { project, control } = c.var.deps;
    const tab = await readBackupsTab(project, project.environment(env.name), control.db);
    return c.html(
      <BackupsView project={project.name} session={c.var.session!} env={env} tab={tab} now={new Date()} />,
    );
  },
};

async function readBackupsTab(project: Project, env: Environment, control: Queryable): Promise<BackupsTab> {
  const [listed, drills, jobs] = await Promise.all([
    readBackups(project, env),
    readEnvironment(env, (db) => readDrills(db, DRILLS_SHOWN)),
    readScheduledRuns(project, env, control),
  ]);
  return {
    ...listed,
    restoreOwners: project.config.backups?.restoreOwners ?? [],
    drills: drills.ok ? { ok: true, value: drills.value } : drills,
    jobs,
  };
}

/** The newest backups; a target that cannot be read (S3 down, a key refused) is one line, not a 500. */
async function readBackups(
  project: Project,
  env: Environment,
): Promise<Pick<BackupsTab, 'location' | 'backups'>> {
  let location: string | undefined;
  try {
    const target = backupTargetOf(project, env);
    location = target.location;
    return { location, backups: { ok: true, value: await listBackups(target, { limit: BACKUPS_SHOWN }) } };
  } catch (error) {
    return { location, backups: { ok: false, reason: problemOf(error) } };
  }
}

/** What `launchdb scheduler status --env NAME` reads and judges, for this environment's jobs. */
async function readScheduledRuns(
  project: Project,
  env: Environment,
  control: Queryable,
): Promise<Outcome<ScheduledRuns[]>> {
  const jobs = scheduledJobs(project.config).filter((job) => job.env === env.name);
  if (jobs.length === 0) return { ok: true, value: [] };
  const leaseMs = leaseMsOf(project.config);
  try {
    const asked = jobs.map((job) => ({ job: job.kind.name, environment: job.env }));
    const snapshot = await readJobRuns(control, project.name, asked, { leaseMs });
    const now = new Date();
    return {
      ok: true,
      value: jobs.map((job) => ({
        job,
        health: jobHealth(job, snapshot.runs, now, { leaseMs, schedulers: snapshot.schedulers }),
        runs: snapshot.runs.filter((run) => run.job === job.kind.name && run.environment === job.env),
      })),
    };
  } catch (error) {
    return { ok: false, reason: problemOf(error) };
  }
}
