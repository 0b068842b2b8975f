// An `http` step: one request to the live app, its status, body values and latency held to the spec.
import { UnreachableError } from '../core/errors.js';
import { redactText as redact } from '../core/redact.js';
import { shellQuote } from '../core/shell-quote.js';
import { shorten } from '../core/shorten.js';
import { readCapture } from './capture.js';
import { type StepResponse, sendRequest } from './http-request.js';
import { BUDGET_FAIL_FACTOR, type HttpStep } from './spec.js';
import { failed, type StepOutcome } from './step-result.js';

export interface HttpStepContext {
  /** The app's base URL, without a trailing slash. */
  baseUrl: string;
  /** Sent with every request (the app's auth), rendered. */
  headers: Record<string, string>;
  budgetMs: number;
  /** Values that must never be printed: the environment variables the templates used. */
  secrets: readonly string[];
}

/** Headers whose values are credentials whatever the spec says: never printed. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization', 'x-api-key']);
/** The part of a response body a failure quotes. */
const QUOTED_BODY = 300;

/** Runs `step` (its templates already rendered). An app that cannot be reached at all throws UnreachableError. */
export async function runHttpStep(step: HttpStep, context: HttpStepContext): Promise<StepOutcome> {
  const url = `${context.baseUrl}${step.path}`;
  const headers: Record<string, string> = { ...context.headers, ...step.headers };
  const hasBody = step.body !== undefined;
  const body = hasBody ? (typeof step.body === 'string' ? step.body : JSON.stringify(step.body)) : undefined;
  if (hasBody && !Object.keys(headers).some((name) => name.toLowerCase() === 'content-type'))
    headers['content-type'] = 'application/json';
  const budget = step.budgetMs ?? context.budgetMs;
  const reproduce = [curlLine(step.method, url, headers, body, context.secrets)];

  const sent = performance.now();
  let response: StepResponse;
  try {
    response = await sendRequest(url, {
      method: step.method,
      headers,
      ...(body !== undefined ? { body } : {}),
      // Far over budget is a failure whatever comes after: no step waits on a hung app for ever.
      timeoutMs: budget * BUDGET_FAIL_FACTOR,
    });
  } catch (error) {
    const ms = Math.round(performance.now() - sent);
    if (isTimeout(error))
      return failed(
        `${step.method} ${step.path}: no response within ${ms} ms`,
        `a response within ${budget} ms (the step fails at ${budget * BUDGET_FAIL_FACTOR} ms)`,
        'no response',
        reproduce,
      );
    throw unreachableApp(context.baseUrl, error);
  }
  const serviceMs = performance.now() - sent;
  const { text } = response;
  // A 2xx answer did its work even when the step fails on it (201 where 200 was expected, a body value
  // that differs): what it captures is kept, so the `finally` steps can delete what it created.
  const needsJson = step.expect?.body !== undefined || step.capture !== undefined;
  const json = needsJson ? parseJson(text) : NOT_JSON;
  const fromResponse = { serviceMs, ...(response.ok ? { captures: capturesFound(json, step.capture) } : {}) };
  const said = `${step.method} ${step.path} → ${response.status}`;

  const statuses = expectedStatuses(step.expect?.status);
  if (!statusMatches(response.status, statuses)) {
    return {
      ...failed(
        said,
        `status ${describeStatuses(statuses)}`,
        `${response.status}: ${quote(text, context.secrets)}`,
        reproduce,
      ),
      ...fromResponse,
    };
  }

  if (needsJson && json === NOT_JSON)
    return {
      ...failed(said, 'a JSON response body', `not JSON: ${quote(text, context.secrets)}`, reproduce),
      ...fromResponse,
    };
  for (const [path, value] of Object.entries(step.expect?.body ?? {})) {
    const read = readCapture(json, path);
    if (!read.found)
      return {
        ...failed(said, `${path} = ${JSON.stringify(value)}`, read.reason, reproduce),
        ...fromResponse,
      };
    if (read.value !== value)
      return {
        ...failed(
          said,
          `${path} = ${JSON.stringify(value)}`,
          `${path} = ${JSON.stringify(read.value)}`,
          reproduce,
        ),
        ...fromResponse,
      };
  }
  const captures: Record<string, unknown> = {};
  for (const [name, path] of Object.entries(step.capture ?? {})) {
    const read = readCapture(json, path);
    if (!read.found)
      return {
        ...failed(said, `a value at ${path} to capture as ${name}`, read.reason, reproduce),
        ...fromResponse,
      };
    captures[name] = read.value;
  }

  const ms = Math.round(serviceMs);
  const base = { ...fromResponse, captures };
  if (ms > budget * BUDGET_FAIL_FACTOR)
    return {
      ...failed(
        `${said} in ${ms} ms`,
        `within ${budget} ms (fails past ${budget * BUDGET_FAIL_FACTOR} ms)`,
        `${ms} ms`,
        reproduce,
      ),
      ...base,
    };
  if (ms > budget)
    return {
      status: 'warn',
      message: `${said} in ${ms} ms: over its ${budget} ms budget`,
      reproduce,
      ...base,
    };
  return { status: 'pass', message: `${said} in ${ms} ms`, ...base };
}

