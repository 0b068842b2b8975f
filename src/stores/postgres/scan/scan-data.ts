// The scan for demo data: the app's tables read in parallel, bounded, and every text value matched
// against the patterns and the demo seeds' fingerprints.
import type { ScanAllow } from '../../../core/config/types.js';
import { inParallel } from '../../../core/in-parallel.js';
import type { Environment, Project } from '../../../core/project.js';
import { RUN_ID_TOKEN } from '../../../smoke/run-id.js';
import type { Queryable } from '../database.js';
import { demoSeedFingerprints, type Fingerprints, fingerprintKey } from './fingerprints.js';
import {
  matchSeverity,
  type PatternKind,
  PatternMatcher,
  type ScanPattern,
  sampleOf,
  scanPatterns,
} from './patterns.js';
import {
  namesTable,
  type ReadMethod,
  readPlan,
  type ScanColumn,
  type ScanTable,
  scanCatalog,
  type UnreadTable,
} from './sample-tables.js';
import { SMOKE_LEFTOVER_PATTERN, SmokeValues } from './smoke-values.js';

export const DEFAULT_ROWS_PER_TABLE = 10_000;
export const DEFAULT_CONCURRENCY = 4;
/** The id findings of demo-seed values carry, beside the patterns' ids. */
export const DEMO_SEED_PATTERN = 'demo-seed.fingerprint';
const MAX_SAMPLES = 3;
/** `c0`, `c1`…: the aliases readPlan gives the columns, made once rather than per cell. */
const COLUMN_ALIASES = Array.from({ length: 64 }, (_, i) => `c${i}`);

export type FindingKind = PatternKind | 'demo-seed' | 'smoke-leftover';

export interface Finding {
  table: string;
  column: string;
  /** A pattern id, `demo-seed.fingerprint`, or `smoke.leftover`. */
  pattern: string;
  kind: FindingKind;
  severity: 'fail' | 'warn';
  /** Values (cells) of the rows examined that match. */
  count: number;
  /** At most three distinct values, secrets redacted, long ones cut around the match. */
  samples: string[];
  /** For a demo-seed value: the seed file it comes from. */
  seedFile?: string;
}

export interface TableScan {
  table: string;
  /** The planner's estimate; exact when every row was read. */
  estimatedRows: number;
  examinedRows: number;
  /** Not every row was read: the table was sampled, or its read reached the cap. */
  sampled: boolean;
  /** `full`: every row; `tablesample`: pages sampled, then capped; `first-rows`: capped, larger than estimated. */
  method: ReadMethod;
  /** The share of pages TABLESAMPLE read, in percent. */
  percent?: number;
  /** Row-level security hid rows from the role reading. */
  rowSecurity?: boolean;
}

export interface ScanResult {
  environment: string;
  /** Production-like (guarded): demo-seed values and test secrets fail here. */
  productionLike: boolean;
  verdict: 'pass' | 'warn' | 'fail';
  /** The role the scan read as: what it may not read is in `unread`. */
  readAs: string;
  findings: Finding[];
  tables: TableScan[];
  /** Tables not read on purpose (`scan.exclude`), with why. */
  skipped: { table: string; reason: string }[];
  /**
   * Tables, or columns, the scan could not read (no privilege, a timeout, a lost connection): it
   * cannot vouch for them, so the verdict is at least a warning.
   */
  unread: UnreadTable[];
  examinedRows: number;
  rowsPerSecond: number;
  durationMs: number;
  full: boolean;
  rowsPerTable: number;
  /** How many distinct values of the demo seeds are looked for. */
  fingerprints: number;
  notes: string[];
}

export interface ScanOptions {
  /** Rows read per table at most; default `scan.rowsPerTable`, else 10000. */
  rowsPerTable?: number;
  /** Read every row of every table. */
  full?: boolean;
  /** Called as each table is done, for progress. */
  onTable?: (table: TableScan) => void;
}

/**
 * Scans the environment's data. `db` should be opened as a role that may read every app table (see
 * `openScanReader`) and, on a server, as a pool of `scan.concurrency` connections; queries beyond the
 * pool wait for a connection, and on the embedded backing (one session) they run one after the other.
 */
