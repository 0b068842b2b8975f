// The readiness report for people: checks grouped by area, each with its fix, then counts and the verdict.
import { AREAS, type Area, type CheckResult, type CheckStatus } from '../../core/checks/check.js';
import { countByStatus, type Report } from '../../core/checks/report.js';
import { describePerson } from '../../core/config/people.js';
import { redactText } from '../../core/redact.js';
import type { Io, Style } from '../io.js';
import { displayWidth, padDisplay, stripAnsi } from './table.js';

/** The order statuses are counted in, by every renderer. */
export const STATUS_ORDER: readonly CheckStatus[] = ['pass', 'warn', 'fail', 'error', 'skip'];

const STATUS_STYLE: Record<CheckStatus, Style> = {
  pass: 'green',
  warn: 'yellow',
  fail: 'red',
  error: 'red',
  skip: 'gray',
};
const STATUS_WIDTH = Math.max(...STATUS_ORDER.map((status) => status.length));
const INDENT = '  ';
const GAP = '  ';

export function renderReport(report: Report, style: Io['style']): string {
  const lines = [
    style('bold', `Readiness of ${clean(report.project)}, environment ${clean(report.environment)}`),
  ];
  if (report.owner) lines.push(`data owner: ${clean(describePerson(report.owner))}`);
  const idWidth = Math.max(0, ...report.checks.map((check) => displayWidth(check.id)));
  // Continuation lines start under the id column (fixes) or the summary column (long summaries).
  const idColumn = ' '.repeat(INDENT.length + STATUS_WIDTH + GAP.length);
  const summaryColumn = ' '.repeat(idColumn.length + idWidth + GAP.length);

  for (const { area, checks } of groupByArea(report.checks)) {
    lines.push('', style('bold', area));
    for (const check of checks) {
      const status = style(STATUS_STYLE[check.status], padDisplay(check.status, STATUS_WIDTH));
      const [first = '', ...rest] = clean(check.summary).split('\n');
      lines.push(`${INDENT}${status}${GAP}${padDisplay(check.id, idWidth)}${GAP}${first}`.trimEnd());
      for (const line of rest) lines.push(`${summaryColumn}${line}`.trimEnd());
      if (check.fix) {
        const [head = '', ...tail] = clean(check.fix).split('\n');
        lines.push(`${idColumn}${style('dim', 'fix:')} ${head}`.trimEnd());
        for (const line of tail) lines.push(`${idColumn}     ${line}`.trimEnd());
      }
    }
  }
  if (report.checks.length === 0) lines.push('', 'No checks ran.');

  lines.push('', countsText(report, style));
  lines.push(verdictLine(report, style), '');
  return lines.join('\n');
}

/** Checks grouped by area, areas in the order of AREAS (unknown areas last), empty areas left out. */
export function groupByArea(checks: readonly CheckResult[]): { area: Area; checks: CheckResult[] }[] {
  const groups = new Map<Area, CheckResult[]>(AREAS.map((area) => [area, []]));
  for (const check of checks) {
    const group = groups.get(check.area);
    if (group) group.push(check);
    else groups.set(check.area, [check]);
  }
  return [...groups]
    .filter(([, group]) => group.length > 0)
    .map(([area, group]) => ({ area, checks: group }));
}

/** `9 checks in 1.2 s: 5 pass, 1 warn, 1 fail, 1 error, 1 skip` — statuses with no checks left out. */
export function countsText(report: Report, style: Io['style'] = (_, text) => text): string {
  const counts = countByStatus(report.checks);
  const total = report.checks.length;
  const parts = STATUS_ORDER.filter((status) => counts[status] > 0).map((status) =>
    style(STATUS_STYLE[status], `${counts[status]} ${status}`),
  );
  const head = `${total} ${total === 1 ? 'check' : 'checks'} in ${formatDuration(report.durationMs)}`;
  return parts.length > 0 ? `${head}: ${parts.join(', ')}` : head;
}

/** 850 ms, 1.2 s, 2 min 5 s. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

/**
 * Text from a check made safe to show: terminal escapes and control characters removed (a server's
 * error text must not restyle the terminal or hide a line), line breaks normalised, URL passwords
 * and the given secrets masked. Escapes go first, so they cannot split a password out of reach.
 */
export function clean(text: string, secrets: Iterable<string> = []): string {
  const plain = stripAnsi(text)
    .replace(/\r\n?/g, '\n')
    .replace(/\t/g, ' ')
    .replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
  return redactText(plain, secrets);
}

function verdictLine(report: Report, style: Io['style']): string {
  if (report.verdict === 'ready') return style('bold', style('green', 'READY'));
  const verdict = style('bold', style('red', 'NOT READY'));
  // A not-ready report with nothing failed was run with --strict: say why, or it looks like a bug.
  const onlyWarnings = !report.checks.some((check) => check.status === 'fail' || check.status === 'error');
  return onlyWarnings ? `${verdict} (strict: warnings count as failures)` : verdict;
}
