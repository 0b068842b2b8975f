// Reads a URL flag's value from a file (`--admin-url-file FILE`), so a password never sits in argv.
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../core/errors.js';
import { describeFileProblem } from './file-problem.js';

/**
 * The file's text without its trailing newline (as `echo` or an editor leaves it); an unreadable
 * or empty file is bad input naming the flag. A file other users can read gets a warning: it
 * protects the password no better than argv does.
 */
export function readUrlFile(
  file: string,
  options: { flag: string; cwd: string; warn(line: string): void },
): string {
  const path = resolve(options.cwd, file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`--${options.flag} ${file}: ${describeFileProblem(error)}`, {
      fix: 'give a file holding the URL on one line',
    });
  }
  const value = text.replace(/\s+$/, '');
  if (value === '') {
    throw new UsageError(`--${options.flag} ${file} is empty`, { fix: 'write the URL into it, on one line' });
  }
  const mode = statSync(path).mode & 0o777;
  if (process.platform !== 'win32' && (mode & 0o044) !== 0) {
    options.warn(
      `--${options.flag} ${file} can be read by other users (mode 0${mode.toString(8)}): chmod 600 ${file}`,
    );
  }
  return value;
}
