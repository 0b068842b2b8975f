// The readiness report as JUnit XML for CI: one test suite per area, one test case per check.
import type { CheckResult } from '../../core/checks/check.js';
import type { Report } from '../../core/checks/report.js';
import { clean, groupByArea } from './report-terminal.js';

export interface JunitOptions {
  /** Warnings count as failures, as with `launchdb check --strict`. Default: false. */
  strict?: boolean;
  /** Values masked wherever they appear, besides URL passwords. Default: none. */
  secrets?: Iterable<string>;
}

/** Characters XML 1.0 does not allow anywhere, even escaped (lone surrogates included). */
const INVALID_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;
/** Keys whose values are never shown in details, whatever their shape. */
const SECRET_KEY = /^pass$|password|passwd|passphrase|secret|token|credential|(api|access|private)[-_]?key/i;

export function renderJunit(report: Report, options: JunitOptions = {}): string {
  const strict = options.strict ?? false;
  const secrets = [...(options.secrets ?? [])];
  const text = (value: string) => clean(value, secrets);
  const suites = groupByArea(report.checks).map(({ area, checks }) => ({
    area,
    checks,
    failures: checks.filter((check) => check.status === 'fail' || (strict && check.status === 'warn')).length,
    errors: checks.filter((check) => check.status === 'error').length,
    skipped: checks.filter((check) => check.status === 'skip').length,
    ms: checks.reduce((sum, check) => sum + check.durationMs, 0),
  }));
  const total = (key: 'failures' | 'errors' | 'skipped') =>
    suites.reduce((sum, suite) => sum + suite[key], 0);

  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes({
      name: `launchdb ${text(report.project)} ${text(report.environment)}`,
      tests: report.checks.length,
      failures: total('failures'),
      errors: total('errors'),
      skipped: total('skipped'),
      time: seconds(report.durationMs),
    })}>`,
  ];
  for (const suite of suites) {
    lines.push(
      `  <testsuite${attributes({
        name: `launchdb ${text(report.environment)} ${suite.area}`,
        tests: suite.checks.length,
        failures: suite.failures,
        errors: suite.errors,
        skipped: suite.skipped,
        time: seconds(suite.ms),
      })}>`,
      '    <properties>',
      `      <property${attributes({ name: 'project', value: text(report.project) })}/>`,
      `      <property${attributes({ name: 'environment', value: text(report.environment) })}/>`,
      `      <property${attributes({ name: 'area', value: suite.area })}/>`,
      '    </properties>',
    );
    for (const check of suite.checks) lines.push(...testcase(check, strict, text));
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}

function testcase(check: CheckResult, strict: boolean, text: (value: string) => string): string[] {
  const open = `    <testcase${attributes({
    classname: `launchdb.${check.area}`,
    name: check.id,
    time: seconds(check.durationMs),
  })}>`;
  const summary = text(check.summary);
  const fix = check.fix ? `fix: ${text(check.fix)}` : undefined;
  const details = check.details === undefined ? undefined : `details: ${text(json(check.details))}`;
  const body = [summary, fix, details].filter((part) => part !== undefined).join('\n');
  const element = (name: string, type: string) =>
    `      <${name}${attributes({ message: summary, type })}>${escapeXml(body)}</${name}>`;

  switch (check.status) {
    case 'fail':
      return [open, element('failure', 'fail'), '    </testcase>'];
    case 'error':
      return [open, element('error', 'error'), '    </testcase>'];
    case 'skip':
      return [open, `      <skipped${attributes({ message: summary })}/>`, '    </testcase>'];
    case 'warn':
      if (strict) return [open, element('failure', 'warn'), '    </testcase>'];
      return [open, `      <system-out>${escapeXml(`warning: ${body}`)}</system-out>`, '    </testcase>'];
    case 'pass':
      return [open, `      <system-out>${escapeXml(body)}</system-out>`, '    </testcase>'];
  }
}

/** Escapes text for element content and attribute values alike, dropping characters XML forbids. */
export function escapeXml(value: string): string {
  return value
    .replace(INVALID_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

export function attributes(values: Record<string, string | number>): string {
  // Parsers turn raw line breaks and tabs in attributes into spaces; character references keep them.
  const attr = (value: string | number) =>
    escapeXml(String(value)).replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
  return Object.entries(values)
    .map(([name, value]) => ` ${name}="${attr(value)}"`)
    .join('');
}

export function seconds(ms: number): string {
  return (Math.max(0, ms) / 1000).toFixed(3);
}

/** Details as indented JSON, with secret-named string fields masked; never throws (cycles, bigints). */
function json(details: unknown): string {
  try {
    const out: string | undefined = JSON.stringify(
      details,
      (key, value) => {
        if (typeof value === 'string' && SECRET_KEY.test(key)) return '***';
        return typeof value === 'bigint' ? value.toString() : value;
      },
      2,
    );
    return out ?? String(details);
  } catch {
    return String(details);
  }
}
