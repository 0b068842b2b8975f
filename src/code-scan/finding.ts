// What the code scan reports: a finding per pool created per request or client left checked out.

export const CODE_RULES = ['pool-per-request', 'client-not-released'] as const;
export type CodeRule = (typeof CODE_RULES)[number];

/** What each rule catches, one line. */
export const CODE_SUMMARIES: Record<CodeRule, string> = {
  'pool-per-request':
    'a pool or client made inside a request handler, or a function it calls: a new pool on every request',
  'client-not-released': 'a client checked out with connect() that is not released on every path',
};

/** The fix of each rule, one line. */
export const CODE_FIXES: Record<CodeRule, string> = {
  'pool-per-request': 'create the pool once at module scope and reuse it; see docs/POOL.md',
  'client-not-released':
    'release the client in a finally: `const client = await pool.connect(); try { … } finally { client.release() }`',
};

/** A pool per request breaks the database under load; a leaked client only drains the pool. */
export const CODE_SEVERITIES: Record<CodeRule, 'error' | 'warning'> = {
  'pool-per-request': 'error',
  'client-not-released': 'warning',
};

/** The request handler a finding runs in. */
export interface HandlerInfo {
  /** `Express`, `Next.js`, `AWS Lambda`…: what the handler was recognised as. */
  framework: string;
  /** `route GET /users`, `route handler POST`, `server action createUser`…. */
  name: string;
  file: string;
  line: number;
}

export interface CodeFinding {
  rule: CodeRule;
  severity: 'error' | 'warning';
  /** Relative to the folder the scan reports against, with `/` separators. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, in characters. */
  column: number;
  message: string;
  fix: string;
  /** `new Pool()`, `postgres()`, `pool.connect()`: what the finding points at. */
  call: string;
  /** For `pool-per-request`: the handler that runs it on every request. */
  handler?: HandlerInfo;
  /** For `pool-per-request` through helpers: the functions from the handler down to it, `getDb()`. */
  via?: string[];
}

export interface SkippedFile {
  file: string;
  reason: string;
}

export interface CodeScanResult {
  /** The files read and parsed. */
  files: number;
  /** In file, line, column order. */
  findings: CodeFinding[];
  /** Files not scanned: unreadable, or too large to be hand-written source. */
  skipped: SkippedFile[];
}
