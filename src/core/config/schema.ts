// Validates a loaded config and turns every problem into one line with its path.
import { Cron } from 'croner';
import { z } from 'zod';
import { ConfigError } from '../errors.js';
import {
  CONNECTION_LIMIT,
  MAX_TIMER_MS,
  type NumberRange,
  ROWS_PER_TABLE,
  TIMEOUT_OR_ZERO_MS,
  WORKERS,
} from '../ranges.js';
import { closestBranch, describeIssue } from '../zod-issue.js';
import { isAccessDuration } from './access-durations.js';
import { isAgeIdentity, isAgeRecipient } from './age-format.js';
import { cacheStoreSchema } from './cache-config.js';
import { documentsNeedPostgres, documentsStoreSchema } from './documents-config.js';
import { objectsStoreSchema } from './objects-config.js';
import { retiredScheduleProblem } from './retired-backup-schedule.js';
import {
  ADMIN_SECRET_HASHES,
  CATCH_UP_POLICIES,
  type LaunchdbConfig,
  MIGRATION_LAYOUTS,
  SCHEDULED_JOBS,
} from './types.js';
import { envRef, identifier, millis, wholeNumber } from './zod-parts.js';

const postgresUrl = z
  .string()
  .regex(/^postgres(ql)?:\/\//, { message: 'expected a postgres:// URL', abort: true })
  .refine(parsesAsUrl, {
    message:
      'expected a URL that parses: percent-encode @ : / ? # in the user name and password (@ is %40, : is %3A, / is %2F)',
  })
  .or(envRef);

// Ranges only the config has; those shared with flags are in ranges.ts.
const DAY_MS = 86_400_000;
/** The newest backup's age is compared, not timed: up to a year. */
const RPO_MS: NumberRange = { min: 1, max: 366 * DAY_MS, unit: 'ms' };
const DAYS: NumberRange = { min: 1, max: 36_500 };
const DAYS_OR_ZERO: NumberRange = { min: 0, max: 36_500 };
const PEOPLE: NumberRange = { min: 0, max: 10_000 };
const KEPT_BACKUPS: NumberRange = { min: 0, max: 10_000 };
const INSTANCES: NumberRange = { min: 0, max: 10_000 };
const SCAN_CONCURRENCY: NumberRange = { min: 1, max: 32 };
const GZIP_LEVEL: NumberRange = { min: 1, max: 9 };
/** A lease shorter than a second would expire between two heartbeats of a busy event loop. */
const LEASE_MS: NumberRange = { min: 1000, max: MAX_TIMER_MS, unit: 'ms' };

/** An IANA time zone this Node knows: `UTC`, `Europe/Berlin`. */
const timeZone = z.string().refine(isTimeZone, {
  error: (issue) =>
    `${JSON.stringify(issue.input)} is not a time zone: expected an IANA name such as "UTC" or "Europe/Berlin"`,
});
/** `access.maxGrant` and `access.requestTtl`: durations as `--for` takes them. */
const accessDuration = z.string().refine(isAccessDuration, {
  error: (issue) =>
    `expected a duration from 1m to 30d, a whole number and a unit (30m, 8h, 1d), got ${JSON.stringify(issue.input)}`,
});
const millisOrZero = wholeNumber(TIMEOUT_OR_ZERO_MS);
const share = z.number().refine((value) => value > 0 && value <= 1, {
  error: (issue) => `expected a share above 0 and at most 1 (0.75 is 75%), got ${issue.input}`,
});
const regexSource = z.string().refine(
  (source) => {
    try {
      new RegExp(source, 'iu');
      return true;
    } catch {
      return false;
    }
  },
  { message: 'expected a valid regular expression' },
);
/** A table, every table of a schema, or every table: `audit_log` (in any schema), `billing.invoices`, `audit.*`, `*`. */
const tableEntry = z.string().regex(/^(?:[^.\s*]+\.)?(?:\*|[^.\s*]+)$/, {
  message: 'expected `table`, `schema.table`, `schema.*` or `*`',
});

// Never echoes the value: an identity pasted here by mistake is a secret.
const ageRecipient = z.string().superRefine((text, ctx) => {
  if (isAgeRecipient(text)) return;
  ctx.addIssue({
    code: 'custom',
    message: isAgeIdentity(text.trim())
      ? 'this is an age identity, a secret key: put its public key here (`age-keygen -y FILE` prints it) and keep the identity off this machine'
      : 'expected an age public key (age1…, as `age-keygen` prints it): this one is mistyped or cut short',
  });
});
const postgresStore = z.strictObject({
  url: postgresUrl.optional(),
  adminUrl: postgresUrl.optional(),
  database: identifier.optional(),
  connectTimeout: millis.optional(),
  appRole: z
    .strictObject({
      statementTimeout: millis.optional(),
      idleInTransactionTimeout: millis.optional(),
      lockTimeout: millis.optional(),
      connectionLimit: wholeNumber(CONNECTION_LIMIT).optional(),
    })
    .optional(),
});

/** A person's id: part of their personal roles' names (`<database>_p_<person>`), so no quoting. */
const personId = z.string().regex(/^[a-z][a-z0-9_]{0,30}$/, {
  message: 'expected a person id: lowercase letters, digits and _, starting with a letter',
});
/** A role as Postgres spells it; longer names would be truncated, so they could never match. */
const roleName = z
  .string()
  .min(1)
  .refine((name) => Buffer.byteLength(name) <= 63, { message: 'expected a role name of at most 63 bytes' });

const environment = z
  .strictObject({
    guarded: z.boolean().optional(),
    postgres: postgresStore.optional(),
    objects: objectsStoreSchema.optional(),
    cache: cacheStoreSchema.optional(),
    documents: documentsStoreSchema.optional(),
    owner: z.string().optional(),
  })
  .superRefine(documentsNeedPostgres);

const configShape = z.strictObject({
  project: identifier,
  environments: z
    .record(
      z.string().regex(/^[a-z][a-z0-9_-]{0,30}$/, { message: 'expected a lowercase name' }),
      environment,
    )
    .refine((envs) => Object.keys(envs).length > 0, { message: 'declare at least one environment' }),
  checks: z.strictObject({ timeout: millis.optional() }).optional(),
  control: z.strictObject({ url: postgresUrl.optional() }).optional(),
  scheduler: z
    .strictObject({
      jobs: z.array(
        z.strictObject({
          job: z.enum(SCHEDULED_JOBS),
          env: z.string().min(1),
          cron: z.string().refine(validCron, {
            error: (issue) =>
              `${JSON.stringify(issue.input)} is not a cron expression: expected five fields (minute hour day month weekday) such as "0 3 * * *", or six with seconds first`,
          }),
          timezone: timeZone.optional(),
          catchUp: z.enum(CATCH_UP_POLICIES).optional(),
          timeout: millis.optional(),
        }),
      ),
      timezone: timeZone.optional(),
      lease: wholeNumber(LEASE_MS).optional(),
      grace: millisOrZero.optional(),
    })
    .optional(),
  migrations: z
    .strictObject({
      layout: z.enum(MIGRATION_LAYOUTS).optional(),
      dir: z.string().min(1).optional(),
      lockTimeout: millis.optional(),
      sessionLockTimeout: millisOrZero.optional(),
      statementTimeout: millisOrZero.optional(),
    })
    .optional(),
  schema: z
    .strictObject({
      requiredIndexes: z
        .array(
          z.strictObject({
            table: z.string().min(1),
            columns: z.array(z.string().min(1)).min(1),
            unique: z.boolean().optional(),
          }),
        )
        .optional(),
    })
    .optional(),
  seeds: z
    .strictObject({
      dir: z.string().min(1).optional(),
      keys: z.record(z.string().min(1), z.array(z.string().min(1)).min(1)).optional(),
    })
    .optional(),
  admin: z
    .strictObject({
      create: z.string().min(1),
      list: z.string().min(1),
      required: z.boolean().optional(),
      secret: z.enum(['none', 'password', 'token']).optional(),
      secretHash: z.enum(ADMIN_SECRET_HASHES).optional(),
    })
    .optional(),
  scan: z
    .strictObject({
      patterns: z
        .array(
          z.strictObject({
            id: z.string().min(1),
            regex: regexSource,
            kind: z.enum(['demo-user', 'test-secret', 'placeholder']).optional(),
            severity: z.enum(['warn', 'fail']).optional(),
          }),
        )
        .optional(),
      disable: z.array(z.string().min(1)).optional(),
      allow: z
        .array(
          z
            .string()
            .min(1)
            .or(
              z
                .strictObject({
                  value: z.string().min(1).optional(),
                  pattern: regexSource.optional(),
                  column: z.string().min(1).optional(),
                })
                .refine((allow) => allow.value !== undefined || allow.pattern !== undefined, {
                  message: 'give a value or a pattern',
                }),
            ),
        )
        .optional(),
      rowsPerTable: wholeNumber(ROWS_PER_TABLE).optional(),
      concurrency: wholeNumber(SCAN_CONCURRENCY).optional(),
      exclude: z.array(z.string().min(1)).optional(),
    })
    .optional(),
  access: z
    .strictObject({
      appRole: z
        .strictObject({
          readOnly: z.array(tableEntry).optional(),
          none: z.array(tableEntry).optional(),
        })
        .optional(),
      people: z
        .record(
          personId,
          z.strictObject({
            email: z.email({ error: (issue) => `expected an email address, got "${issue.input}"` }),
            name: z.string().min(1).optional(),
            roles: z.array(roleName).optional(),
          }),
        )
        .optional(),
      services: z
        .record(
          z.string().regex(/^[a-z][a-z0-9_-]{0,30}$/, { message: 'expected a lowercase service name' }),
          z.strictObject({ role: roleName }),
        )
        .optional(),
      approvers: z.array(z.string()).optional(),
      maxDirect: wholeNumber(PEOPLE).optional(),
      maxGrant: accessDuration.optional(),
      requestTtl: accessDuration.optional(),
      audit: z.strictObject({ read: z.boolean().optional() }).optional(),
    })
    .optional(),
  connections: z
    .strictObject({
      usageWarn: share.optional(),
      usageFail: share.optional(),
      longRunning: millis.optional(),
      idleInTransaction: millis.optional(),
      blocked: millis.optional(),
      processes: z
        .record(
          z.string().regex(/^[a-z][a-z0-9_-]{0,30}$/, { message: 'expected a lowercase process kind' }),
          wholeNumber(INSTANCES),
        )
        .optional(),
      pooler: z.enum(['none', 'pgbouncer']).optional(),
      source: z.array(z.string().min(1)).optional(),
    })
    .optional(),
  backups: z
    .strictObject({
      dir: z.string().min(1).optional(),
      s3: z
        .strictObject({
          bucket: z
            .string()
            .regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, { message: 'expected an S3 bucket name' }),
          prefix: z.string().optional(),
          endpoint: z
            .string()
            .regex(/^https?:\/\//, { message: 'expected an http(s):// URL' })
            .or(envRef)
            .optional(),
          region: z.string().min(1).optional(),
          accessKeyId: envRef.optional(),
          secretAccessKey: envRef.optional(),
          forcePathStyle: z.boolean().optional(),
        })
        .optional(),
      key: envRef.optional(),
      recipients: z.array(ageRecipient).optional(),
      identity: envRef.optional(),
      compressionLevel: wholeNumber(GZIP_LEVEL).optional(),
      workers: wholeNumber(WORKERS).optional(),
      rpo: wholeNumber(RPO_MS).optional(),
      /** Retired, refused by `refusesRetiredSchedule` with its replacement rather than as an unknown key. */
      schedule: z.unknown().optional(),
      retention: z
        .strictObject({ days: wholeNumber(DAYS) })
        .or(
          z
            .strictObject({
              daily: wholeNumber(KEPT_BACKUPS).optional(),
              weekly: wholeNumber(KEPT_BACKUPS).optional(),
              monthly: wholeNumber(KEPT_BACKUPS).optional(),
            })
            .refine((gfs) => (gfs.daily ?? 0) + (gfs.weekly ?? 0) + (gfs.monthly ?? 0) > 0, {
              message: 'keep at least one daily, weekly or monthly backup',
            }),
        )
        .optional(),
      restoreOwners: z
        .array(z.strictObject({ name: z.string().min(1), contact: z.string().min(1) }))
        .optional(),
      provider: z
        .strictObject({
          name: z.string().min(1),
          automatedBackups: z.boolean(),
          retentionDays: wholeNumber(DAYS_OR_ZERO).optional(),
          pointInTime: z.boolean().optional(),
        })
        .optional(),
    })
    .optional(),
});
const configSchema = configShape
  .superRefine(namesDeclaredPeople)
  .superRefine(schedulesKnownEnvironments)
  // Said even beside other problems: the config cannot be right while it holds a retired key.
  .superRefine(refusesRetiredSchedule, { when: () => true });

/** backups.schedule, retired for scheduler.jobs: refused with the jobs that replace it, spelled out. */
function refusesRetiredSchedule(config: unknown, ctx: z.RefinementCtx): void {
  const backups =
    typeof config === 'object' && config !== null ? (config as LaunchdbConfig).backups : undefined;
  if (typeof backups !== 'object' || backups === null || !('schedule' in backups)) return;
  ctx.addIssue({ code: 'custom', path: ['backups', 'schedule'], message: retiredScheduleProblem(config) });
}

/** Environment owners and approvers name people declared in `access.people`, one problem each. */
function namesDeclaredPeople(config: z.infer<typeof configShape>, ctx: z.RefinementCtx): void {
  const people = Object.keys(config.access?.people ?? {});
  const declared = people.length > 0 ? `declared: ${people.join(', ')}` : 'none declared';
  const check = (id: string, path: (string | number)[], role: string) => {
    if (people.includes(id)) return;
    ctx.addIssue({
      code: 'custom',
      path,
      message: `"${id}" is not a person in access.people (${declared}); the ${role} must be one`,
    });
  };
  for (const [name, env] of Object.entries(config.environments)) {
    if (env.owner !== undefined) check(env.owner, ['environments', name, 'owner'], 'data owner');
  }
  for (const [i, id] of (config.access?.approvers ?? []).entries()) {
    check(id, ['access', 'approvers', i], 'approver');
  }
}

/** Each scheduled job runs on a declared environment, and each job once per environment. */
function schedulesKnownEnvironments(config: z.infer<typeof configShape>, ctx: z.RefinementCtx): void {
  const names = Object.keys(config.environments);
  const seen = new Set<string>();
  for (const [i, { job, env }] of (config.scheduler?.jobs ?? []).entries()) {
    if (!names.includes(env)) {
      ctx.addIssue({
        code: 'custom',
        path: ['scheduler', 'jobs', i, 'env'],
        message: `"${env}" is not an environment of this project (${names.join(', ')})`,
      });
    }
    const key = `${job} ${env}`;
    if (seen.has(key)) {
      ctx.addIssue({
        code: 'custom',
        path: ['scheduler', 'jobs', i],
        message: `job ${job} on ${env} is declared twice: one cron per job and environment (several times a day: "0 3,15 * * *")`,
      });
    }
    seen.add(key);
  }
}

function parsesAsUrl(text: string): boolean {
  try {
    new URL(text);
    return true;
  } catch {
    return false;
  }
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** True when croner reads `expression` as a schedule it can run. */
function validCron(expression: string): boolean {
  try {
    new Cron(expression, { paused: true, timezone: 'UTC' });
    return true;
  } catch {
    return false;
  }
}

/** Returns the config typed, or throws a ConfigError listing each problem as `path: message`. */
export function validateConfig(value: unknown, file: string): LaunchdbConfig {
  const parsed = configSchema.safeParse(value);
  if (parsed.success) return parsed.data as LaunchdbConfig;
  const problems = parsed.error.issues.map((union) => {
    const issue = closestBranch(union);
    const path = issue.path.map(String).join('.');
    return `${path || '(root)'}: ${describeIssue(issue)}`;
  });
  throw new ConfigError(file, problems, { fix: 'fix the config file; see docs/CONFIG.md' });
}
