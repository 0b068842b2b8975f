// `--format NAME`: which of its formats a command prints; the first is the default, others are bad input.
import { UsageError } from '../core/errors.js';
import { stringFlag } from './args.js';
import type { CommandInput } from './spec.js';

export function formatFlag<Format extends string>(
  input: CommandInput,
  formats: readonly [Format, ...Format[]],
): Format {
  const format = stringFlag(input, 'format') ?? formats[0];
  if ((formats as readonly string[]).includes(format)) return format as Format;
  const last = formats.at(-1);
  const choices = `${formats.slice(0, -1).join(', ')} or ${last}`;
  throw new UsageError(`unknown --format "${format}"`, { fix: `use --format ${choices}` });
}
