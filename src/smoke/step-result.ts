// What one smoke step did: the runner's record of it, printed, stored in launchdb.smoke_runs and
// written to JUnit.

export type StepKind = 'http' | 'sql' | 'log' | 'poll';
export type StepStatus = 'pass' | 'warn' | 'fail' | 'skip';

export interface StepResult {
  name: string;
  kind: StepKind;
  phase: 'steps' | 'finally';
  status: StepStatus;
  /** Wall time of the step. */
  ms: number;
  /** What was found, one line: the status and time of a request, the rows of a query. */
  message: string;
  /** On a failure: what the step expected, and what came back instead. */
  expected?: string;
  got?: string;
  /** A log step's pieces of evidence, one sentence each (the message joins them). */
  evidence?: string[];
  /** Commands that reproduce it by hand, secrets redacted: a `curl` line, a `psql` line. */
  reproduce?: string[];
  /** Time the app or the server took (the response, the query), so launchdb's own share is the rest. */
  serviceMs?: number;
}

/** The outcome of a step's work, before the runner names and times it. */
export type StepOutcome = Omit<StepResult, 'name' | 'kind' | 'phase' | 'ms'> & {
  /** Values captured for later steps. */
  captures?: Record<string, unknown>;
};

export function failed(message: string, expected: string, got: string, reproduce?: string[]): StepOutcome {
  return { status: 'fail', message, expected, got, ...(reproduce ? { reproduce } : {}) };
}
