// What must not ship: the built-in patterns of demo users, test secrets and placeholder content.
import type { ScanConfig } from '../../../core/config/types.js';
import { UsageError } from '../../../core/errors.js';
import { suggest } from '../../../core/suggest.js';

export type PatternKind = 'demo-user' | 'test-secret' | 'placeholder';

export interface ScanPattern {
  /** Stable and dotted, `kind.what`: names the pattern in findings, `disable` and docs. */
  id: string;
  kind: PatternKind;
  /** One line for docs and help: what it finds. */
  title: string;
  regex: RegExp;
  /** Severity in a production-like environment; undefined: `fail` for test secrets, else `warn`. */
  severity?: 'warn' | 'fail';
  /**
   * A `fail` pattern's values that do not match this are only a `warn`: for the reserved domains, an
   * address stored as the value is a user, one quoted in help text ("like you@example.com") is content.
   */
  failsOnlyIf?: RegExp;
  /**
   * Lower-case strings of which every match holds at least one: a value holding none of them is
   * skipped without running the regex, which is most values. Undefined (config patterns): always run.
   */
  hints?: readonly string[];
}

/** An email's domain, after the `@` of a local part: `(?<=…)@` keeps the regex from backtracking on local parts. */
const AT = String.raw`(?<=[\w.%+'-])@(?:[a-z0-9-]+\.)*`;
/** The domain ends here: not inside a longer label (`example.community`) or a longer name (`example.com.au`). */
const DOMAIN_END = String.raw`(?![a-z0-9-]|\.[a-z0-9])`;
const SEP = '[ ._-]?';
/** One address, bare or `Name <address>`, or a list of them: a value that is an address, not prose quoting one. */
const MAILBOX = String.raw`(?:[^@<>,;]*<\s*)?[^\s@<>,;]+@[^\s@<>,;]+\s*>?`;
const ADDRESSES = new RegExp(`^\\s*${MAILBOX}(?:\\s*[,;]\\s*${MAILBOX})*\\s*$`);

/** Names of throwaway-inbox services, under any top-level domain and with any suffix (`mailinator2.com`). */
const THROWAWAY_NAMES = [
  'mailinator',
  'guerrillamail',
  'sharklasers',
  'yopmail',
  'trashmail',
  'tempmail',
  'temp-mail',
  '10minutemail',
  'dispostable',
  'getnada',
  'mailnesia',
  'throwawaymail',
  'fakeinbox',
  'mintemail',
  'spamgourmet',
  'mailcatch',
  'emailondeck',
  'burnermail',
  'inboxkitten',
];
/** Throwaway domains whose names alone are too common to match under any top-level domain. */
const THROWAWAY_DOMAINS = [
  'grr.la',
  'spam4.me',
  'pokemail.net',
  'maildrop.cc',
  'nada.email',
  'tempr.email',
  'discard.email',
  'mytemp.email',
];
const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The AWS documentation's example access keys: public, but never real credentials. */
const AWS_EXAMPLE_KEYS = [
  'AKIAIOSFODNN7EXAMPLE',
  'AKIAI44QH8DHBEXAMPLE',
  'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY',
];

/** Word by word in either case, for the few patterns that are otherwise case-sensitive. */
const anyCase = (word: string) =>
  [...word].map((c) => (/[a-z]/i.test(c) ? `[${c.toUpperCase()}${c.toLowerCase()}]` : c)).join('');

