// The readiness report as Markdown, for pull-request comments and CI job summaries.
import type { CheckStatus } from '../../core/checks/check.js';
import type { Report } from '../../core/checks/report.js';
import { describePerson } from '../../core/config/people.js';
import { clean, countsText, groupByArea } from './report-terminal.js';

export interface MarkdownOptions {
  /** Values masked wherever they appear, besides URL passwords. Default: none. */
  secrets?: Iterable<string>;
}

const STATUS_MARK: Record<CheckStatus, string> = {
  pass: '✅',
  warn: '⚠️',
  fail: '❌',
  error: '⛔',
  skip: '⏭️',
};

export function renderMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const secrets = [...(options.secrets ?? [])];
  const cell = (value: string) => escapeCell(clean(value, secrets));
  const verdict = report.verdict === 'ready' ? '✅ ready' : '❌ not ready';
  const lines = [
    `## launchdb: ${cell(report.project)}, environment ${cell(report.environment)}: ${verdict}`,
    '',
    ...(report.owner ? [`data owner: ${cell(describePerson(report.owner))}`, ''] : []),
    countsText(report),
  ];
  for (const { area, checks } of groupByArea(report.checks)) {
    lines.push('', `### ${area}`, '', '| status | check | summary | fix |', '| --- | --- | --- | --- |');
    for (const check of checks) {
      const id = check.id.includes('`') ? cell(check.id) : `\`${check.id.replace(/\|/g, '\\|')}\``;
      const row = [
        `${STATUS_MARK[check.status]} ${check.status}`,
        id,
        cell(check.summary),
        cell(check.fix ?? ''),
      ];
      lines.push(`| ${row.join(' | ')} |`);
    }
  }
  if (report.checks.length === 0) lines.push('', 'No checks ran.');
  lines.push('');
  return lines.join('\n');
}

/**
 * Text that stays inside one table cell and reads as written: Markdown and HTML punctuation is
 * backslash-escaped (so `|` cannot end the cell), and line breaks become `<br>`.
 */
export function escapeCell(text: string): string {
  return text
    .replace(/[\\`*_[\]<>|~&]/g, '\\$&')
    .trim()
    .replace(/\n/g, '<br>');
}
