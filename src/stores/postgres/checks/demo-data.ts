// seed.demo-data: a production-like environment holds no demo users, test keys, placeholders or demo-seed values.
import type { Check } from '../../../core/checks/check.js';
import { isLaunchdbError } from '../../../core/errors.js';
import { type Finding, type ScanResult, scanData } from '../scan/scan-data.js';
import type { PostgresCheckContext } from './context.js';

/** What a scan reads with the default sampling takes seconds; a large schema on a slow disk, more. */
const SCAN_TIMEOUT_MS = 120_000;

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
    const db = await ctx.postgres.db();
    let result: ScanResult;
    try {
      result = await scanData(db, ctx.project, ctx.env);
    } catch (error) {
      if (!isLaunchdbError(error)) throw error;
      return { status: 'error', summary: error.message, ...(error.fix ? { fix: error.fix } : {}) };
    }
    const { unread } = result;
    const details = {
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
        unread.length > 0
          ? `${unread.length} table(s) could not be read: ${unread.map((entry) => entry.table).join(', ')}`
          : '',
      ]
        .filter(Boolean)
        .join('; '),
      details,
      fix:
        result.findings.length > 0
          ? `see \`launchdb scan data --env ${ctx.env.name}\`; delete what was never meant to ship, and allow what was under scan.allow in the config`
          : 'grant the app role SELECT on these tables, or list them under scan.exclude',
    };
  },
};

/** `users.email: demo-seed.fingerprint (12), demo-user.reserved-domain (3)`, fails first. */
function describe(findings: Finding[]): string {
  const shown = findings
    .slice(0, 5)
    .map((finding) => `${finding.table}.${finding.column}: ${finding.pattern} (${finding.count})`);
  const more = findings.length > shown.length ? ` and ${findings.length - shown.length} more` : '';
  return `${findings.length} finding(s): ${shown.join(', ')}${more}`;
}