export const BUILT_IN_PATTERNS: readonly ScanPattern[] = [
  {
    id: 'demo-user.reserved-domain',
    kind: 'demo-user',
    title: 'an email at a reserved domain: example.com/.org/.net, .test, .invalid, .example, localhost',
    regex: new RegExp(`${AT}(?:example\\.(?:com|net|org)|test|invalid|localhost|example)${DOMAIN_END}`, 'i'),
    // RFC 2606 and 6761 reserve these names: an address there can never be a real user's.
    severity: 'fail',
    failsOnlyIf: ADDRESSES,
    hints: ['example', '.test', '@test', '.invalid', '@invalid', 'localhost'],
  },
  {
    id: 'demo-user.throwaway-domain',
    kind: 'demo-user',
    title: 'an email at a throwaway inbox: mailinator, guerrillamail, yopmail, 10minutemail…',
    regex: new RegExp(
      `${AT}(?:(?:${THROWAWAY_NAMES.map(escapeRegex).join('|')})[a-z0-9-]*\\.[a-z]{2,}|${THROWAWAY_DOMAINS.map(escapeRegex).join('|')})${DOMAIN_END}`,
      'i',
    ),
    hints: [...THROWAWAY_NAMES, ...THROWAWAY_DOMAINS],
  },
  {
    id: 'demo-user.placeholder-name',
    kind: 'demo-user',
    title: 'a made-up person: "Test User", "John Doe", "Jane Doe", "asdf", "qwerty", "foo bar"',
    // Whole values only, except the Does: "QWERTY keyboard" and "a test user group" are real content.
    regex: new RegExp(
      [
        `^\\s*(?:test${SEP}(?:user|test|account)|(?:demo|dummy|fake|sample|example)${SEP}(?:user|customer|account)` +
          `|first${SEP}name${SEP}last${SEP}name|foo(?:${SEP}bar)?|asdf[a-z]*|qwerty[a-z]*)\\s*\\d*\\s*$`,
        `\\b(?:john|jane)${SEP}(?:q\\.?${SEP})?doe\\b`,
      ].join('|'),
      'i',
    ),
    hints: ['test', 'demo', 'dummy', 'fake', 'sample', 'example', 'name', 'foo', 'asdf', 'qwerty', 'doe'],
  },
  {
    id: 'test-secret.stripe-test-key',
    kind: 'test-secret',
    title: 'a Stripe test-mode key: sk_test_, pk_test_, rk_test_',
    regex: /(?<![A-Za-z0-9])[spr]k_test_[A-Za-z0-9]{8,}/,
    hints: ['k_test_'],
  },
  {
    id: 'test-secret.aws-example-key',
    kind: 'test-secret',
    title: "AWS's documentation example keys: AKIAIOSFODNN7EXAMPLE, wJalrXUtnFEMI/…EXAMPLEKEY",
    regex: new RegExp(AWS_EXAMPLE_KEYS.join('|')),
    hints: ['example'],
  },
  {
    id: 'test-secret.placeholder-key',
    kind: 'test-secret',
    title: 'a key or password left as a placeholder: "your-api-key-here", "changeme", "xxxxxxxx"',
    regex: new RegExp(
      [
        // Anywhere, as a token of its own: these are never words of real content.
        '(?<![\\w-])(?:your[-_](?:api[-_])?(?:key|token|secret)[-_]here|(?:api[-_])?key[-_]here' +
          '|(?:insert|put|paste)[-_](?:your[-_])?(?:api[-_])?(?:key|token|secret)[-_]here' +
          '|change[-_]?me|changeit|replace[-_]?me|x{8,})(?![\\w-])',
        // "your api key" is also a phrase of prose, so only as the whole value.
        '^\\s*<?your[-_ ]?(?:api[-_ ]?)?(?:key|token|secret)>?\\s*$',
      ].join('|'),
      'i',
    ),
    hints: ['your', 'here', 'change', 'replace', 'xxxxxxxx'],
  },
  {
    id: 'placeholder.lorem-ipsum',
    kind: 'placeholder',
    title: 'lorem ipsum filler text',
    regex: /\blorem\s+ipsum\b|\bdolor\s+sit\s+amet\b|\bconsectetur\s+adipiscing\b/i,
    hints: ['lorem', 'dolor', 'consectetur'],
  },
  {
    id: 'placeholder.todo',
    kind: 'placeholder',
    title: '"TODO", "TBD", "FIXME" in capitals anywhere, or as the whole value in any case',
    // Case-sensitive inside text, so "todo list" and tbd@company.com are content, not placeholders.
    regex: new RegExp(
      `(?<![\\w@.-])(?:TODO|TBD|FIXME)(?![\\w@-]|\\.\\w)|^\\s*(?:${['todo', 'tbd', 'fixme'].map(anyCase).join('|')})\\s*[.!:]*\\s*$`,
    ),
    hints: ['todo', 'tbd', 'fixme'],
  },
  {
    id: 'placeholder.sample',
    kind: 'placeholder',
    title:
      '"Sample", "Sample product 2", "sample text": a short value that starts with the word, or a sample-… phrase',
    regex:
      /^\s*(?:an?\s+|this\s+is\s+an?\s+)?sample(?:[ ._-]+[\w-]+){0,2}\s*[.!]?\s*$|\bsample\s+(?:text|data|content|description|product|item|post|title|page|entry|value|name|company|article|comment|message|record)s?\b/i,
    hints: ['sample'],
  },
  {
    id: 'placeholder.untitled',
    kind: 'placeholder',
    title: 'a value that starts with "Untitled"',
    regex: /^\W*untitled\b/i,
    hints: ['untitled'],
  },
  {
    id: 'placeholder.placeholder-text',
    kind: 'placeholder',
    title: 'the word "placeholder"',
    regex: /(?<![\w-])placeholder(?![\w-])/i,
    hints: ['placeholder'],
  },
];

