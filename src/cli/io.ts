// The CLI's window on the world: output streams, colour, prompts. Tests pass their own.
import { createInterface } from 'node:readline/promises';
import { styleText } from 'node:util';
import { redactText } from '../core/redact.js';

export type Style = 'green' | 'yellow' | 'red' | 'gray' | 'bold' | 'cyan' | 'dim';

export interface Io {
  cwd: string;
  /** Writes to standard output, with every URL password masked. */
  out(text: string): void;
  /** Writes to standard output as is: only for secrets the user asked to see (`--print-secrets`). */
  outUnredacted(text: string): void;
  /** Writes to standard error, with every URL password masked. */
  err(text: string): void;
  /** Colours text when the output is a terminal that wants colour. */
  style(style: Style, text: string): string;
  /** Asks a question on the terminal; undefined when there is no terminal to ask. */
  ask(question: string): Promise<string | undefined>;
  /** Secrets registered here are masked in everything written afterwards. */
  secrets: Set<string>;
}

export function processIo(): Io {
  const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
  const secrets = new Set<string>();
  return {
    cwd: process.cwd(),
    secrets,
    out: (text) => process.stdout.write(redactText(text, secrets)),
    outUnredacted: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(redactText(text, secrets)),
    style: (style, text) => (color ? styleText(style, text) : text),
    ask: async (question) => {
      if (!process.stdin.isTTY) return undefined;
      const rl = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return (await rl.question(question)).trim();
      } finally {
        rl.close();
      }
    },
  };
}
