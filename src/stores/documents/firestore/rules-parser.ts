// The parser of the Firebase security rules language: `rules_version`, `service` blocks, nested
// `match` blocks with their path segments and wildcards, `allow` statements with their methods and
// condition (kept as written, with its line), and `function` declarations (kept as text).
import { RulesSyntaxError, type RulesToken, tokenizeRules } from './rules-tokens.js';

export type PathSegment =
  | { kind: 'literal'; name: string }
  | { kind: 'wildcard'; name: string; recursive: boolean }
  /** `$(expression)`, kept as written. */
  | { kind: 'expression'; text: string };

export const RULE_METHODS = ['read', 'write', 'get', 'list', 'create', 'update', 'delete'] as const;
export type RuleMethod = (typeof RULE_METHODS)[number];
/** The methods that change data. */
export const WRITE_METHODS: readonly RuleMethod[] = ['write', 'create', 'update', 'delete'];

export interface Allow {
  methods: RuleMethod[];
  /** The condition after `if`, as written with whitespace collapsed; undefined for `allow read;`. */
  condition?: string;
  line: number;
}

export interface RulesFunction {
  name: string;
  params: string[];
  /** Its body between the braces, as written. */
  body: string;
  line: number;
}

export interface Match {
  segments: PathSegment[];
  /** As written: `/users/{userId}`. */
  path: string;
  line: number;
  allows: Allow[];
  matches: Match[];
  functions: RulesFunction[];
}

export interface Service {
  /** `cloud.firestore` or `firebase.storage`. */
  name: string;
  line: number;
  matches: Match[];
  functions: RulesFunction[];
}

export interface RulesFile {
  file: string;
  /** `rules_version = '2'`: the quoted value and its line; undefined when the file does not say. */
  version?: { value: string; line: number };
  services: Service[];
}

export function parseRules(source: string, file: string): RulesFile {
  return new RulesParser(source, file, tokenizeRules(source, file)).file();
}

class RulesParser {
  private at = 0;

  constructor(
    private readonly source: string,
    private readonly fileName: string,
    private readonly tokens: RulesToken[],
  ) {}

  file(): RulesFile {
    const result: RulesFile = { file: this.fileName, services: [] };
    if (this.peek().text === 'rules_version') {
      const line = this.next().line;
      this.expect('=');
      const value = this.next();
      if (value.kind !== 'string') this.fail(value, "a quoted version such as '2'");
      this.expect(';');
      result.version = { value: value.text.slice(1, -1), line };
    }
    while (this.peek().kind !== 'end') {
      const token = this.next();
      if (token.text !== 'service')
        this.fail(token, '`service cloud.firestore {` or `service firebase.storage {`');
      result.services.push(this.service(token.line));
    }
    return result;
  }

  private service(line: number): Service {
    const parts = [this.name('a service name such as cloud.firestore')];
    while (this.peek().text === '.') {
      this.next();
      parts.push(this.name('a service name such as cloud.firestore'));
    }
    this.expect('{');
    const service: Service = { name: parts.join('.'), line, matches: [], functions: [] };
    this.block(service, false);
    return service;
  }

  /** Statements up to the closing brace: matches, functions, and (inside a match) allows. */
  private block(into: { matches: Match[]; functions: RulesFunction[]; allows?: Allow[] }, inMatch: boolean) {
    for (;;) {
      const token = this.next();
      if (token.text === '}') return;
      if (token.text === 'match') into.matches.push(this.match(token));
      else if (token.text === 'function') into.functions.push(this.function(token));
      else if (token.text === 'allow' && inMatch && into.allows) into.allows.push(this.allow(token));
      else this.fail(token, inMatch ? '`match`, `allow`, `function` or `}`' : '`match`, `function` or `}`');
    }
  }

  private match(keyword: RulesToken): Match {
    const segments: PathSegment[] = [];
    const start = this.peek().start;
    do {
      this.expect('/');
      segments.push(this.segment());
    } while (this.peek().text === '/');
    const path = this.source.slice(start, this.tokens[this.at - 1]?.end ?? start);
    this.expect('{');
    const match: Match = { segments, path, line: keyword.line, allows: [], matches: [], functions: [] };
    this.block(match, true);
    return match;
  }

  private segment(): PathSegment {
    const token = this.next();
    if (token.kind === 'name') return { kind: 'literal', name: token.text };
    if (token.text === '{') {
      const name = this.name('a wildcard name such as {userId}');
      let recursive = false;
      if (this.peek().text === '=') {
        this.next();
        this.expect('**');
        recursive = true;
      }
      this.expect('}');
      return { kind: 'wildcard', name, recursive };
    }
    if (token.text === '$') {
      const open = this.expect('(');
      const close = this.skipBalanced(open);
      return { kind: 'expression', text: this.source.slice(token.start, close.end) };
    }
    return this.fail(token, 'a path segment: a name, {wildcard}, {name=**} or $(expression)');
  }

