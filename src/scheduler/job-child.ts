// The process one scheduled run lives in: the real launchdb command, started by the scheduler with
// its stdin a pipe from the scheduler. It loads the command's code first and runs it when the
// scheduler writes `run` (the scheduler starts it a few seconds ahead of the slot, so a run begins
// at its slot rather than after Node's start-up). When the pipe closes, the scheduler is gone
// (stopped, or killed with -9) or no longer needs it, so it stops itself: no job outlives its
// scheduler, and a run another scheduler takes over never runs twice at once.
import { createInterface } from 'node:readline';

const argv = process.argv.slice(2);
let state: 'waiting' | 'running' | 'done' = 'waiting';

const preloaded = preload(argv);
const pipe = createInterface({ input: process.stdin });
pipe.on('line', (line) => {
  if (line.trim() === 'run' && state === 'waiting') void run();
});
// SIGTERM to itself: the command's own clean-up (a backup removes its files) runs as on a kill.
pipe.on('close', () => {
  if (state !== 'done') process.kill(process.pid, 'SIGTERM');
});

async function run(): Promise<void> {
  state = 'running';
  await preloaded;
  const [{ main }, { processIo }] = await Promise.all([import('../cli/main.js'), import('../cli/io.js')]);
  try {
    process.exitCode = await main(argv, processIo());
  } catch (error) {
    process.stderr.write(`error: ${String(error)}\n`);
    process.exitCode = 2;
  }
  state = 'done';
  // The pipe no longer needs watching, and must not keep the process alive.
  pipe.close();
  process.stdin.destroy();
}

/** Imports what `main` will import for `args` (the dispatcher, the command, the audit recorder). */
async function preload(args: readonly string[]): Promise<void> {
  try {
    const [{ COMMANDS }] = await Promise.all([
      import('../cli/commands.js'),
      import('../cli/main.js'),
      import('../cli/help.js'),
      import('../cli/io.js'),
    ]);
    const two = args.slice(0, 2).join(' ');
    const spec =
      COMMANDS.find((command) => command.name === two) ??
      COMMANDS.find((command) => command.name === args[0]);
    if (!spec) return;
    await Promise.all([spec.load(), spec.audit ? import('../cli/record-action.js') : undefined]);
  } catch {
    // `main` reports whatever went wrong, as the command would.
  }
}
