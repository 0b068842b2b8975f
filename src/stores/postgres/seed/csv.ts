// CSV as RFC 4180 writes it: a header row, commas, double quotes around fields that need them.
import { UsageError } from '../../../core/errors.js';

/**
 * The rows of a CSV text as objects keyed by the header. An empty unquoted field is NULL; `""` is
 * the empty string, so a seed can say which it means.
 */
export function parseCsv(text: string, file: string): Record<string, string | null>[] {
  const records = parseRecords(text.replace(/^\uFEFF/, ''), file);
  const header = records.shift();
  if (!header) return [];
  const columns = header.map((name, index) => {
    if (!name) throw new UsageError(`${file}:1: column ${index + 1} of the header has no name`);
    return name;
  });
  return records.map((fields, index) => {
    if (fields.length !== columns.length) {
      throw new UsageError(
        `${file}: row ${index + 2} has ${fields.length} fields, the header ${columns.length}`,
      );
    }
    return Object.fromEntries(columns.map((column, i) => [column, fields[i] ?? null]));
  });
}

function parseRecords(text: string, file: string): (string | null)[][] {
  const records: (string | null)[][] = [];
  let record: (string | null)[] = [];
  let line = 1;
  let i = 0;
  for (;;) {
    // One field, starting at i.
    if (text[i] === '"') {
      const start = line;
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new UsageError(`${file}:${start}: a quoted field is never closed`);
        const char = text[i]!;
        if (char === '"') {
          if (text[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (char === '\n') line++;
        value += char;
        i++;
      }
      record.push(value);
    } else {
      let end = i;
      while (end < text.length && text[end] !== ',' && text[end] !== '\n' && text[end] !== '\r') end++;
      const value = text.slice(i, end);
      if (value.includes('"')) throw new UsageError(`${file}:${line}: a quote inside an unquoted field`);
      record.push(value === '' ? null : value);
      i = end;
    }
    // What ends the field: a comma, a line end, or the text's end.
    if (text[i] === ',') {
      i++;
      continue;
    }
    if (text[i] === '\r') i++;
    if (i < text.length && text[i] !== '\n') {
      throw new UsageError(`${file}:${line}: expected a comma or a line end after a quoted field`);
    }
    // A blank line (one empty field) is skipped, as spreadsheets write them at the end.
    if (!(record.length === 1 && record[0] === null)) records.push(record);
    record = [];
    if (i >= text.length) return records;
    i++;
    line++;
    if (i >= text.length) return records;
  }
}
