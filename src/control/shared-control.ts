// One control database for one command, opened by whichever part asks first and closed once at the
// end: `check` shares it between its recorder and its scheduled-job checks, so a check run opens the
// control database at most once, and only when something needs it.
import type { Project } from '../core/project.js';
import type { ControlDatabase, OpenControlOptions } from './open-control.js';

export interface SharedControl {
  /** Opens it on the first call; every call gets the same opening (or the same error). */
  open(): Promise<ControlDatabase>;
  /** Closes it if it was opened; safe to call more than once. */
  close(): Promise<void>;
}

export function sharedControl(project: Project, options: OpenControlOptions = {}): SharedControl {
  let opening: Promise<ControlDatabase> | undefined;
  let closing: Promise<void> | undefined;
  return {
    open() {
      if (closing) return Promise.reject(new Error('the control database was closed'));
      // Loaded only when opened: a check that never needs the control database never loads its migrations.
      opening ??= import('./open-control.js').then(({ openControlDatabase }) =>
        openControlDatabase(project, options),
      );
      return opening;
    },
    close() {
      closing ??= opening
        ? opening.then(
            (control) => control.close().catch(() => {}),
            () => {},
          )
        : Promise.resolve();
      return closing;
    },
  };
}