/** What a body that does not parse as JSON reads as. */
const NOT_JSON = Symbol('not JSON');

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return NOT_JSON;
  }
}

/** The captures that can be read from the response, leaving out any that cannot (not JSON, no value there). */
function capturesFound(json: unknown, capture: HttpStep['capture']): Record<string, unknown> {
  const found: Record<string, unknown> = {};
  if (!capture || json === NOT_JSON) return found;
  for (const [name, path] of Object.entries(capture)) {
    const read = readCapture(json, path);
    if (read.found) found[name] = read.value;
  }
  return found;
}

function expectedStatuses(status: number | number[] | undefined): number[] | undefined {
  return status === undefined ? undefined : Array.isArray(status) ? status : [status];
}

function statusMatches(status: number, expected: number[] | undefined): boolean {
  return expected ? expected.includes(status) : status >= 200 && status < 300;
}

function describeStatuses(expected: number[] | undefined): string {
  return expected ? expected.join(' or ') : '2xx';
}

function isTimeout(error: unknown): boolean {
  return error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError');
}

/** The app refused or could not be found: exit 3, naming host and port (never a path's secrets). */
function unreachableApp(baseUrl: string, error: unknown): UnreachableError {
  const { host, port, protocol } = new URL(baseUrl);
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const reason = cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
  const shownPort = port || (protocol === 'https:' ? '443' : '80');
  return new UnreachableError(
    `the app at ${host.replace(/:\d+$/, '')}:${shownPort} is unreachable (${reason})`,
    {
      cause: error,
      fix: 'start the app, or point the smoke test at it with --app-url or app.url in the spec',
    },
  );
}

function quote(text: string, secrets: readonly string[]): string {
  const shown = redact(text, secrets).replace(/\s+/g, ' ').trim();
  if (shown.length === 0) return '(empty body)';
  return shorten(shown, QUOTED_BODY);
}

/** A `curl` command that makes the same request, credentials redacted. */
export function curlLine(
  method: string,
  url: string,
  headers: Record<string, string>,
  body: string | undefined,
  secrets: readonly string[],
): string {
  const parts = ['curl', '-sS', '-X', method, shellQuote(redact(url, secrets))];
  for (const [name, value] of Object.entries(headers)) {
    const shown = CREDENTIAL_HEADERS.has(name.toLowerCase()) ? '***' : redact(value, secrets);
    parts.push('-H', shellQuote(`${name}: ${shown}`));
  }
  if (body !== undefined) parts.push('--data-raw', shellQuote(redact(body, secrets)));
  return parts.join(' ');
}