  private allow(keyword: RulesToken): Allow {
    const methods: RuleMethod[] = [];
    do {
      if (methods.length > 0) this.next();
      const token = this.next();
      if (!(RULE_METHODS as readonly string[]).includes(token.text))
        this.fail(token, `a method: ${RULE_METHODS.join(', ')}`);
      methods.push(token.text as RuleMethod);
    } while (this.peek().text === ',');
    const after = this.next();
    if (after.text === ';') return { methods, line: keyword.line };
    if (after.text !== ':') this.fail(after, '`:` and a condition, or `;`');
    const ifToken = this.next();
    if (ifToken.text !== 'if') this.fail(ifToken, '`if` after `:`');
    const first = this.peek();
    const end = this.until(';');
    if (end.start === first.start) this.fail(end, 'a condition after `if`');
    const condition = this.source
      .slice(first.start, this.tokens[this.at - 2]?.end)
      .replace(/\s+/g, ' ')
      .trim();
    return { methods, condition, line: keyword.line };
  }

  private function(keyword: RulesToken): RulesFunction {
    const name = this.name('a function name');
    this.expect('(');
    const params: string[] = [];
    while (this.peek().text !== ')') {
      if (params.length > 0) this.expect(',');
      params.push(this.name('a parameter name'));
    }
    this.expect(')');
    const open = this.expect('{');
    const close = this.skipBalanced(open);
    return { name, params, body: this.source.slice(open.end, close.start), line: keyword.line };
  }

  /** Consumes tokens through `text` at depth 0; returns that token. */
  private until(text: string): RulesToken {
    for (;;) {
      const token = this.next();
      if (token.text === text) return token;
      if (token.kind === 'end' || token.text === '}') this.fail(token, `\`${text}\` to end the statement`);
      if (token.text === '(' || token.text === '[' || token.text === '{') this.skipBalanced(token);
      if (token.text === ')' || token.text === ']')
        this.fail(token, `\`${text}\`, not an unopened ${token.text}`);
    }
  }

  /** After an opening bracket: consumes through its closing one and returns it. */
  private skipBalanced(open: RulesToken): RulesToken {
    const closer = { '(': ')', '[': ']', '{': '}' }[open.text] as string;
    for (;;) {
      const token = this.next();
      if (token.text === closer) return token;
      // A statement cannot end inside ( or [: the bracket was never closed.
      if (token.kind === 'end' || (token.text === ';' && open.text !== '{'))
        this.fail(token, `\`${closer}\` to close the \`${open.text}\` of line ${open.line}`);
      if (token.text === '(' || token.text === '[' || token.text === '{') this.skipBalanced(token);
      else if (token.text === ')' || token.text === ']' || token.text === '}')
        this.fail(token, `\`${closer}\` to close the \`${open.text}\` of line ${open.line}`);
    }
  }

  private name(what: string): string {
    const token = this.next();
    if (token.kind !== 'name') this.fail(token, what);
    return token.text;
  }

  private expect(text: string): RulesToken {
    const token = this.next();
    if (token.text !== text) this.fail(token, `\`${text}\``);
    return token;
  }

  private peek(): RulesToken {
    return this.tokens[this.at] as RulesToken;
  }

  private next(): RulesToken {
    const token = this.tokens[this.at] as RulesToken;
    if (token.kind !== 'end') this.at += 1;
    return token;
  }

  private fail(token: RulesToken, expected: string): never {
    const found = token.kind === 'end' ? token.text : `\`${token.text}\``;
    throw new RulesSyntaxError(this.fileName, token.line, `expected ${expected}, found ${found}`);
  }
}

/** Every allow with the full path of the matches around it (outermost first) and the functions in scope. */
export interface ScopedAllow {
  allow: Allow;
  /** The matches around it, outermost first; the last holds the allow. */
  matches: Match[];
  functions: RulesFunction[];
  service: string;
}

export function allAllows(rules: RulesFile): ScopedAllow[] {
  const found: ScopedAllow[] = [];
  const visit = (match: Match, outer: Match[], functions: RulesFunction[], service: string) => {
    const chain = [...outer, match];
    const scope = [...functions, ...match.functions];
    for (const allow of match.allows) found.push({ allow, matches: chain, functions: scope, service });
    for (const inner of match.matches) visit(inner, chain, scope, service);
  };
  for (const service of rules.services)
    for (const match of service.matches) visit(match, [], service.functions, service.name);
  return found;
}

/** The condition grants to everyone: none at all, or `true`. */
export function isUnconditional(allow: Allow): boolean {
  return allow.condition === undefined || /^\(*\s*true\s*\)*$/.test(allow.condition);
}

/** The condition grants to no one: `false`. */
export function isNever(allow: Allow): boolean {
  return allow.condition !== undefined && /^\(*\s*false\s*\)*$/.test(allow.condition);
}
