// Commands launchdb no longer has, each answered with what replaced it rather than "unknown command":
// whatever flags follow, exit 2 with one line naming the replacement and a fix to copy.
import { basename } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { Io } from './io.js';

interface RetiredCommand {
  name: string;
  /** The error to exit with, given the words after the command's name. */
  explain(args: readonly string[], io: Io): Promise<UsageError>;
}

const RETIRED_COMMANDS: readonly RetiredCommand[] = [{ name: 'backup schedule', explain: backupSchedule }];

/** The retired command `argv` starts with, if any. */
export function retiredCommandOf(argv: readonly string[]): RetiredCommand | undefined {
  return RETIRED_COMMANDS.find((command) => {
    const words = command.name.split(' ');
    return words.every((word, i) => argv[i] === word);
  });
}

/**
 * `backup schedule` became the scheduler: the fix is the config that does what it did, built from the
 * config's backups.schedule and retention (read without validating it: the config refuses that key
 * now), for --env when given.
 */
async function backupSchedule(args: readonly string[], io: Io): Promise<UsageError> {
  // Loaded here, not at start-up: reading a config brings in the schema and its libraries.
  const { loadUncheckedConfig } = await import('../core/config/load-config.js');
  const { declareReplacement, scheduleReplacement } = await import(
    '../core/config/retired-backup-schedule.js'
  );
  const named = flagValue(args, 'env') ?? (process.env.LAUNCHDB_ENV || undefined);
  let config: unknown;
  let file = 'launchdb.config.ts';
  try {
    ({ value: config, file } = await loadUncheckedConfig(io.cwd, flagValue(args, 'config')));
    file = basename(file);
  } catch {
    // No config to read: the fix still shows the jobs, with the example time.
  }
  const replacement = scheduleReplacement(config, named ? [named] : undefined);
  const declare = declareReplacement(config, replacement);
  // The prune job changes a guarded environment: the scheduler runs it there only when told to.
  const confirm = replacement.confirm.length > 0 ? ` --confirm ${replacement.confirm.join(',')}` : '';
  const replacing = replacement.fromConfig ? ' in place of backups.schedule' : '';
  const step = declare
    ? `${declare} in ${file}${replacing}, then run`
    : `scheduler.jobs declares the backup job already${replacement.fromConfig ? ` (remove backups.schedule from ${file})` : ''}: run`;
  return new UsageError(
    '`launchdb backup schedule` is retired: the scheduler takes backups now, on the jobs scheduler.jobs declares (docs/SCHEDULER.md)',
    { fix: `${step} \`launchdb scheduler run${confirm}\` as a service` },
  );
}

/** `--name VALUE` or `--name=VALUE` among args the retired command no longer parses. */
function flagValue(args: readonly string[], name: string): string | undefined {
  for (const [i, arg] of args.entries()) {
    if (arg === `--${name}`) return args[i + 1];
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return undefined;
}
