// How an action stands, in a word and a line: for its page, its stream's end and the list.
import type { ActionRecord } from './action-log.js';

export interface ActionOutcome {
  outcome: 'running' | 'succeeded' | 'failed';
  text: string;
}

export function actionOutcome(action: ActionRecord): ActionOutcome {
  if (!action.endedAt) return { outcome: 'running', text: 'running…' };
  const took = ((Date.parse(action.endedAt) - Date.parse(action.startedAt)) / 1000).toFixed(1);
  if (action.exitCode === 0) return { outcome: 'succeeded', text: `succeeded in ${took} s` };
  return {
    outcome: 'failed',
    text: `failed after ${took} s${action.exitCode != null ? ` (exit ${action.exitCode})` : ''}: ${action.errorLine ?? 'no error line'}`,
  };
}
