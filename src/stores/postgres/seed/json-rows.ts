// A JSON seed's rows, `[{ "col": value }, …]`, read as the text arrives: each element of the top
// array is parsed on its own, so a large file never becomes one object tree.
import { UsageError } from '../../../core/errors.js';

export const JSON_FIX = 'a JSON seed is an array with one object per row: [{ "slug": "free", "price": 0 }]';

/** The elements of the top-level array, parsed one by one; anything else is refused with the row it is in. */
export function* jsonRows(pieces: Iterable<string>, file: string): Generator<Record<string, unknown>> {
  const scanner = new ArrayScanner(file);
  let row = 0;
  let text: string[] | undefined; // the whole text, kept only when it does not open as an array
  for (const piece of pieces) {
    if (text) {
      text.push(piece);
      continue;
    }
    const elements = scanner.push(piece);
    if (elements === undefined) {
      text = [piece];
      continue;
    }
    for (const element of elements) yield parseRow(element, ++row, file);
  }
  if (text) refuseWhole(text.join(''), file);
  const ending = scanner.end();
  if (typeof ending === 'string')
    throw new UsageError(`${file}: not valid JSON: ${ending}`, { fix: JSON_FIX });
  for (const element of ending) yield parseRow(element, ++row, file);
}

function parseRow(element: string, row: number, file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(element);
  } catch (error) {
    throw new UsageError(`${file}: not valid JSON in row ${row}: ${(error as Error).message}`, {
      fix: JSON_FIX,
    });
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new UsageError(`${file}: row ${row} is not an object of column values`, { fix: JSON_FIX });
  }
  return value as Record<string, unknown>;
}

/** A text that does not open with `[`: as JSON, it is either not JSON or not an array. */
function refuseWhole(text: string, file: string): never {
  try {
    JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new UsageError(`${file}: not valid JSON: ${(error as Error).message}`, { fix: JSON_FIX });
  }
  throw new UsageError(`${file}: expected an array of rows`, { fix: JSON_FIX });
}

/** Cuts the top-level array's elements out of the text, tracking strings and nesting, without parsing them. */
class ArrayScanner {
  private state: 'before' | 'inside' | 'after' = 'before';
  private element = '';
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** A comma was read: another element must follow. */
  private expectElement = false;

  constructor(private readonly file: string) {}

  /** The elements `piece` completes; undefined when the text does not open as an array. */
  push(piece: string): string[] | undefined {
    const elements: string[] = [];
    let start = 0;
    let i = 0;
    if (this.state === 'before') {
      i = /^\uFEFF?\s*/.exec(piece)![0].length;
      if (i === piece.length) return elements;
      if (piece[i] !== '[') return undefined;
      this.state = 'inside';
      start = ++i;
    }
    for (; i < piece.length; i++) {
      const char = piece.charCodeAt(i);
      if (this.state === 'after') {
        if (!/\s/.test(piece[i]!)) {
          throw new UsageError(`${this.file}: not valid JSON: text after the array's closing ]`, {
            fix: JSON_FIX,
          });
        }
        continue;
      }
      if (this.inString) {
        if (this.escaped) this.escaped = false;
        else if (char === BACKSLASH) this.escaped = true;
        else if (char === QUOTE) this.inString = false;
        continue;
      }
      if (char === QUOTE) this.inString = true;
      else if (char === OPEN_BRACE || char === OPEN_BRACKET) this.depth++;
      else if (char === CLOSE_BRACE || char === CLOSE_BRACKET) {
        if (this.depth > 0) {
          this.depth--;
          continue;
        }
        // The array's own `]`.
        this.finish(this.element + piece.slice(start, i), elements, true);
        this.element = '';
        this.state = 'after';
      } else if (char === COMMA && this.depth === 0) {
        this.finish(this.element + piece.slice(start, i), elements, false);
        this.element = '';
        start = i + 1;
      }
    }
    if (this.state === 'inside') this.element += piece.slice(start);
    return elements;
  }

  /** The text ended: a final element, or why the text is not a whole array. */
  end(): string[] | string {
    if (this.state === 'before') return 'the file is empty';
    if (this.state === 'inside') return 'the array is never closed';
    return [];
  }

  private finish(element: string, elements: string[], last: boolean): void {
    // `[]` has no element; `[1,]` and `[,1]` have an empty one, which JSON.parse refuses.
    if (last && !this.expectElement && element.trim() === '') return;
    elements.push(element);
    this.expectElement = !last;
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
