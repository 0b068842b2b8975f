// The smoke spec: the article's five steps as data. `launchdb.smoke.ts` (through `defineSmoke`) and
// `launchdb.smoke.yaml` are validated by this one schema; its JSON Schema is exported for editors.
// Strings may hold `{{run.id}}` (the run's unique id), `{{NAME}}` (a value an earlier step captured)
// and `{{env.NAME}}` (a variable of launchdb's environment, a secret: never printed).
import { z } from 'zod';

const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** A name for a captured value, used as `{{name}}`; `run` and `env` are taken. */
const captureName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/, {
    message: 'expected letters, digits and _, starting with a letter',
  })
  .refine((name) => name !== 'run' && name !== 'env', { message: '`run` and `env` are reserved' });

/**
 * Where a captured value is in a JSON response: a JSON Pointer (`/order/id`, RFC 6901) or a dot path
 * (`order.id`, `items.0.id`). Never JSONPath: its evaluators have run code from specs.
 */
const capturePath = z.string().min(1);

/** A latency budget in ms: over it warns; over BUDGET_FAIL_FACTOR times it fails. */
const budgetMs = z.number().int().min(1).max(600_000);

/** A template stands for text the spec cannot know yet: checks of a string's form look past it. */
const TEMPLATE = /\{\{[^{}]*\}\}/g;

/** An http(s) URL, or one that comes from a template (`{{env.APP_URL}}`). */
const urlOrTemplate = z
  .string()
  .refine(
    (url) =>
      url.replace(TEMPLATE, '') !== url || (URL.canParse(url) && /^https?:$/.test(new URL(url).protocol)),
    { message: 'expected an http:// or https:// URL, or a template such as {{env.APP_URL}}' },
  );

/** A regular expression; its templates (the run id) are matched as plain text. */
const logPattern = z
  .string()
  .min(1)
  .superRefine((pattern, ctx) => {
    try {
      new RegExp(pattern.replace(TEMPLATE, 'x'));
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `expected a regular expression: ${(error as Error).message}` });
    }
  });

/** A column value the row must have: the value itself, or `null`. */
const columnValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const httpStep = z.strictObject({
  method: z.enum(HTTP_METHODS).default('GET'),
  /** On the app's base URL: `/orders/{{orderId}}`. */
  path: z.string().regex(/^\//, { message: 'expected a path starting with /' }),
  headers: z.record(z.string(), z.string()).optional(),
  /** Sent as JSON: an object, array or string with templates. */
  body: z.unknown().optional(),
  expect: z
    .strictObject({
      /** The status, or any of these. Default: any 2xx. */
      status: z
        .union([z.number().int().min(100).max(599), z.array(z.number().int().min(100).max(599)).min(1)])
        .optional(),
      /** Values the JSON response must hold, by capture path: `{ '/status': 'paid' }`. */
      body: z.record(capturePath, columnValue).optional(),
    })
    .optional(),
  /** Values to keep for later steps: `{ orderId: '/id' }`. */
  capture: z.record(captureName, capturePath).optional(),
  budgetMs: budgetMs.optional(),
});

const sqlStep = z.strictObject({
  /** Another attached environment; default: the one being smoke-tested. */
  env: z.string().optional(),
  /** Run as the environment's read-only role (or in a read-only transaction where there is none). */
  query: z.string().min(1),
  /** `$1`, `$2`…: each a string with templates. */
  params: z.array(z.string()).optional(),
  /**
   * What must come back. `rows`: exactly this many rows (dbt-style, `rows: 0` for a query that
   * returns what is wrong); `row`: the first row has these column values. Default: at least one row.
   */
  expect: z
    .strictObject({
      rows: z.number().int().min(0).optional(),
      row: z.record(z.string(), columnValue).optional(),
    })
    .optional(),
  capture: z.record(captureName, z.string().min(1)).optional(),
});

const logStep = z
  .strictObject({
    /** A file the app logs to, relative to the project root: a line after the run started must match. */
    file: z.string().min(1).optional(),
    /** A URL that serves the app's log (GET); its body must match. */
    url: urlOrTemplate.optional(),
    /** A regular expression (with templates), e.g. `order created .*{{run.id}}`. */
    pattern: logPattern.optional(),
    /**
     * launchdb's own evidence that the app's database work succeeded: the run's records carry its id
     * in rows written after the run started, and the server's statistics count the app's writes.
     */
    database: z.boolean().optional(),
  })
  .refine((log) => log.database || ((log.file || log.url) && log.pattern), {
    message: 'give `file` or `url` with a `pattern`, or `database: true`',
  });

/** One step: a name and exactly one of `http`, `sql`, `poll`, `log`. */
const baseStep = z.strictObject({
  name: z.string().min(1).optional(),
  http: httpStep.optional(),
  sql: sqlStep.optional(),
  log: logStep.optional(),
});

const pollStep = z.strictObject({
  /** Retried until it holds or the time is up: writes that land later (queues, triggers). */
  step: baseStep,
  timeoutMs: z.number().int().min(1).max(600_000).default(10_000),
  intervalMs: z.number().int().min(10).max(60_000).default(250),
});

function exactlyOne(step: Record<string, unknown>): boolean {
  return ['http', 'sql', 'log', 'poll'].filter((kind) => step[kind] !== undefined).length === 1;
}
const ONE_KIND = { message: 'a step has exactly one of `http`, `sql`, `poll`, `log`' };

export const smokeStepSchema = baseStep.extend({ poll: pollStep.optional() }).refine(exactlyOne, ONE_KIND);

/** A table and column where the app stores the run id: what a run leaves, where to look for it. */
const recordPlace = z.strictObject({
  table: z.string().regex(/^(?:[A-Za-z_][A-Za-z0-9_$]*\.)?[A-Za-z_][A-Za-z0-9_$]*$/, {
    message: 'expected `table` or `schema.table`',
  }),
  column: z.string().regex(/^[A-Za-z_][A-Za-z0-9_$]*$/, { message: 'expected a column name' }),
});

export const smokeSpecSchema = z.strictObject({
  app: z
    .strictObject({
      /** The app's base URL; `--app-url` wins. May name a variable: `{{env.APP_URL}}`. */
      url: urlOrTemplate.optional(),
      /** Sent with every request: a bearer token or a cookie, from the environment. */
      headers: z.record(z.string(), z.string()).optional(),
      /** Default latency budget of an http step. */
      budgetMs: budgetMs.optional(),
    })
    .optional(),
  /** Where the run id lands: step 3 looks there, clean-up is proven there, and other environments are searched. */
  records: z.array(recordPlace).min(1).optional(),
  steps: z.array(smokeStepSchema).min(1),
  /** Steps that always run, after a failure too: the clean-up. */
  finally: z.array(smokeStepSchema).optional(),
});

export type SmokeSpec = z.output<typeof smokeSpecSchema>;
export type SmokeSpecInput = z.input<typeof smokeSpecSchema>;
export type SmokeStep = z.output<typeof smokeStepSchema>;
export type HttpStep = z.output<typeof httpStep>;
export type SqlStep = z.output<typeof sqlStep>;
export type LogStep = z.output<typeof logStep>;
export type PollStep = z.output<typeof pollStep>;
export type RecordPlace = z.output<typeof recordPlace>;

/** What an over-budget step counts as: over the budget warns, over this many times it fails. */
export const BUDGET_FAIL_FACTOR = 3;
/** The http step's budget when neither the step nor the app names one. */
export const DEFAULT_BUDGET_MS = 2_000;
