// The console as users run it: `launchdb console` from the built CLI, a process of its own whose
// actions start launchdb commands as children. Accounts (one per role) are added first, over the
// same control database.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { addAccount } from '../../src/console/auth/accounts.js';
import { ROLES } from '../../src/console/auth/roles.js';
import { openControlDatabase } from '../../src/control/open-control.js';
import { Project } from '../../src/core/project.js';
import { BIN } from '../helpers/cli.js';
import { accountOf, PASSWORD } from './console-helpers.js';

export interface ConsoleProcess {
  url: string;
  stderr: string[];
  /** SIGTERM by default; SIGKILL for a console that dies. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export async function startConsoleProcess(
  root: string,
  options: { controlUrl?: string } = {},
): Promise<ConsoleProcess> {
  const project = await Project.load(root);
  const control = await openControlDatabase(project, options.controlUrl ? { url: options.controlUrl } : {});
  try {
    for (const role of ROLES) {
      await addAccount(control.db, project.name, { name: accountOf(role), role, password: PASSWORD }).catch(
        (error: Error) => {
          if (!/already exists/.test(error.message)) throw error;
        },
      );
    }
  } finally {
    await control.close();
  }
  const args = [
    BIN,
    'console',
    '--port',
    '0',
    ...(options.controlUrl ? ['--control-url', options.controlUrl] : []),
  ];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const found = line.match(/ at (https?:\/\/\S+)/);
      if (found) resolve(found[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the console exited (${code}): ${stderr.join('\n')}`)));
  });
  return { url, stderr, stop: (signal = 'SIGTERM') => stop(child, signal) };
}

function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}
