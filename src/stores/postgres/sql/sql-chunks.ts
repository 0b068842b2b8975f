// Splits SQL text, arriving in pieces, into chunks of whole statements without parsing it: Postgres'
// lexical rules (quotes, E'' strings, quoted identifiers, dollar quotes, comments, nested block
// comments) and psql's rule for BEGIN ATOMIC bodies, so a file of any size is parsed, linted and
// sent a bounded chunk at a time.

/** Whole statements, with the blanks and comments around them, that begin at the start of a line. */
export interface SqlChunk {
  text: string;
  /** The 1-based line of the file that `text` begins with (its first column is the line's first). */
  line: number;
  /** Each statement in `text`: from its first token to just past its `;` (or its last token). */
  statements: { start: number; end: number }[];
}

/** What a chunk may grow to before it is cut at the next line end between statements. */
export const CHUNK_CHARS = 64 * 1024;

/**
 * The chunks of `pieces`, which must end at line ends (all but the last may; the reader of project
 * files gives them so). A chunk ends at a line end between statements once it holds `maxChars`;
 * a statement longer than that, or a line, makes a chunk of its own size.
 */
export function* sqlChunks(pieces: Iterable<string>, maxChars = CHUNK_CHARS): Generator<SqlChunk> {
  const chunker = new SqlChunker(maxChars);
  for (const piece of pieces) yield* chunker.push(piece);
  yield* chunker.end();
}

enum Mode {
  Normal,
  LineComment,
  BlockComment,
  String,
  EscapeString,
  QuotedIdentifier,
  DollarQuote,
}

/** First letters psql tracks to spot CREATE [OR REPLACE] FUNCTION|PROCEDURE, whose BEGIN … END holds semicolons. */
const TRACKED_WORDS = new Set(['create', 'function', 'procedure', 'or', 'replace']);
const DOLLAR_TAG = /\$(?:[A-Za-z_\u0080-\uffff][A-Za-z_0-9\u0080-\uffff]*)?\$/y;

export class SqlChunker {
  private buffer = '';
  /** The line `buffer` begins with. */
  private line = 1;
  /** How far `buffer` is scanned. */
  private at = 0;
  private mode = Mode.Normal;
  private commentDepth = 0;
  private dollarTag = '';
  private parenDepth = 0;
  private beginDepth = 0;
  private words = 0;
  private tracked: string[] = [];
  /** Where the statement being read begins (its first token), -1 before one begins. */
  private statementStart = -1;
  private lastTokenEnd = 0;
  private statements: SqlChunk['statements'] = [];

  constructor(private readonly maxChars = CHUNK_CHARS) {}

  /** Adds text; returns the chunks it completes. Only whole lines are scanned, the rest waits. */
  push(piece: string): SqlChunk[] {
    this.buffer += piece;
    const out: SqlChunk[] = [];
    this.scan(this.buffer.lastIndexOf('\n') + 1, out);
    return out;
  }

  /** The text is complete: returns the last chunks. */
  end(): SqlChunk[] {
    const out: SqlChunk[] = [];
    this.scan(this.buffer.length, out);
    if (this.statementStart !== -1) {
      const inToken =
        this.mode !== Mode.Normal && this.mode !== Mode.LineComment && this.mode !== Mode.BlockComment;
      this.statements.push({
        start: this.statementStart,
        end: inToken ? this.buffer.length : this.lastTokenEnd,
      });
    }
    if (this.buffer.length > 0) out.push(this.cut(this.buffer.length));
    this.at = 0;
    return out;
  }

  /** Scans up to `limit`, which is the buffer's end or just past a line end: no token spans it. */
  private scan(limitAt: number, out: SqlChunk[]): void {
    let text = this.buffer;
    let limit = limitAt;
    let i = this.at;
    while (i < limit) {
      switch (this.mode) {
        case Mode.LineComment: {
          const end = text.indexOf('\n', i);
          if (end === -1 || end >= limit) i = limit;
          else {
            this.mode = Mode.Normal;
            i = end; // the line end itself is read as a blank, where a chunk may end
          }
          continue;
        }
        case Mode.BlockComment:
          i = this.blockComment(text, i, limit);
          continue;
        case Mode.String:
        case Mode.QuotedIdentifier: {
          const quote = this.mode === Mode.String ? "'" : '"';
          const end = text.indexOf(quote, i);
          if (end === -1 || end >= limit) {
            i = limit;
            continue;
          }
          if (text[end + 1] === quote)
            i = end + 2; // a doubled quote stands for itself
          else i = this.closeToken(end + 1);
          continue;
        }
        case Mode.EscapeString: {
          const char = text[i];
          if (char === '\\') i += 2;
          else if (char === "'" && text[i + 1] === "'") i += 2;
          else if (char === "'") i = this.closeToken(i + 1);
          else i++;
          continue;
        }
        case Mode.DollarQuote: {
          const end = text.indexOf(this.dollarTag, i);
          if (end === -1 || end >= limit) i = limit;
          else i = this.closeToken(end + this.dollarTag.length);
          continue;
        }
      }
      // Mode.Normal
      const code = text.charCodeAt(i);
      if (code === 0x0a) {
        i++;
        // Between statements, a full chunk ends with this line.
        if (this.statementStart === -1 && i >= this.maxChars) {
          out.push(this.cut(i));
          limit -= i;
          i = 0;
          text = this.buffer;
        }
        continue;
      }
      if (code === 0x20 || code === 0x09 || code === 0x0d || code === 0x0c || code === 0x0b) {
        i++;
        continue;
      }
      if (code === 0x2d /* - */ && text.charCodeAt(i + 1) === 0x2d) {
        this.mode = Mode.LineComment;
        i += 2;
        continue;
      }
      if (code === 0x2f /* / */ && text.charCodeAt(i + 1) === 0x2a) {
        this.mode = Mode.BlockComment;
        this.commentDepth = 1;
        i += 2;
        continue;
      }
      if (code === 0x3b /* ; */ && this.parenDepth === 0 && this.beginDepth === 0) {
        if (this.statementStart !== -1) this.statements.push({ start: this.statementStart, end: i + 1 });
        this.statementStart = -1;
        this.words = 0;
        i++;
        continue;
      }
      if (this.statementStart === -1) this.statementStart = i;
      i = this.token(text, i, code);
    }
    this.at = i;
  }

