// The one place the CLI records its actions: a command whose spec declares `audit` runs inside
// `runRecorded`, which appends one event to the target environment's trail once the command ends,
// however it ends (returned, threw, refused). The core appends and verifies; this decides when.
//
// An embedded database is held open for the whole action (embedded-hold.ts), so the event goes in
// through the instance the command opened: a second PGlite open would cost about half a second.
// On a server the recorder opens its own short connection as the owner, after the command has closed
// its own (a restore renames databases, which open connections would block).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type ExitCode, firstLine, isLaunchdbError, RefusedError, UnreachableError } from '../core/errors.js';
import { type Environment, Project } from '../core/project.js';
import { redactText, redactUrl } from '../core/redact.js';
import { whoIsActing } from '../stores/postgres/audit/actor.js';
import type { AuditDraft, AuditResult } from '../stores/postgres/audit/audit-event.js';
import type { JsonValue } from '../stores/postgres/audit/canonical-json.js';
import { recordAuditEvent } from '../stores/postgres/audit/record-event.js';
import { replacedHead } from '../stores/postgres/audit/replaced-head.js';
import type { PostgresDatabase } from '../stores/postgres/database.js';
import { EmbeddedHold } from '../stores/postgres/embedded-hold.js';
import { openMigrationDatabase } from '../stores/postgres/migrate/migration-database.js';
import { resolvePostgresTarget } from '../stores/postgres/target.js';
import { integerFlag, stringFlag } from './args.js';
import { auditDetailsOf, changedNothing } from './audit-details.js';
import type { Io } from './io.js';
import type { AuditSpec, CommandInput, CommandSpec } from './spec.js';

/** openTrail's answer for an embedded environment never attached: its trail does not exist yet. */
const NO_DATABASE_YET = Symbol('no database yet');

/** How long the recorder waits to connect after the command found a store unreachable. */
const SHORT_CONNECT_MS = 2000;

/** Runs the command, recording it when its spec declares `audit` and this run changes something. */
export async function runRecorded(
  spec: CommandSpec,
  input: CommandInput,
  io: Io,
  run: () => Promise<ExitCode>,
): Promise<ExitCode> {
  const audit = spec.audit;
  if (!audit || !changesSomething(audit, input)) return run();
  const plan = await planRecording(audit, input, io);
  const hold = plan?.embeddedDir ? new EmbeddedHold(plan.embeddedDir) : undefined;
  const within = <T>(fn: () => Promise<T>): Promise<T> => (hold ? hold.run(fn) : fn());
  let ended: { code: ExitCode } | { error: unknown };
  try {
    ended = { code: await within(run) };
  } catch (error) {
    ended = { error };
  }
  try {
    const noOp = 'code' in ended && ended.code === 0 && changedNothing(input);
    if (plan && !noOp) await within(() => record(audit, plan, input, io, ended));
  } finally {
    await hold?.release();
  }
  if ('error' in ended) throw ended.error;
  return ended.code;
}

function changesSomething(audit: AuditSpec, input: CommandInput): boolean {
  if (input.flags.help) return false;
  if (audit.exceptWith && input.flags[audit.exceptWith] !== undefined) return false;
  if (audit.onlyWith && input.flags[audit.onlyWith] === undefined) return false;
  return true;
}

/** What is known before the command runs, without connecting: the project, the environment, where it lives. */
interface RecordingPlan {
  project: Project;
  /** Undefined for a restore into a URL: which environment it is, only the database can say. */
  env: Environment | undefined;
  embeddedDir: string | undefined;
}

/** Undefined when the config or the environment does not resolve: the command itself says why. */
async function planRecording(
  audit: AuditSpec,
  input: CommandInput,
  io: Io,
): Promise<RecordingPlan | undefined> {
  try {
    const project = await Project.load(io.cwd, stringFlag(input, 'config'));
    const name =
      audit.target === 'restore-destination'
        ? stringFlag(input, 'to')
        : (stringFlag(input, 'env') ?? (process.env.LAUNCHDB_ENV || 'development'));
    if (name === undefined) return undefined;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(name)) return { project, env: undefined, embeddedDir: undefined };
    const env = project.environment(name);
    const target = resolvePostgresTarget(env);
    // The trail lives in the environment's Postgres: one with none (objects or a cache alone) has none.
    if (!target) return undefined;
    return { project, env, embeddedDir: target.backing === 'embedded' ? target.dataDir : undefined };
  } catch {
    return undefined;
  }
}