export async function scanData(
  db: Queryable,
  project: Project,
  env: Environment,
  options: ScanOptions = {},
): Promise<ScanResult> {
  const started = performance.now();
  const config = project.config.scan ?? {};
  const matcher = new PatternMatcher(scanPatterns(config));
  const fingerprints = await demoSeedFingerprints(project);
  const productionLike = env.guarded;
  const smoke = await SmokeValues.load(db, productionLike);
  const allow = (config.allow ?? []).map(allowRule);
  const catalog = await scanCatalog(db, config.exclude);
  const rowsPerTable = options.rowsPerTable ?? config.rowsPerTable ?? DEFAULT_ROWS_PER_TABLE;
  const full = options.full === true;

  const scans = catalog.tables.map((table) => {
    const plan = readPlan(table, { rowsPerTable, full, tidRanges: catalog.tidRanges });
    return {
      table,
      plan,
      columns: table.columns.map(
        (column) =>
          new ColumnScan(table, column, matcher, fingerprints, smoke, allowedIn(allow, table, column)),
      ),
      examined: 0,
      capped: false,
      pending: plan.reads.length,
      error: undefined as string | undefined,
    };
  });
  const summary = (scan: (typeof scans)[number]): TableScan => ({
    table: scan.table.label,
    // A table read whole, uncapped, has as many rows as were read.
    estimatedRows: scan.plan.method === 'full' && !scan.capped ? scan.examined : scan.table.estimatedRows,
    examinedRows: scan.examined,
    sampled: scan.plan.method !== 'full' || scan.capped,
    method: scan.capped ? 'first-rows' : scan.plan.method,
    ...(scan.plan.percent === undefined ? {} : { percent: scan.plan.percent }),
    ...(scan.table.rowSecurity ? { rowSecurity: true } : {}),
  });

  const reads = scans.flatMap((scan) => scan.plan.reads.map((read) => ({ scan, read })));
  await inParallel(reads, config.concurrency ?? DEFAULT_CONCURRENCY, async ({ scan, read }) => {
    if (scan.error) return;
    try {
      const { rows } = await db.query<Record<string, unknown>>(read.sql);
      let count = rows.length;
      if (read.cap !== undefined && count > read.cap) {
        count = read.cap;
        scan.capped = true;
      }
      const { columns } = scan;
      for (let r = 0; r < count; r++) {
        const row = rows[r]!;
        for (let c = 0; c < columns.length; c++) {
          const value = row[COLUMN_ALIASES[c] ?? `c${c}`];
          if (value !== null && value !== undefined) columns[c]!.scanCell(value);
        }
      }
      scan.examined += count;
    } catch (error) {
      scan.error = (error as Error).message.split('\n')[0];
    }
    if (--scan.pending === 0 && !scan.error) options.onTable?.(summary(scan));
  });

  const findings = scans
    .filter((scan) => !scan.error)
    .flatMap((scan) => scan.columns.flatMap((column) => column.findings(productionLike)))
    .sort(
      (a, b) =>
        Number(b.severity === 'fail') - Number(a.severity === 'fail') ||
        a.table.localeCompare(b.table) ||
        a.column.localeCompare(b.column) ||
        a.pattern.localeCompare(b.pattern),
    );
  const tables = scans.filter((scan) => !scan.error).map(summary);
  const unread = [
    ...catalog.unreadable,
    ...scans.flatMap((scan) => (scan.error ? [{ table: scan.table.label, error: scan.error }] : [])),
  ];
  const examinedRows = tables.reduce((sum, table) => sum + table.examinedRows, 0);
  const durationMs = Math.round(performance.now() - started);
  const notes = [
    ...fingerprints.notes,
    ...catalog.unknownExcludes.map(
      (entry) => `scan.exclude names "${entry}", which is not a table with text columns`,
    ),
    ...(smoke.note && findings.some((finding) => finding.pattern === SMOKE_LEFTOVER_PATTERN)
      ? [smoke.note]
      : []),
    ...(tables.some((table) => table.rowSecurity)
      ? ['row-level security hid rows of some tables: the scan saw only what the role reading may see']
      : []),
  ];
  return {
    environment: env.name,
    productionLike,
    verdict: findings.some((finding) => finding.severity === 'fail')
      ? 'fail'
      : findings.length > 0 || unread.length > 0
        ? 'warn'
        : 'pass',
    readAs: catalog.reader,
    findings,
    tables,
    skipped: catalog.skipped,
    unread,
    examinedRows,
    rowsPerSecond: Math.round(examinedRows / Math.max(durationMs / 1000, 0.001)),
    durationMs,
    full,
    rowsPerTable,
    fingerprints: fingerprints.values.size,
    notes,
  };
}

interface AllowRule {
  /** Lower-cased and trimmed, compared as fingerprints are. */
  value?: string;
  pattern?: RegExp;
  column?: string;
}

function allowRule(entry: string | ScanAllow): AllowRule {
  if (typeof entry === 'string') return { value: fingerprintKey(entry) };
  return {
    ...(entry.value === undefined ? {} : { value: fingerprintKey(entry.value) }),
    ...(entry.pattern === undefined ? {} : { pattern: new RegExp(entry.pattern, 'iu') }),
    ...(entry.column === undefined ? {} : { column: entry.column }),
  };
}

