// CSV as RFC 4180 writes it: a header row, commas, double quotes around fields that need them. Read
// as its text arrives, so a large file is parsed a record at a time.
import { UsageError } from '../../../core/errors.js';

export type CsvRow = Record<string, string | null>;

/**
 * The rows of a CSV text as objects keyed by the header. An empty unquoted field is NULL; `""` is
 * the empty string, so a seed can say which it means.
 */
export function parseCsv(text: string, file: string): CsvRow[] {
  return [...csvRows([text], file)];
}

/** The rows of CSV text arriving in `pieces`, one at a time (see `parseCsv`). */
export function* csvRows(pieces: Iterable<string>, file: string): Generator<CsvRow> {
  let columns: string[] | undefined;
  let row = 1;
  for (const fields of csvRecords(pieces, file)) {
    if (!columns) {
      columns = fields.map((name, index) => {
        if (!name) throw new UsageError(`${file}:1: column ${index + 1} of the header has no name`);
        return name;
      });
      continue;
    }
    row++;
    if (fields.length !== columns.length) {
      throw new UsageError(`${file}: row ${row} has ${fields.length} fields, the header ${columns.length}`);
    }
    const values: CsvRow = {};
    for (const [index, column] of columns.entries()) values[column] = fields[index] ?? null;
    yield values;
  }
}

/** Records as arrays of fields; a blank line (one empty field) is skipped, as spreadsheets write them at the end. */
function* csvRecords(pieces: Iterable<string>, file: string): Generator<(string | null)[]> {
  const reader = new RecordReader(file);
  let first = true;
  for (const piece of pieces) {
    yield* reader.take(first ? piece.replace(/^\uFEFF/, '') : piece, false);
    first = false;
  }
  yield* reader.take('', true);
}

/** What is left of the text after its last whole record waits for the next piece. */
class RecordReader {
  private text = '';
  private line = 1;

  constructor(private readonly file: string) {}

  *take(piece: string, final: boolean): Generator<(string | null)[]> {
    const text = this.text + piece;
    let i = 0;
    for (;;) {
      if (i >= text.length && !final) break;
      const start = i;
      const startLine = this.line;
      const record = this.record(text, i, final);
      if (!record) {
        // The record goes on in the next piece: read it again then, from its start.
        i = start;
        this.line = startLine;
        break;
      }
      i = record.end;
      if (!(record.fields.length === 1 && record.fields[0] === null)) yield record.fields;
      if (i >= text.length) break;
      i++; // the line end
      this.line++;
      if (i >= text.length) break;
    }
    this.text = text.slice(i);
  }

  /** One record from `i` up to its line end (or the text's end); undefined when the text stops inside it. */
  private record(
    text: string,
    from: number,
    final: boolean,
  ): { fields: (string | null)[]; end: number } | undefined {
    const fields: (string | null)[] = [];
    let i = from;
    for (;;) {
      if (text[i] === '"') {
        const start = this.line;
        let value = '';
        i++;
        for (;;) {
          const quote = text.indexOf('"', i);
          if (quote === -1 || (quote === text.length - 1 && !final)) {
            if (!final) return undefined;
            throw new UsageError(`${this.file}:${start}: a quoted field is never closed`);
          }
          const part = text.slice(i, quote);
          for (let at = part.indexOf('\n'); at !== -1; at = part.indexOf('\n', at + 1)) this.line++;
          value += part;
          if (text[quote + 1] === '"') {
            value += '"';
            i = quote + 2;
            continue;
          }
          i = quote + 1;
          break;
        }
        fields.push(value);
      } else {
        let end = i;
        while (end < text.length && text[end] !== ',' && text[end] !== '\n' && text[end] !== '\r') end++;
        if (end === text.length && !final) return undefined;
        const value = text.slice(i, end);
        if (value.includes('"'))
          throw new UsageError(`${this.file}:${this.line}: a quote inside an unquoted field`);
        fields.push(value === '' ? null : value);
        i = end;
      }
      // What ends the field: a comma, a line end, or the text's end.
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '\r') i++;
      if (i >= text.length && !final) return undefined;
      if (i < text.length && text[i] !== '\n') {
        throw new UsageError(
          `${this.file}:${this.line}: expected a comma or a line end after a quoted field`,
        );
      }
      return { fields, end: i };
    }
  }
}