async function record(
  audit: AuditSpec,
  plan: RecordingPlan,
  input: CommandInput,
  io: Io,
  ended: { code: ExitCode } | { error: unknown },
): Promise<void> {
  const result = resultOf(ended, io.secrets);
  const warn = (env: string, reason: string) => {
    const line =
      result.status === 'ok'
        ? `${io.style('red', 'warning:')} ${audit.action} changed ${env}, but its audit event was NOT recorded: ${reason}`
        : `${io.style('yellow', 'warning:')} not recorded in the audit trail of ${env}: ${reason}`;
    io.err(`${redactText(line, io.secrets)}\n`);
  };
  const envName = plan.env?.name ?? 'the restored database';
  // When the command could not reach a store, the recorder gives up sooner than it did.
  const unreachable = 'error' in ended && ended.error instanceof UnreachableError;
  let opened: { env: Environment; db: PostgresDatabase; location: string; backing: 'embedded' | 'server' };
  try {
    const found = await openTrail(plan, input, unreachable ? SHORT_CONNECT_MS : undefined);
    if (found === NO_DATABASE_YET) {
      // Refused before the environment had a database: no trail to write to, and nothing changed.
      if (result.status !== 'ok') return;
      warn(envName, `environment ${envName} has no database yet`);
      return;
    }
    if (typeof found === 'string') {
      warn(envName, found);
      return;
    }
    opened = found;
  } catch (error) {
    warn(envName, firstLine(error));
    return;
  }
  const { env, db } = opened;
  try {
    const draft: AuditDraft = {
      action: audit.action,
      actor: whoIsActing(plan.project.root, env.vars),
      target: {
        project: env.project,
        environment: env.name,
        backing: opened.backing,
        database: opened.location,
      },
      parameters: parametersOf(input, io.secrets),
      result,
    };
    const details = {
      ...auditDetailsOf(input),
      ...(audit.target === 'restore-destination' && result.status === 'ok'
        ? { replaces: await replacedHead(plan.project, env) }
        : {}),
    };
    if (Object.keys(details).length > 0) draft.details = details;
    await recordAuditEvent(env, db, draft);
  } catch (error) {
    warn(env.name, firstLine(error));
  } finally {
    await db.close();
  }
}

/**
 * The database whose trail gets the event, opened as its owner and checked to be the environment's;
 * a string says why there is none to write to.
 */
async function openTrail(plan: RecordingPlan, input: CommandInput, connectCapMs: number | undefined) {
  let env = plan.env;
  if (!env) {
    // A restore into a URL: the database decides whose it is, as the restore itself did.
    const { resolveRestoreDestination } = await import('../stores/postgres/backup/restore-destination.js');
    const destination = await resolveRestoreDestination(plan.project, stringFlag(input, 'to')!);
    if (destination.kind === 'database') return `${destination.whose} is no environment's database`;
    env = destination.env;
    if (destination.byUrl?.recognisedBy === 'marker') return openMarkedCopy(env, destination.byUrl.url);
  }
  const target = resolvePostgresTarget(env);
  if (target?.backing === 'embedded' && !existsSync(join(target.dataDir, 'PG_VERSION'))) {
    return NO_DATABASE_YET;
  }
  const flagged = integerFlag(input, 'connect-timeout');
  const connectTimeoutMs =
    connectCapMs === undefined ? flagged : Math.min(connectCapMs, flagged ?? connectCapMs);
  const opened = await openMigrationDatabase(env, {
    command: 'audit',
    max: 1,
    ...(connectTimeoutMs === undefined ? {} : { connectTimeoutMs }),
  });
  return { env, db: opened.db, location: opened.location, backing: opened.target.backing };
}

/** A database elsewhere marked as the environment's (restored where the URL pointed): its trail is there. */
async function openMarkedCopy(env: Environment, url: string) {
  const [{ openServer }, { describeUrl }] = await Promise.all([
    import('../stores/postgres/server.js'),
    import('../stores/postgres/connection-url.js'),
  ]);
  const db = await openServer(url, { max: 1 });
  return { env, db, location: describeUrl(url), backing: 'server' as const };
}

function resultOf(ended: { code: ExitCode } | { error: unknown }, secrets: Set<string>): AuditResult {
  if ('code' in ended)
    return ended.code === 0 ? { status: 'ok' } : { status: 'failed', exitCode: ended.code };
  const error = redactText(firstLine(ended.error), secrets);
  if (ended.error instanceof RefusedError) return { status: 'refused', error };
  return { status: 'failed', exitCode: isLaunchdbError(ended.error) ? ended.error.exitCode : 2, error };
}

/** The flags and arguments as given, every URL's password masked and every known secret removed. */
function parametersOf(input: CommandInput, secrets: Set<string>): { [key: string]: JsonValue } {
  const clean = (value: string) => redactText(redactUrl(value), secrets);
  const flags: { [key: string]: JsonValue } = {};
  for (const [name, value] of Object.entries(input.flags)) {
    if (value === undefined || name === 'help') continue;
    flags[name] = typeof value === 'string' ? clean(value) : value;
  }
  return { flags, arguments: input.positionals.map(clean) };
}