  /** Reads one token at `i` in normal mode, entering a quoted mode where one opens; returns where it ends. */
  private token(text: string, i: number, code: number): number {
    if (code === 0x27 /* ' */) return this.open(Mode.String, i + 1);
    if (code === 0x22 /* " */) return this.open(Mode.QuotedIdentifier, i + 1);
    if (code === 0x24 /* $ */) {
      DOLLAR_TAG.lastIndex = i;
      const tag = DOLLAR_TAG.exec(text);
      if (tag) {
        this.dollarTag = tag[0];
        return this.open(Mode.DollarQuote, i + tag[0].length);
      }
      let end = i + 1;
      while (isDigit(text.charCodeAt(end))) end++; // $1, a parameter
      return this.closeToken(end);
    }
    if (isDigit(code)) {
      let end = i + 1;
      while (isIdentifierPart(text.charCodeAt(end)) || text.charCodeAt(end) === 0x2e) end++;
      return this.closeToken(end);
    }
    if (isIdentifierStart(code)) {
      const next = text[i + 1];
      const lower = code | 0x20;
      if (next === "'" && lower === 0x65 /* e */) return this.open(Mode.EscapeString, i + 2);
      if (next === "'" && (lower === 0x62 || lower === 0x78 || lower === 0x6e))
        return this.open(Mode.String, i + 2); // B'', X'', N''
      if (lower === 0x75 /* u */ && next === '&' && (text[i + 2] === "'" || text[i + 2] === '"')) {
        return this.open(text[i + 2] === "'" ? Mode.String : Mode.QuotedIdentifier, i + 3);
      }
      let end = i + 1;
      while (isIdentifierPart(text.charCodeAt(end))) end++;
      this.word(text, i, end);
      return this.closeToken(end);
    }
    if (code === 0x28 /* ( */) this.parenDepth++;
    else if (code === 0x29 /* ) */ && this.parenDepth > 0) this.parenDepth--;
    return this.closeToken(i + 1);
  }

  /** psql's heuristic: inside CREATE [OR REPLACE] FUNCTION|PROCEDURE, BEGIN (and CASE within it) opens what END closes. */
  private word(text: string, start: number, end: number): void {
    if (this.words === 0) this.tracked = [];
    const index = this.words++;
    if (index < 4) {
      const word = text.slice(start, end).toLowerCase();
      if (TRACKED_WORDS.has(word)) this.tracked[index] = word[0]!;
    }
    const tracked = this.tracked;
    const routine =
      tracked[0] === 'c' &&
      (tracked[1] === 'f' ||
        tracked[1] === 'p' ||
        (tracked[1] === 'o' && tracked[2] === 'r' && (tracked[3] === 'f' || tracked[3] === 'p')));
    if (!routine || this.parenDepth !== 0 || end - start < 3 || end - start > 5) return;
    const word = text.slice(start, end).toLowerCase();
    if (word === 'begin') this.beginDepth++;
    else if (word === 'case' && this.beginDepth >= 1) this.beginDepth++;
    else if (word === 'end' && this.beginDepth > 0) this.beginDepth--;
  }

  private blockComment(text: string, i: number, limit: number): number {
    while (i < limit) {
      const code = text.charCodeAt(i);
      if (code === 0x2a && text.charCodeAt(i + 1) === 0x2f) {
        i += 2;
        if (--this.commentDepth === 0) {
          this.mode = Mode.Normal;
          return i;
        }
      } else if (code === 0x2f && text.charCodeAt(i + 1) === 0x2a) {
        this.commentDepth++; // Postgres' block comments nest
        i += 2;
      } else i++;
    }
    return i;
  }

  private open(mode: Mode, i: number): number {
    this.mode = mode;
    return i;
  }

  private closeToken(end: number): number {
    this.mode = Mode.Normal;
    this.lastTokenEnd = end;
    return end;
  }

  /** Gives out `buffer[0, end)` as a chunk; what follows starts the next one. */
  private cut(end: number): SqlChunk {
    const text = this.buffer.slice(0, end);
    const chunk: SqlChunk = { text, line: this.line, statements: this.statements };
    for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) this.line++;
    this.buffer = this.buffer.slice(end);
    this.statements = [];
    this.lastTokenEnd = Math.max(0, this.lastTokenEnd - end);
    if (this.statementStart !== -1) this.statementStart -= end;
    return chunk;
  }
}

function isDigit(code: number): boolean {
  return code >= 0x30 && code <= 0x39;
}

function isIdentifierStart(code: number): boolean {
  return (code >= 0x61 && code <= 0x7a) || (code >= 0x41 && code <= 0x5a) || code === 0x5f || code >= 0x80;
}

function isIdentifierPart(code: number): boolean {
  return isIdentifierStart(code) || isDigit(code) || code === 0x24;
}
