// `launchdb backup keygen --out FILE`: a new age identity in a file only its owner can read, and the
// recipient (its public key) to put in backups.recipients. The identity itself is never printed.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { newIdentity } from '../../backup/age-key.js';
import { type ExitCode, UsageError } from '../../core/errors.js';
import { stringFlag } from '../args.js';
import type { Io } from '../io.js';
import type { CommandInput } from '../spec.js';

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const out = stringFlag(input, 'out');
  if (!out) {
    throw new UsageError('name the file to write the identity to', {
      fix: 'launchdb backup keygen --out FILE (keep it off the machine that takes backups)',
    });
  }
  const file = resolve(io.cwd, out);
  const { identity, recipient } = await newIdentity();
  io.secrets.add(identity);
  try {
    // The format age-keygen writes: `age -d -i FILE` reads it too.
    writeFileSync(
      file,
      `# created: ${new Date().toISOString().slice(0, 19)}Z\n# public key: ${recipient}\n${identity}\n`,
      { mode: 0o600, flag: 'wx' },
    );
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'EEXIST' ? `${out} already exists` : `cannot write ${out} (${code ?? 'error'})`,
      { fix: 'name a new file in a folder you can write: an identity is never written over' },
    );
  }
  if (input.flags.json) {
    io.out(`${JSON.stringify({ recipient, identityFile: file }, null, 2)}\n`);
    return 0;
  }
  io.out(
    `age identity written to ${out} (mode 0600): keep it safe and off the machine that takes backups;\n` +
      'without it, backups encrypted to its recipient cannot be read\n' +
      `recipient: ${recipient}\n` +
      io.style(
        'dim',
        `add it to backups.recipients; where backups are verified or restored, set LAUNCHDB_BACKUP_IDENTITY="$(cat ${out})"\n`,
      ),
  );
  return 0;
}
