// `launchdb console`: the project's console on 127.0.0.1 until Ctrl-C or SIGTERM. Beyond loopback
// only with TLS (a certificate and key) or behind a proxy that terminates it (--behind-proxy).
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { listAccounts } from '../../console/auth/accounts.js';
import { serveConsole } from '../../console/serve-console.js';
import { CONTROL_URL_VARIABLE } from '../../control/control-target.js';
import { type ExitCode, UsageError } from '../../core/errors.js';
import { integerFlag, stringFlag } from '../args.js';
import { withConsoleControl } from '../console-control.js';
import type { Io } from '../io.js';
import type { CommandInput } from '../spec.js';
import { untilSignal } from '../until-signal.js';

export const DEFAULT_CONSOLE_PORT = 4800;

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const host = stringFlag(input, 'host') ?? '127.0.0.1';
  const port = integerFlag(input, 'port') ?? DEFAULT_CONSOLE_PORT;
  const tls = readTls(input, io.cwd);
  const behindProxy = Boolean(input.flags['behind-proxy']);
  if (!isLoopback(host) && !tls && !behindProxy) {
    throw new UsageError(
      `the console would serve ${host} without TLS: passwords and sessions would cross the network in clear`,
      {
        fix: 'give --tls-cert FILE and --tls-key FILE, or --behind-proxy when a proxy in front of it terminates TLS; or keep the default 127.0.0.1',
      },
    );
  }
  const signalled = untilSignal();
  try {
    return await withConsoleControl<ExitCode>(
      input,
      io,
      'console',
      async (control, project) => {
        const running = await serveConsole({
          project,
          control,
          host,
          port,
          behindProxy,
          ...(tls ? { tls } : {}),
          log: (line) => io.err(`${new Date().toISOString()} ${line}\n`),
          commands: commandsOf(input, io.cwd),
        });
        try {
          io.out(`console of ${project.name} at ${running.url} (control database ${control.location})\n`);
          if ((await listAccounts(control.db, project.name)).length === 0) {
            io.err(
              `no console accounts yet: add the first owner with \`launchdb console user add NAME --owner\`\n`,
            );
          }
          io.err(io.style('dim', '  stop: press Ctrl-C (or send SIGTERM)\n'));
          const signal = await signalled.promise;
          io.err(`${signal}: stopping\n`);
        } finally {
          await running.stop();
        }
        return 0;
        // Served while the console runs: the commands of its actions reach it through its port.
      },
      { share: true },
    );
  } finally {
    signalled.dispose();
  }
}

/** An action's command reads the config and control database this console was given. */
function commandsOf(input: CommandInput, cwd: string): { argv: string[]; env: Record<string, string> } {
  const config = stringFlag(input, 'config');
  const controlUrl = stringFlag(input, 'control-url');
  return {
    // Absolute: the commands run in the project's root, which need not be this process's folder.
    argv: config ? ['--config', resolve(cwd, config)] : [],
    env: controlUrl ? { [CONTROL_URL_VARIABLE]: controlUrl } : {},
  };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

function readTls(input: CommandInput, cwd: string): { cert: string; key: string } | undefined {
  const certFile = stringFlag(input, 'tls-cert');
  const keyFile = stringFlag(input, 'tls-key');
  if (!certFile && !keyFile) return undefined;
  if (!certFile || !keyFile) {
    throw new UsageError(
      `--${certFile ? 'tls-key' : 'tls-cert'} is missing: TLS needs both the certificate and its key`,
    );
  }
  const read = (file: string, flag: string) => {
    try {
      return readFileSync(resolve(cwd, file), 'utf8');
    } catch (error) {
      throw new UsageError(
        `${flag} ${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      );
    }
  };
  return { cert: read(certFile, '--tls-cert'), key: read(keyFile, '--tls-key') };
}
