// `launchdb serve`: an embedded environment's Postgres on 127.0.0.1 until Ctrl-C or SIGTERM.
import { existsSync } from 'node:fs';
import { type ExitCode, UsageError } from '../../core/errors.js';
import { DEFAULT_SERVE_PORT, serveEmbedded } from '../../stores/postgres/serve.js';
import { resolvePostgresTarget } from '../../stores/postgres/target.js';
import { integerFlag } from '../args.js';
import { commandContext } from '../context.js';
import type { Io } from '../io.js';
import type { CommandInput } from '../spec.js';
import { untilSignal } from '../until-signal.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const { env } = await commandContext(input, io);
  const port = integerFlag(input, 'port') ?? DEFAULT_SERVE_PORT;

  const target = resolvePostgresTarget(env);
  if (!target) {
    throw new UsageError(`environment ${env.name} has no postgres store to serve`, {
      fix: `declare one: environments.${env.name}.postgres = {} in the config`,
    });
  }
  if (target.backing === 'server') {
    throw new UsageError(
      `environment ${env.name} is on a server (${target.host}:${target.port}/${target.database}); connect to it directly`,
      { fix: 'serve is for embedded environments; give psql or your driver that database URL' },
    );
  }
  // Serving would create an unmarked database; attaching is the step that creates and marks it.
  if (!existsSync(target.dataDir)) {
    throw new UsageError(`environment ${env.name} has no embedded database yet (${target.location})`, {
      fix: `run \`launchdb attach postgres --env ${env.name}\` first`,
    });
  }

  // Listen before starting: a signal that arrives while the database opens still stops it cleanly.
  const signalled = untilSignal();
  try {
    const served = await serveEmbedded(target.dataDir, { port, root: env.root });
    try {
      io.out(`DATABASE_URL=${served.url}\n`);
      io.err(
        `serving ${target.location} (project ${env.project}, environment ${env.name}) on ${served.host}:${served.port}\n` +
          `${io.style('dim', `  connect: psql ${served.url}`)}\n` +
          `${io.style('dim', '  stop: press Ctrl-C (or send SIGTERM)')}\n`,
      );
      const signal = await signalled.promise;
      io.err(`${signal}: stopping\n`);
    } finally {
      await served.stop();
    }
    io.err('stopped; the database is closed\n');
    return 0;
  } finally {
    signalled.dispose();
  }
}
