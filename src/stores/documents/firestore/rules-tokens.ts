// The tokenizer of the Firebase security rules language (firestore.rules, storage.rules): names,
// numbers, strings, punctuation, with `//` and `/* */` comments dropped; each token knows its line.
import { UsageError } from '../../../core/errors.js';

export interface RulesToken {
  kind: 'name' | 'number' | 'string' | 'punct' | 'end';
  text: string;
  line: number;
  /** Offset in the source, for slicing conditions out as written. */
  start: number;
  end: number;
}

/** A rules file that does not parse: the message is `file:line: what was expected`. */
export class RulesSyntaxError extends UsageError {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly problem: string,
  ) {
    super(`${file}:${line}: ${problem}`, {
      fix: `correct ${file} at line ${line}; \`firebase deploy --only firestore:rules\` would refuse it too`,
    });
  }
}

const TWO_CHAR = new Set(['==', '!=', '<=', '>=', '&&', '||', '**']);
const ONE_CHAR = '{}()[];,:=.<>!+-*/%?$&|';

export function tokenizeRules(source: string, file: string): RulesToken[] {
  const tokens: RulesToken[] = [];
  let line = 1;
  let i = 0;
  while (i < source.length) {
    const char = source[i] as string;
    if (char === '\n') {
      line += 1;
      i += 1;
    } else if (/\s/.test(char)) {
      i += 1;
    } else if (source.startsWith('//', i)) {
      while (i < source.length && source[i] !== '\n') i += 1;
    } else if (source.startsWith('/*', i)) {
      const close = source.indexOf('*/', i + 2);
      if (close < 0) throw new RulesSyntaxError(file, line, 'a /* comment is never closed with */');
      for (let j = i; j < close; j += 1) if (source[j] === '\n') line += 1;
      i = close + 2;
    } else if (char === '"' || char === "'") {
      const start = i;
      const startLine = line;
      i += 1;
      while (i < source.length && source[i] !== char) {
        if (source[i] === '\n')
          throw new RulesSyntaxError(
            file,
            startLine,
            `a string opened with ${char} is not closed on its line`,
          );
        i += source[i] === '\\' ? 2 : 1;
      }
      if (i >= source.length)
        throw new RulesSyntaxError(file, startLine, `a string opened with ${char} is never closed`);
      i += 1;
      tokens.push({ kind: 'string', text: source.slice(start, i), line: startLine, start, end: i });
    } else if (/[A-Za-z_]/.test(char)) {
      const start = i;
      while (i < source.length && /[\w]/.test(source[i] as string)) i += 1;
      tokens.push({ kind: 'name', text: source.slice(start, i), line, start, end: i });
    } else if (/[0-9]/.test(char)) {
      const start = i;
      while (i < source.length && /[0-9.eE]/.test(source[i] as string)) i += 1;
      tokens.push({ kind: 'number', text: source.slice(start, i), line, start, end: i });
    } else if (TWO_CHAR.has(source.slice(i, i + 2))) {
      tokens.push({ kind: 'punct', text: source.slice(i, i + 2), line, start: i, end: i + 2 });
      i += 2;
    } else if (ONE_CHAR.includes(char)) {
      tokens.push({ kind: 'punct', text: char, line, start: i, end: i + 1 });
      i += 1;
    } else {
      throw new RulesSyntaxError(file, line, `unexpected character ${JSON.stringify(char)}`);
    }
  }
  tokens.push({ kind: 'end', text: 'the end of the file', line, start: source.length, end: source.length });
  return tokens;
}
