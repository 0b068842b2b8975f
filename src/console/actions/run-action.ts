// Runs an action: its launchdb command as a child process, exactly as the scheduler runs a job (the
// CLI's own code, its own guards and audit), with the console account as the actor. Each line the
// command writes is numbered and stored in the control database as it comes, so any console
// instance can stream it; this instance's streams are woken at once, others poll.
import { EventEmitter } from 'node:events';
import { VIA_VARIABLE } from '../../control/check-run-via.js';
import { prepareJobProcess } from '../../scheduler/job-process.js';
import type { PostgresDatabase } from '../../stores/postgres/database.js';
import { type ActionLine, appendLines, finishAction, startAction } from './action-log.js';

/** An action that runs longer is stopped: a drill of a large database takes long, a hung one forever. */
export const ACTION_TIMEOUT_MS = 6 * 60 * 60 * 1000;

/** Wakes the streams of an action on this instance when it has new lines or ends. */
export class ActionSignals {
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  notify(id: string): void {
    this.emitter.emit(id);
  }

  /** Resolves on the action's next news, or after `ms`, or when `signal` aborts. */
  next(id: string, ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.emitter.off(id, done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.emitter.once(id, done);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

export interface ActionRun {
  project: string;
  environment: string;
  action: string;
  /** After `launchdb`, `--env` and any confirmation included. */
  argv: string[];
  account: string;
  cwd: string;
  /** Variables for the command besides this process's own: the control database's URL. */
  env: Record<string, string>;
}

/** Records the action, starts its command and returns its id at once; the command runs on. */
export async function runAction(
  db: PostgresDatabase,
  signals: ActionSignals,
  run: ActionRun,
  log: (line: string) => void,
): Promise<string> {
  const id = await startAction(db, run.project, run);
  const prepared = prepareJobProcess({
    argv: run.argv,
    cwd: run.cwd,
    env: { ...run.env, LAUNCHDB_ACTOR: run.account, [VIA_VARIABLE]: 'console' },
  });
  let seq = 0;
  let pending: ActionLine[] = [];
  let writing = Promise.resolve();
  // Lines are written in order, batched while a write is under way.
  const flush = () => {
    writing = writing.then(async () => {
      const batch = pending;
      pending = [];
      if (batch.length === 0) return;
      try {
        await appendLines(db, id, batch);
      } catch (error) {
        log(`action ${id}: output lines lost: ${error instanceof Error ? error.message : String(error)}`);
      }
      signals.notify(id);
    });
    return writing;
  };
  const running = prepared.start({
    timeoutMs: ACTION_TIMEOUT_MS,
    onLine(line, stream) {
      seq += 1;
      pending.push({ seq, stream, line });
      void flush();
    },
  });
  void running.ended
    .then(async (end) => {
      await flush();
      await finishAction(db, id, {
        exitCode: end.exitCode,
        errorLine: end.exitCode === 0 ? undefined : end.errorLine,
      });
    })
    .catch(async (error) => {
      // The command could not start or its end could not be stored: the action must not stay "running".
      const message = error instanceof Error ? error.message : String(error);
      log(`action ${id}: ${message}`);
      await finishAction(db, id, { exitCode: null, errorLine: message }).catch(() => {});
    })
    .finally(() => signals.notify(id));
  return id;
}
