// Plain aligned text tables, measured by display width so coloured and wide cells still line up.

/** CSI sequences (colours, cursor moves) and OSC sequences (hyperlinks, titles). */
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g;
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}\p{Cc}]+$/u;
const EMOJI = /\p{Emoji_Presentation}|\p{Extended_Pictographic}\uFE0F/u;
const segmenter = new Intl.Segmenter();

export interface TableOptions {
  /** Column titles, printed as the first line. Default: none. */
  header?: string[];
  /** Alignment per column. Default: every column left. */
  align?: ('left' | 'right')[];
  /** Spaces between columns. Default: 2. */
  gap?: number;
  /** Printed before every line. Default: ''. */
  indent?: string;
}

/** The text without terminal escape sequences. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '');
}

/** Columns the text takes in a terminal: escapes take none, combining marks none, CJK and emoji two. */
export function displayWidth(text: string): number {
  let width = 0;
  for (const { segment } of segmenter.segment(stripAnsi(text))) width += graphemeWidth(segment);
  return width;
}

/** Pads the text with spaces to `width` display columns. */
export function padDisplay(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const padding = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'left' ? text + padding : padding + text;
}

/**
 * Rows as aligned lines (no trailing newline, no trailing spaces). Rows may have different lengths;
 * a cell holding newlines spans several lines. Colour each line of a cell on its own.
 */
export function renderTable(rows: string[][], options: TableOptions = {}): string {
  const all = options.header ? [options.header, ...rows] : rows;
  const columns = Math.max(0, ...all.map((row) => row.length));
  const widths = Array.from({ length: columns }, (_, column) =>
    Math.max(0, ...all.flatMap((row) => (row[column] ?? '').split('\n').map(displayWidth))),
  );
  const gap = ' '.repeat(options.gap ?? 2);
  const indent = options.indent ?? '';
  const lines: string[] = [];
  for (const row of all) {
    const cells = widths.map((_, column) => (row[column] ?? '').split('\n'));
    const height = Math.max(1, ...cells.map((cell) => cell.length));
    for (let line = 0; line < height; line++) {
      const text = cells
        .map((cell, column) => padDisplay(cell[line] ?? '', widths[column]!, options.align?.[column]))
        .join(gap);
      lines.push((indent + text).replace(/ +$/, ''));
    }
  }
  return lines.join('\n');
}

function graphemeWidth(grapheme: string): number {
  if (ZERO_WIDTH.test(grapheme)) return 0;
  if (EMOJI.test(grapheme) || isWide(grapheme.codePointAt(0)!)) return 2;
  return 1;
}

/** East Asian Wide and Fullwidth blocks (Unicode UAX #11), the ones that occur in practice. */
function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0x303e) ||
    (code >= 0x3041 && code <= 0x33ff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0xa000 && code <= 0xa4cf) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}
