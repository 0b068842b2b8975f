// A `log` step: evidence that the app's database work succeeded. A line in the app's log file written
// since the run started, or in a log URL's body, matching the pattern; and launchdb's own evidence
// from the database (the run's rows and the server's counters), which no log can fake.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { redactText } from '../core/redact.js';
import { shorten } from '../core/shorten.js';
import type { LogStep } from './spec.js';
import { failed, type StepOutcome } from './step-result.js';

export interface LogStepContext {
  root: string;
  /** Each log file's size when the run started: only what was written after counts. */
  offsets: Map<string, number>;
  secrets: readonly string[];
  /** launchdb's evidence from the database; undefined when the spec names no `records`. */
  database: (() => Promise<{ ok: boolean; sentences: string[] }>) | undefined;
}

/** Loggers write a moment after the response: a file or URL is read again for this long. */
const GRACE_MS = 2_000;
const INTERVAL_MS = 100;
const QUOTED_LINE = 200;

/** The file's size now, recorded when the run starts (0 when it does not exist yet). */
export function logOffset(root: string, file: string): number {
  try {
    return statSync(resolve(root, file)).size;
  } catch {
    return 0;
  }
}

export async function runLogStep(step: LogStep, context: LogStepContext): Promise<StepOutcome> {
  const sentences: string[] = [];
  if (step.pattern && (step.file || step.url)) {
    const pattern = new RegExp(step.pattern);
    const source = step.file ?? redactText(step.url!, context.secrets);
    const read = step.file
      ? () => Promise.resolve(newLines(context.root, step.file!, context.offsets.get(step.file!) ?? 0))
      : () => fetchLines(step.url!);
    const deadline = performance.now() + GRACE_MS;
    let lines: string[] = [];
    let match: string | undefined;
    for (;;) {
      try {
        lines = await read();
      } catch (error) {
        return failed(
          `cannot read ${source}`,
          `lines matching /${step.pattern}/`,
          redactText(error instanceof Error ? error.message : String(error), context.secrets),
        );
      }
      match = lines.find((line) => pattern.test(line));
      if (match !== undefined || performance.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
    }
    const since = step.file ? ' since the run started' : '';
    if (match === undefined)
      return failed(
        `no line of ${source}${since} matches`,
        `a line matching /${redactText(step.pattern, context.secrets)}/`,
        `${lines.length} line${lines.length === 1 ? '' : 's'}${since}, none matching${lastLine(lines, context.secrets)}`,
      );
    sentences.push(`${source}: ${shorten(redactText(match.trim(), context.secrets), QUOTED_LINE)}`);
  }
  if (step.database) {
    if (!context.database)
      return failed(
        'no database evidence',
        'the places the run id lands (`records` in the spec)',
        'no records in the spec',
      );
    const evidence = await context.database();
    if (!evidence.ok)
      return failed(
        "the database does not show the app's work",
        "the run's rows, written after it started",
        evidence.sentences.join('; '),
      );
    sentences.push(...evidence.sentences);
  }
  return { status: 'pass', message: sentences.join('; '), evidence: sentences };
}

/** The lines written to `file` after `offset` bytes; all of it when it shrank (rotated). */
function newLines(root: string, file: string, offset: number): string[] {
  const path = resolve(root, file);
  const fd = openSync(path, 'r');
  try {
    const size = statSync(path).size;
    const start = size < offset ? 0 : offset;
    const buffer = Buffer.alloc(size - start);
    readSync(fd, buffer, 0, buffer.length, start);
    return buffer
      .toString('utf8')
      .split('\n')
      .filter((line) => line.length > 0);
  } finally {
    closeSync(fd);
  }
}

async function fetchLines(url: string): Promise<string[]> {
  const response = await fetch(url, { signal: AbortSignal.timeout(GRACE_MS) });
  if (!response.ok) throw new Error(`GET gave ${response.status}`);
  return (await response.text()).split('\n').filter((line) => line.length > 0);
}

function lastLine(lines: string[], secrets: readonly string[]): string {
  const last = lines.at(-1);
  return last === undefined ? '' : `; the last: ${shorten(redactText(last.trim(), secrets), QUOTED_LINE)}`;
}