/**
 * The patterns a scan uses: the built-in ones minus `scan.disable`, plus `scan.patterns` (a config
 * pattern with a built-in id replaces it). An id in `disable` that names no built-in pattern is bad
 * input: a typo there would silently keep the pattern on.
 */
export function scanPatterns(config: ScanConfig = {}): ScanPattern[] {
  const builtInIds = BUILT_IN_PATTERNS.map((pattern) => pattern.id);
  for (const id of config.disable ?? []) {
    if (builtInIds.includes(id)) continue;
    const guess = suggest(id, builtInIds);
    throw new UsageError(`scan.disable names "${id}", which is not a built-in pattern`, {
      fix: guess ? `did you mean ${guess}?` : `built-in patterns: ${builtInIds.join(', ')}`,
    });
  }
  const custom = (config.patterns ?? []).map(
    (pattern): ScanPattern => ({
      id: pattern.id,
      kind: pattern.kind ?? 'placeholder',
      title: `configured: /${pattern.regex}/`,
      regex: new RegExp(pattern.regex, 'iu'),
      ...(pattern.severity ? { severity: pattern.severity } : {}),
    }),
  );
  const replaced = new Set([...(config.disable ?? []), ...custom.map((pattern) => pattern.id)]);
  return [...BUILT_IN_PATTERNS.filter((pattern) => !replaced.has(pattern.id)), ...custom];
}

/** What a value matching `pattern` counts as in a production-like environment; undefined: by its kind. */
export function matchSeverity(pattern: ScanPattern, value: string): 'warn' | 'fail' | undefined {
  if (pattern.severity === 'fail' && pattern.failsOnlyIf && !pattern.failsOnlyIf.test(value)) return 'warn';
  return pattern.severity;
}

/** Hinted patterns the automaton tracks, one bit each of a 32-bit mask; any beyond run always. */
const MAX_HINTED = 31;

/**
 * The patterns compiled for matching many values fast. Most values match nothing, and running a
 * dozen regexes on each is what a full scan would spend its time on; instead one pass of an
 * Aho–Corasick automaton over the value (ASCII, case-folded) finds which patterns' hints it holds,
 * and only those patterns' regexes run. Measured on realistic text: ~20× faster than testing each
 * pattern's hints with `includes`, ~7× faster than running every regex.
 */
export class PatternMatcher {
  readonly patterns: readonly ScanPattern[];
  private readonly hinted: ScanPattern[];
  private readonly unhinted: ScanPattern[];
  /** Character class of each ASCII code; 0 for every character no hint holds. */
  private readonly classOf = new Uint8Array(128);
  private readonly classes: number;
  /** The automaton: next state by state × class. */
  private readonly next: Int32Array;
  /** Bit i set: the state ends a hint of hinted[i]. */
  private readonly masks: Int32Array;

