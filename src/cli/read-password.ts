// A password for the CLI: from stdin with --password-stdin (CI, scripts), else typed twice on the
// terminal without echo. Never from argv, where every local user could read it.
import { UsageError } from '../core/errors.js';
import type { CommandInput } from './spec.js';

export async function readNewPassword(input: CommandInput, what: string): Promise<string> {
  if (input.flags['password-stdin']) return readStdinLine();
  if (!process.stdin.isTTY) {
    throw new UsageError(`no terminal to ask for ${what}`, {
      fix: 'pass it on standard input with --password-stdin (e.g. from a secret store)',
    });
  }
  const first = await askHidden(`${what}: `);
  const second = await askHidden('again: ');
  if (first !== second) throw new UsageError('the two passwords differ; nothing was changed');
  return first;
}

async function readStdinLine(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  return text.split(/\r?\n/)[0] ?? '';
}

/** Reads a line from the terminal in raw mode, echoing nothing. */
function askHidden(question: string): Promise<string> {
  process.stderr.write(question);
  const stdin = process.stdin;
  stdin.setRawMode(true);
  stdin.resume();
  return new Promise((resolve, reject) => {
    let typed = '';
    const onData = (data: Buffer) => {
      for (const char of data.toString('utf8')) {
        if (char === '\r' || char === '\n') {
          finish();
          resolve(typed);
          return;
        }
        if (char === '\u0003') {
          finish();
          reject(new UsageError('cancelled; nothing was changed'));
          return;
        }
        typed = char === '\u007f' ? typed.slice(0, -1) : typed + char;
      }
    };
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    stdin.on('data', onData);
  });
}
