// `check` records its report in the verdict history without slowing down or failing because of it.
// A server control database is connected to while the checks run and written when the report is
// done; embedded, or when the server cannot be reached, the run is left as a pending file that the
// next opener of the control database ingests (pending-check-runs.ts).
import { randomUUID } from 'node:crypto';
import type { Report } from '../core/checks/report.js';
import type { Environment, Project } from '../core/project.js';
import { whoIsActingSoon } from '../stores/postgres/audit/actor.js';
import { VERSION } from '../version.js';
import { type CheckRunRecord, checkRunOf, insertCheckRuns } from './check-run.js';
import { checkRunVia } from './check-run-via.js';
import { resolveControlTarget } from './control-target.js';
import type { ControlDatabase, OpenControlOptions } from './open-control.js';
import { PENDING_LOCATION, writePendingCheckRun } from './pending-check-runs.js';
import { type SharedControl, sharedControl } from './shared-control.js';

/** A server control database that does not answer within 2 s is left for later: the check goes on. */
export const checkControlOptions: OpenControlOptions = { command: 'check', connectTimeoutMs: 2000 };

export type RecordOutcome =
  | { recorded: 'control database'; location: string }
  | { recorded: 'pending'; location: string; reason?: string }
  | { recorded: 'nowhere'; reason: string };

export interface CheckRecorder {
  /** Records the report; never throws. */
  finish(report: Report): Promise<RecordOutcome>;
  /** The check ended without a report: lets go of the control database, records nothing. */
  cancel(): Promise<void>;
}

type Opened = { control: ControlDatabase } | { error: unknown };

/**
 * Call when the check starts: a server control database starts connecting now, beside the checks.
 * `control` is shared with the checks that read the control database (the scheduled jobs'), so the
 * check opens it once; the recorder closes it when done.
 */
export function startRecordingCheck(
  project: Project,
  env: Environment,
  control: SharedControl = sharedControl(project, checkControlOptions),
): CheckRecorder {
  const startedAt = new Date();
  const runKey = randomUUID();
  // Asking git who is acting takes a process: started now, it answers while the checks run.
  const actor = whoIsActingSoon(project.root, env.vars);
  let opening: Promise<Opened> | undefined;
  let setupError: unknown;
  try {
    if (resolveControlTarget(project).backing === 'server') {
      // Opened only here: check does not open an embedded control database to record a run.
      opening = control.open().then(
        (opened) => ({ control: opened }),
        (error: unknown) => ({ error }),
      );
    }
  } catch (error) {
    // A control.url that is not a URL, or names a variable that is not set: recorded for later.
    setupError = error;
  }

  return {
    async finish(report) {
      try {
        const record = checkRunOf(report, {
          runKey,
          startedAt,
          actor: (await actor).id,
          via: checkRunVia(env.vars),
          launchdbVersion: VERSION,
        });
        if (!opening) return leavePending(project, record, setupError);
        const opened = await opening;
        if ('error' in opened) return leavePending(project, record, opened.error);
        try {
          await insertCheckRuns(opened.control.db, [record]);
          return { recorded: 'control database', location: opened.control.location };
        } catch (error) {
          return leavePending(project, record, error);
        }
      } finally {
        await control.close();
      }
    },
    async cancel() {
      await control.close();
    },
  };
}

function leavePending(project: Project, record: CheckRunRecord, cause?: unknown): RecordOutcome {
  const reason = cause === undefined ? undefined : messageOf(cause);
  try {
    writePendingCheckRun(project, record);
    return { recorded: 'pending', location: PENDING_LOCATION, ...(reason ? { reason } : {}) };
  } catch (error) {
    return { recorded: 'nowhere', reason: reason ? `${reason}; then ${messageOf(error)}` : messageOf(error) };
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The one stderr line `check` prints when the run did not reach the control database; else nothing. */
export function recordWarning(outcome: RecordOutcome): string | undefined {
  if (outcome.recorded === 'nowhere')
    return `could not record this check in the verdict history: ${outcome.reason}`;
  if (outcome.recorded === 'pending' && outcome.reason) {
    return `could not record this check in the control database (${outcome.reason}); kept in ${outcome.location} until the next \`launchdb history\``;
  }
  return undefined;
}