  constructor(patterns: readonly ScanPattern[]) {
    this.patterns = patterns;
    this.hinted = patterns.filter((pattern) => pattern.hints?.length).slice(0, MAX_HINTED);
    this.unhinted = patterns.filter((pattern) => !this.hinted.includes(pattern));
    let classes = 1;
    for (const hint of this.hinted.flatMap((pattern) => pattern.hints!)) {
      for (const char of hint.toLowerCase()) {
        const code = char.charCodeAt(0);
        if (code >= 128 || this.classOf[code]) continue;
        this.classOf[code] = classes;
        if (code >= 97 && code <= 122) this.classOf[code - 32] = classes;
        classes++;
      }
    }
    this.classes = classes;
    // The trie of the hints, then failure links breadth first, folded into full transitions.
    const trie: number[][] = [new Array(classes).fill(-1)];
    const masks: number[] = [0];
    this.hinted.forEach((pattern, bit) => {
      for (const hint of pattern.hints!) {
        let state = 0;
        for (const char of hint.toLowerCase()) {
          const cls = this.classOf[char.charCodeAt(0)] ?? 0;
          if (trie[state]![cls] === -1) {
            trie[state]![cls] = trie.length;
            trie.push(new Array(classes).fill(-1));
            masks.push(0);
          }
          state = trie[state]![cls]!;
        }
        masks[state]! |= 1 << bit;
      }
    });
    const fail = new Array<number>(trie.length).fill(0);
    const queue: number[] = [];
    for (let cls = 0; cls < classes; cls++) {
      const child = trie[0]![cls]!;
      if (child === -1) trie[0]![cls] = 0;
      else queue.push(child);
    }
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head]!;
      for (let cls = 0; cls < classes; cls++) {
        const child = trie[state]![cls]!;
        const fallback = trie[fail[state]!]![cls]!;
        if (child === -1) {
          trie[state]![cls] = fallback;
        } else {
          fail[child] = fallback;
          masks[child]! |= masks[fallback]!;
          queue.push(child);
        }
      }
    }
    this.next = Int32Array.from(trie.flat());
    this.masks = Int32Array.from(masks);
  }

  /** The patterns the value matches, in pattern order of each group (hinted, then the rest). */
  match(value: string): ScanPattern[] {
    let found: ScanPattern[] | undefined;
    if (this.hinted.length > 0) {
      const { next, masks, classOf, classes } = this;
      let state = 0;
      let mask = 0;
      for (let i = 0; i < value.length; i++) {
        const code = value.charCodeAt(i);
        state = next[state * classes + (code < 128 ? classOf[code]! : 0)]!;
        mask |= masks[state]!;
      }
      for (let bit = 0; mask !== 0; bit++, mask >>>= 1) {
        if (!(mask & 1) || !this.hinted[bit]!.regex.test(value)) continue;
        found ??= [];
        found.push(this.hinted[bit]!);
      }
    }
    for (const pattern of this.unhinted) {
      if (!pattern.regex.test(value)) continue;
      found ??= [];
      found.push(pattern);
    }
    return found ?? NONE;
  }
}
const NONE: ScanPattern[] = [];

/**
 * A test secret shown without giving it away: its prefix up to the last `_` of the first dozen
 * characters (`sk_test_`), or its first four, then `…` and its last four; short ones keep two.
 */
export function redactSecret(secret: string): string {
  if (secret.length < 12) return `${secret.slice(0, 2)}…`;
  const underscore = secret.slice(0, 12).lastIndexOf('_');
  const prefix = underscore > 0 ? secret.slice(0, underscore + 1) : secret.slice(0, 4);
  return `${prefix}…${secret.slice(-4)}`;
}

/** Live Stripe keys, AWS access keys, GitHub and Slack tokens: never shown, whatever pattern a value matched. */
const SECRET_SHAPES =
  /(?<![A-Za-z0-9])(?:[spr]k_(?:test|live)_[A-Za-z0-9]{8,}|whsec_[A-Za-z0-9]{16,}|(?:AKIA|ASIA)[A-Z0-9]{16}|gh[pousr]_[A-Za-z0-9]{20,}|xox[abposr]-[A-Za-z0-9-]{10,}|eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,})|(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;

/**
 * A value as it may be shown in a sample: every match of a test-secret pattern and every
 * secret-shaped token redacted, on one line, and at most `width` characters around the first match.
 */
export function sampleOf(
  value: string,
  patterns: readonly ScanPattern[],
  match?: RegExp,
  width = 80,
): string {
  let text = value;
  for (const pattern of patterns) {
    if (pattern.kind !== 'test-secret') continue;
    text = text.replace(
      new RegExp(pattern.regex.source, `${pattern.regex.flags.replace('g', '')}g`),
      redactSecret,
    );
  }
  // One line, and no control characters: a value in the database must not drive the terminal.
  text = text
    .replace(SECRET_SHAPES, redactSecret)
    .replace(/\s+/g, ' ')
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, '\ufffd')
    .trim();
  if (text.length <= width) return text;
  const at = Math.max(0, match ? text.search(match) : 0);
  const start = Math.max(0, Math.min(at - Math.floor(width / 4), text.length - width));
  return `${start > 0 ? '…' : ''}${text.slice(start, start + width)}${start + width < text.length ? '…' : ''}`;
}
