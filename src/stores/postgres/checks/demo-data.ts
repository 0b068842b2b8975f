// seed.demo-data: a production-like environment holds no demo users, test keys, placeholders or demo-seed values.
import type { Check } from '../../../core/checks/check.js';
import { isLaunchdbError } from '../../../core/errors.js';
import { DEFAULT_CONCURRENCY, type Finding, type ScanResult, scanData } from '../scan/scan-data.js';
import { sessionScanReader } from '../scan/scan-reader.js';
import type { PostgresCheckContext } from './context.js';

/** What a scan reads with the default sampling takes seconds; a large schema on a slow disk, more. */
const SCAN_TIMEOUT_MS = 120_000;
/** Tables the summary names at most; the details list them all. */
const LISTED = 10;

export const demoData: Check<PostgresCheckContext> = {
  id: 'seed.demo-data',
  area: 'seed',
  title: 'no demo data in a production-like environment',
  severity: 'fail',
  timeoutMs: SCAN_TIMEOUT_MS,
  async run(ctx) {
    if (!ctx.env.guarded) {
      return { status: 'skip', summary: `demo data is allowed in ${ctx.env.name} (not production-like)` };
    }
    let result: ScanResult;
    try {
      const reader = await sessionScanReader(
        ctx.postgres,
        ctx.project.config.scan?.concurrency ?? DEFAULT_CONCURRENCY,
      );
      try {
        result = await scanData(reader.db, ctx.project, ctx.env);
      } finally {
        await reader.close();
      }
    } catch (error) {
      if (!isLaunchdbError(error)) throw error;
      return { status: 'error', summary: error.message, ...(error.fix ? { fix: error.fix } : {}) };
    }
    const { unread } = result;
    const details = {
      readAs: result.readAs,
      findings: result.findings,
      examinedRows: result.examinedRows,
      sampledTables: result.tables.filter((table) => table.sampled).map((table) => table.table),
      skipped: result.skipped,
      unread,
      notes: result.notes,
    };
    const scanned = `${result.tables.length} table(s), ${result.examinedRows} row(s) examined`;
    if (result.verdict === 'pass') {
      return { status: 'pass', summary: `no demo data found in ${scanned}`, details };
    }
    return {
      status: result.verdict,
      summary: [
        result.findings.length > 0 ? `${describe(result.findings)} in ${scanned}` : '',
        unread.length > 0 ? notFullyScanned(unread.map((entry) => entry.table)) : '',
      ]
        .filter(Boolean)
        .join('; '),
      details,
      fix: [
        result.findings.length > 0
          ? `see \`launchdb scan data --env ${ctx.env.name}\`; delete what was never meant to ship, and allow what was under scan.allow in the config`
          : '',
        unread.length > 0 ? unreadFix(result) : '',
      ]
        .filter(Boolean)
        .join('; '),
    };
  },
};

/** `2 table(s) not fully scanned: members, posts`, at most ten named. */
function notFullyScanned(labels: string[]): string {
  const tables = [...new Set(labels)];
  const more = tables.length > LISTED ? ` and ${tables.length - LISTED} more` : '';
  return `${tables.length} table(s) not fully scanned: ${tables.slice(0, LISTED).join(', ')}${more}`;
}

/** Grants for what the reader may not read, as the tables' owner; reads that failed are retried. */
function unreadFix(result: ScanResult): string {
  const grants = result.unread.flatMap((entry) => (entry.grant ? [entry.grant] : []));
  const failed = result.unread.length - grants.length;
  return [
    grants.length > 0 ? `as the tables' owner: ${grants.join(' ')}` : '',
    failed > 0 ? 'run the check again for the reads that failed (a timeout, a lost connection)' : '',
    'or list the tables under scan.exclude',
  ]
    .filter(Boolean)
    .join('; ');
}

/** `users.email: demo-seed.fingerprint (12), demo-user.reserved-domain (3)`, fails first. */
function describe(findings: Finding[]): string {
  const shown = findings
    .slice(0, 5)
    .map((finding) => `${finding.table}.${finding.column}: ${finding.pattern} (${finding.count})`);
  const more = findings.length > shown.length ? ` and ${findings.length - shown.length} more` : '';
  return `${findings.length} finding(s): ${shown.join(', ')}${more}`;
}
