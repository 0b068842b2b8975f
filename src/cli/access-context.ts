// What the personal-access commands share: the environment's server (an embedded one has no logins:
// exit 2), the admin's connection to its database, the actor, and how a grant is shown.
import { relative } from 'node:path';
import { describeDuration } from '../core/duration.js';
import { UsageError } from '../core/errors.js';
import type { Environment } from '../core/project.js';
import { requireLoginRoles } from '../stores/postgres/access/access-list.js';
import { type AccessAdmin, openAccessAdmin } from '../stores/postgres/access/grants/access-admin.js';
import { type AccessAsk, readAccessAsk } from '../stores/postgres/access/grants/access-ask.js';
import { describeLeftover, type Leftover } from '../stores/postgres/access/grants/end-personal-role.js';
import type { GrantSetting, PersonalGrant } from '../stores/postgres/access/grants/grant-personal-access.js';
import { describePersonAudit } from '../stores/postgres/access/grants/person-audit.js';
import { roleNamesOf } from '../stores/postgres/provision/roles.js';
import { resolvePostgresTarget, type ServerTarget } from '../stores/postgres/target.js';
import { stringFlag } from './args.js';
import type { CommandContext } from './context.js';
import type { Io } from './io.js';
import { clean } from './render/report-terminal.js';
import type { CommandInput } from './spec.js';

/** The environment's server; an embedded environment is bad input saying it has no logins to `verb`. */
/** What `--person`, `--level`, `--for` and `--reason` ask for, checked against the config. */
export function accessAskOf(context: CommandContext, input: CommandInput, usage: string): AccessAsk {
  return readAccessAsk(
    context.project.config,
    {
      person: stringFlag(input, 'person'),
      level: stringFlag(input, 'level'),
      for: stringFlag(input, 'for'),
      reason: stringFlag(input, 'reason'),
    },
    usage,
  );
}

export function accessServer(env: Environment, verb: string): ServerTarget {
  return requireLoginRoles(env, resolvePostgresTarget(env), verb);
}

/** The admin's connection to the environment's database, for `access <verb>`. */
export function openAdminFor(
  context: CommandContext,
  target: ServerTarget,
  verb: string,
): Promise<AccessAdmin> {
  return openAccessAdmin(context.env, target, {
    command: `access ${verb}`,
    connectTimeoutMs: context.connectTimeoutMs,
  });
}

/** How a grant or approval gives the new password: the person's 0600 file, or printed once. */
export function grantSettingOf(
  context: CommandContext,
  admin: AccessAdmin,
  target: ServerTarget,
  input: CommandInput,
): GrantSetting {
  return {
    env: context.env,
    admin,
    database: target.database,
    auditRead: context.project.config.access?.audit?.read === true,
    printSecrets: input.flags['print-secrets'] === true,
  };
}

/**
 * The grant as output shows it. The new URL (only with --print-secrets) is written unredacted once,
 * and its password registered as a secret so nothing else written afterwards can show it.
 */
export function showGrant(
  grant: PersonalGrant,
  io: Io,
  env: Environment,
  options: {
    json: boolean;
    database: string;
    durationMs: number;
    heading: string;
    extra?: Record<string, unknown>;
  },
): void {
  const password = grant.url ? decodeURIComponent(new URL(grant.url).password) || undefined : undefined;
  const secretFile = grant.secretFile ? relative(env.root, grant.secretFile) : undefined;
  const shown = { ...grant, ...(secretFile ? { secretFile } : {}), ...options.extra };
  if (options.json) {
    const text = `${JSON.stringify(shown, null, 2)}\n`;
    if (grant.url) io.outUnredacted(text);
    else io.out(text);
    if (password) io.secrets.add(password);
    return;
  }
  const lines = [
    `${options.heading} ${grant.person} ${grant.level} access to ${clean(grant.location)} (environment ${grant.environment}) until ${grant.expires} (${describeDuration(options.durationMs)}), as role ${clean(grant.role)}`,
  ];
  if (grant.previous) {
    const was = [grant.previous.level, grant.previous.expires ? `until ${grant.previous.expires}` : undefined]
      .filter(Boolean)
      .join(' ');
    lines.push(
      `  ${grant.person} had this role already${was ? ` (${was})` : ''}: its password is unchanged, the URL they have still works`,
    );
  }
  lines.push(`  ${describePersonAudit(grant.audit, grant.person)}`);
  if (grant.level === 'admin') {
    lines.push(
      `  owner rights only after \`SET ROLE ${clean(roleNamesOf(options.database).owner)}\` in their session; nothing is inherited`,
    );
  }
  lines.push(
    `  launchdb ends it at ${grant.expires} when \`launchdb access expire --env ${grant.environment}\` runs (schedule it); \`launchdb access revoke --env ${grant.environment} --person ${grant.person}\` ends it now`,
  );
  io.out(`${lines.join('\n')}\n`);
  if (secretFile) {
    io.out(
      `  their DATABASE_URL is in ${secretFile} (mode 0600, readable by you only); hand it to ${grant.person} over a safe channel, then delete the file\n`,
    );
  }
  if (grant.url && password) {
    io.outUnredacted(`  DATABASE_URL=${grant.url}\n`);
    io.secrets.add(password);
    io.out('  shown once: it is in no file and no log\n');
  }
}

/** One line per leftover, indented. */
export function leftoverLines(leftovers: Leftover[]): string[] {
  return leftovers.map((leftover) => `    ${clean(describeLeftover(leftover))}`);
}

/** A request's id: a positive whole number; undefined when not given. */
export function requestIdOf(text: string | undefined, what: string): number | undefined {
  if (text === undefined) return undefined;
  if (/^[1-9][0-9]{0,14}$/.test(text)) return Number(text);
  throw new UsageError(`${what} ${text} is not a request id`, {
    fix: 'give the number `launchdb access request` printed; `launchdb access requests --env NAME` lists them',
  });
}
