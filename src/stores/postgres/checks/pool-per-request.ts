// connections.pool-per-request: the code scan over the app's source folders, when the config names them.
import { CODE_FIXES, type CodeFinding } from '../../../code-scan/finding.js';
import { resolveFolders } from '../../../code-scan/source-files.js';
import type { Check } from '../../../core/checks/check.js';
import type { PostgresCheckContext } from './context.js';

export const NO_SOURCE_SKIP =
  "the config names no source folders; list the app's under connections.source to scan its code for pools made per request";

/** Locations listed in the summary; the details hold every finding. */
const LISTED = 3;

export const connectionsPoolPerRequest: Check<PostgresCheckContext> = {
  id: 'connections.pool-per-request',
  area: 'connections',
  title: 'The app makes its pools once per process, not per request, and gives checked-out clients back',
  // A pool per request fails; a client not released on every path warns.
  severity: 'fail',
  // Parsing a large app is real work; it needs no database, so it never waits on one.
  timeoutMs: 60_000,
  async run(ctx) {
    const source = ctx.project.config.connections?.source ?? [];
    if (source.length === 0) return { status: 'skip', summary: NO_SOURCE_SKIP };
    const { paths, missing } = resolveFolders(ctx.project.root, source);
    if (missing.length > 0) {
      return {
        status: 'error',
        summary: `connections.source names ${missing.join(', ')}, which does not exist`,
        fix: "name the app's source folders, relative to the project root, under connections.source",
      };
    }
    // The TypeScript compiler loads only for projects that ask for the scan.
    const { scanCode } = await import('../../../code-scan/scan-code.js');
    const result = await scanCode({ paths, base: ctx.project.root });
    const details = {
      folders: source,
      files: result.files,
      findings: result.findings,
      skipped: result.skipped,
    };
    if (result.findings.length === 0) {
      return {
        status: 'pass',
        summary: `no pool or client made per request, none left checked out, in ${result.files} files`,
        details,
      };
    }
    const perRequest = result.findings.filter((finding) => finding.rule === 'pool-per-request');
    const unreleased = result.findings.filter((finding) => finding.rule === 'client-not-released');
    const parts = [
      ...(perRequest.length > 0
        ? [`${count(perRequest.length, 'pool or client')} made per request: ${listed(perRequest)}`]
        : []),
      ...(unreleased.length > 0
        ? [`${count(unreleased.length, 'client')} not released on every path: ${listed(unreleased)}`]
        : []),
    ];
    const fixes = [
      ...(perRequest.length > 0 ? [CODE_FIXES['pool-per-request']] : []),
      ...(unreleased.length > 0 ? [CODE_FIXES['client-not-released']] : []),
      'run `launchdb scan code` for every finding',
    ];
    return {
      status: perRequest.length > 0 ? 'fail' : 'warn',
      summary: parts.join('; '),
      details,
      fix: fixes.join('; '),
    };
  },
};

function count(n: number, noun: string): string {
  return `${n} ${n === 1 ? noun : noun === 'pool or client' ? 'pools or clients' : `${noun}s`}`;
}

function listed(findings: readonly CodeFinding[]): string {
  const shown = findings
    .slice(0, LISTED)
    .map((finding) => `${finding.file}:${finding.line} (${finding.call})`);
  const more = findings.length > LISTED ? ` and ${findings.length - LISTED} more` : '';
  return `${shown.join(', ')}${more}`;
}
