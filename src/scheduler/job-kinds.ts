// What each scheduled job is: the launchdb command it runs (the scheduler runs what the commands do,
// as a child process, so nothing is re-implemented) and the readiness check that says whether its
// last slot ran.
import type { Area } from '../core/checks/check.js';
import type { ScheduledJobName } from '../core/config/types.js';

export interface JobKind {
  name: ScheduledJobName;
  /** The command's words and flags after `launchdb`; the scheduler adds `--env NAME`. */
  argv: readonly string[];
  /** `<area>.<job>-ran`: passes when the job's last slot ran and succeeded. */
  checkId: string;
  area: Area;
  /** What the job does, for status and checks: `take a backup`. */
  does: string;
  /**
   * The command asks for the environment's name in a guarded environment (it changes it): the
   * scheduler runs it there only when started with `--confirm NAME`, and passes that on.
   */
  asksToConfirm: boolean;
}

export const JOB_KINDS: Readonly<Record<ScheduledJobName, JobKind>> = {
  backup: {
    name: 'backup',
    argv: ['backup', 'create'],
    checkId: 'backups.schedule-ran',
    area: 'backups',
    does: 'take a backup',
    asksToConfirm: false,
  },
  prune: {
    name: 'prune',
    argv: ['backup', 'prune', '--yes'],
    checkId: 'backups.prune-ran',
    area: 'backups',
    does: 'prune backups by backups.retention',
    asksToConfirm: true,
  },
  verify: {
    name: 'verify',
    argv: ['backup', 'verify', '--newest'],
    checkId: 'backups.verify-ran',
    area: 'backups',
    does: 'verify the newest backup',
    asksToConfirm: false,
  },
  drill: {
    name: 'drill',
    argv: ['backup', 'drill'],
    checkId: 'backups.drill-ran',
    area: 'backups',
    does: 'drill a restore of the newest backup',
    asksToConfirm: false,
  },
  check: {
    name: 'check',
    argv: ['check'],
    checkId: 'provisioning.check-ran',
    area: 'provisioning',
    does: 'check readiness (recorded in the verdict history)',
    asksToConfirm: false,
  },
  'access-expire': {
    name: 'access-expire',
    argv: ['access', 'expire'],
    checkId: 'access.expire-ran',
    area: 'access',
    does: 'end personal access that has expired',
    asksToConfirm: false,
  },
  'audit-checkpoint': {
    name: 'audit-checkpoint',
    argv: ['audit', 'checkpoint'],
    checkId: 'access.audit-checkpoint-ran',
    area: 'access',
    does: 'verify the audit trail and witness its head in the control database',
    asksToConfirm: false,
  },
  smoke: {
    name: 'smoke',
    argv: ['smoke'],
    checkId: 'smoke.schedule-ran',
    area: 'smoke',
    does: "smoke-test the live app's data flow",
    asksToConfirm: true,
  },
};
