// How messages name a step: its `name`, else its place and what it does (`step 2 (http GET /orders/{{orderId}})`).
import { shorten } from '../core/shorten.js';
import type { SmokeStep } from './spec.js';

/** The part of a query a label quotes. */
const QUOTED_QUERY = 40;

/** `index` counts from 0; labels count from 1, as people do. */
export function stepLabel(step: SmokeStep, index: number, phase: 'steps' | 'finally'): string {
  if (step.name) return step.name;
  const place = `${phase === 'finally' ? 'finally step' : 'step'} ${index + 1}`;
  return `${place} (${stepAction(step)})`;
}

/** What a step does, in a few words: `http POST /orders`, `sql select …`, `poll http GET /orders/1`. */
function stepAction(step: SmokeStep): string {
  if (step.http) return `http ${step.http.method} ${step.http.path}`;
  if (step.sql) return `sql ${shorten(step.sql.query.replace(/\s+/g, ' ').trim(), QUOTED_QUERY)}`;
  if (step.log) {
    const { file, url, database } = step.log;
    return `log ${[file, url, database ? 'database' : undefined].filter(Boolean).join(', ')}`;
  }
  if (step.poll) return `poll ${stepAction(step.poll.step as SmokeStep)}`;
  return 'empty';
}