/** The rules that apply to a column: those with no column, and those naming `table.column` or `schema.table.column`. */
function allowedIn(rules: AllowRule[], table: ScanTable, column: ScanColumn): AllowRule[] {
  return rules.filter((rule) => {
    if (rule.column === undefined) return true;
    const dot = rule.column.lastIndexOf('.');
    return (
      dot > 0 &&
      rule.column.slice(dot + 1) === column.name &&
      namesTable(rule.column.slice(0, dot), table.schema, table.name)
    );
  });
}

interface Tally {
  pattern: string;
  kind: FindingKind;
  severity?: 'fail' | 'warn';
  count: number;
  samples: Set<string>;
  seedFile?: string;
}

/** One column's findings, tallied value by value. */
class ColumnScan {
  private readonly tallies = new Map<string, Tally>();

  constructor(
    private readonly table: ScanTable,
    private readonly column: ScanColumn,
    private readonly matcher: PatternMatcher,
    private readonly fingerprints: Fingerprints,
    private readonly smoke: SmokeValues,
    private readonly allow: AllowRule[],
  ) {}

  /** A cell: a text value, or a JSON value whose strings are its values; a cell counts once per pattern. */
  scanCell(cell: unknown): void {
    if (typeof cell === 'string') {
      this.scanValue(cell);
    } else if (this.column.json && typeof cell === 'object') {
      const seen = new Set<string>();
      forEachString(cell, (value) => this.scanValue(value, seen));
    }
  }

  private scanValue(value: string, seen?: Set<string>): void {
    // A smoke run's value is its test data, kept or left over: that is all there is to say of it.
    const smoke = this.smoke.judge(value);
    if (smoke === 'kept') return;
    if (smoke === 'leftover') {
      if (!this.allowed(value)) this.tally(SMOKE_LEFTOVER_PATTERN, 'smoke-leftover', value, seen);
      return;
    }
    const patterns = this.matcher.match(value);
    const seedFile = this.fingerprints.lookup(value);
    if (patterns.length === 0 && seedFile === undefined) return;
    if (this.allowed(value)) return;
    for (const pattern of patterns) this.tally(pattern.id, pattern.kind, value, seen, pattern);
    if (seedFile !== undefined) this.tally(DEMO_SEED_PATTERN, 'demo-seed', value, seen, undefined, seedFile);
  }

  private allowed(value: string): boolean {
    if (this.allow.length === 0) return false;
    const key = fingerprintKey(value);
    return this.allow.some((rule) => rule.value === key || (rule.pattern?.test(value) ?? false));
  }

  private tally(
    id: string,
    kind: FindingKind,
    value: string,
    seen: Set<string> | undefined,
    pattern?: ScanPattern,
    seedFile?: string,
  ): void {
    if (seen?.has(id)) return;
    seen?.add(id);
    const severity = pattern ? matchSeverity(pattern, value) : undefined;
    let tally = this.tallies.get(id);
    if (!tally) {
      tally = {
        pattern: id,
        kind,
        count: 0,
        samples: new Set(),
        ...(severity ? { severity } : {}),
        ...(seedFile ? { seedFile } : {}),
      };
      this.tallies.set(id, tally);
    }
    tally.count++;
    const match = pattern?.regex ?? (kind === 'smoke-leftover' ? RUN_ID_TOKEN : undefined);
    const sample = () => sampleOf(value, this.matcher.patterns, match);
    if (severity === 'fail' && tally.severity !== 'fail') {
      // The first value that fails the column is among its samples: it is what the reader must see.
      tally.severity = 'fail';
      const kept = [...tally.samples].slice(0, MAX_SAMPLES - 1);
      tally.samples = new Set([sample(), ...kept]);
    } else if (tally.samples.size < MAX_SAMPLES) {
      tally.samples.add(sample());
    }
  }

  findings(productionLike: boolean): Finding[] {
    return [...this.tallies.values()].map((tally) => ({
      table: this.table.label,
      column: this.column.name,
      pattern: tally.pattern,
      kind: tally.kind,
      severity: severityOf(tally, productionLike),
      count: tally.count,
      samples: [...tally.samples],
      ...(tally.seedFile ? { seedFile: tally.seedFile } : {}),
    }));
  }
}

/**
 * Production-like: demo-seed values, smoke leftovers and test secrets fail, other patterns warn, a
 * pattern's own `severity` first. Elsewhere demo data is allowed, and everything is reported as a warning.
 */
function severityOf(tally: Tally, productionLike: boolean): 'fail' | 'warn' {
  if (!productionLike) return 'warn';
  if (tally.kind === 'demo-seed' || tally.kind === 'smoke-leftover') return 'fail';
  return tally.severity ?? (tally.kind === 'test-secret' ? 'fail' : 'warn');
}

function forEachString(value: unknown, visit: (text: string) => void): void {
  if (typeof value === 'string') visit(value);
  else if (Array.isArray(value)) for (const item of value) forEachString(item, visit);
  else if (value && typeof value === 'object')
    for (const item of Object.values(value)) forEachString(item, visit);
}
