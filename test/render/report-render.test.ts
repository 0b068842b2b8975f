// The report renderers (terminal, table, JUnit, Markdown) on hand-built reports: layout, escaping, secrets.
import { describe, expect, it } from 'vitest';
import type { Style } from '../../src/cli/io.js';
import { renderJunit } from '../../src/cli/render/junit.js';
import { renderMarkdown } from '../../src/cli/render/markdown.js';
import { renderReport } from '../../src/cli/render/report-terminal.js';
import { displayWidth, renderTable, stripAnsi } from '../../src/cli/render/table.js';
import type { Area, CheckResult, CheckStatus } from '../../src/core/checks/check.js';
import type { Report } from '../../src/core/checks/report.js';

const LEAK = 'postgres://u:secret@h/db';
const TRICKY = `app role "shop_app" is a superuser & can bypass <RLS>, it's unsafe`;

function check(
  id: string,
  status: CheckStatus,
  summary: string,
  extra: Partial<CheckResult> = {},
): CheckResult {
  return { id, area: id.split('.')[0] as Area, title: id, status, summary, durationMs: 12, ...extra };
}

const readyReport: Report = {
  project: 'shop',
  environment: 'staging',
  verdict: 'ready',
  durationMs: 845,
  checks: [
    check('access.public-schema-create', 'pass', 'PUBLIC cannot CREATE in any schema'),
    check('provisioning.reachable', 'pass', 'the database answers (3 ms)'),
  ],
};

// Areas deliberately out of AREAS order; every status present.
const notReadyReport: Report = {
  project: 'shop',
  environment: 'production',
  verdict: 'not ready',
  durationMs: 1234,
  checks: [
    check('access.app-role-superuser', 'fail', TRICKY, {
      fix: 'ALTER ROLE shop_app NOSUPERUSER NOBYPASSRLS',
      details: { role: 'shop_app', superuser: true },
    }),
    check('provisioning.reachable', 'pass', 'the database answers (3 ms)'),
    check('provisioning.tls', 'warn', 'connected without TLS', {
      fix: 'add sslmode=require to DATABASE_URL',
    }),
    check('provisioning.server-version', 'error', 'the check timed out after 5000 ms', { durationMs: 5000 }),
    check('backups.recent', 'skip', 'no backup target is configured'),
    check('schema.migrations-pending', 'pass', 'no pending migrations'),
  ],
};

const leakyReport: Report = {
  project: 'shop',
  environment: 'production',
  verdict: 'not ready',
  durationMs: 20,
  checks: [
    check('provisioning.reachable', 'fail', `could not connect to ${LEAK}: refused`, {
      fix: `check that ${LEAK} is right`,
      details: { url: LEAK, password: 'secret', host: 'h' },
    }),
    check('provisioning.tls', 'warn', `reached ${LEAK} without TLS`, { fix: `use ${LEAK}?sslmode=require` }),
    check('provisioning.isolation', 'error', `marker lookup failed on ${LEAK}`),
    check('access.app-role-ddl', 'skip', `skipped: ${LEAK}`),
    check('access.app-role-superuser', 'pass', `as ${LEAK}`),
  ],
};

const plain = (_style: Style, text: string) => text;
const ANSI_CODES: Record<Style, number> = {
  green: 32,
  yellow: 33,
  red: 31,
  gray: 90,
  bold: 1,
  cyan: 36,
  dim: 2,
};
const coloured = (style: Style, text: string) => `\x1b[${ANSI_CODES[style]}m${text}\x1b[0m`;

describe('renderTable', () => {
  it('aligns columns by display width, ignoring colour codes', () => {
    const red = (text: string) => `\x1b[31m${text}\x1b[39m`;
    const out = renderTable(
      [
        [red('production'), 'postgres', 'guarded'],
        ['dev', red('embedded'), ''],
      ],
      { header: ['ENV', 'STORE', 'NOTE'] },
    );
    expect(stripAnsi(out)).toBe(
      ['ENV         STORE     NOTE', 'production  postgres  guarded', 'dev         embedded'].join('\n'),
    );
    // The colour codes are kept, only measured as nothing.
    expect(out).toContain(red('production'));
  });

  it('measures wide characters and emoji as two columns and right-aligns on request', () => {
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('✅ ok')).toBe(5);
    expect(displayWidth('e\u0301')).toBe(1);
    const out = renderTable(
      [
        ['日本', '5'],
        ['ab', '120'],
      ],
      { align: ['left', 'right'], indent: '  ' },
    );
    expect(out).toBe(['  日本    5', '  ab    120'].join('\n'));
  });

  it('spreads a multi-line cell over several lines and leaves no trailing spaces', () => {
    const out = renderTable([
      ['a', 'one\ntwo', ''],
      ['bb', 'x', ''],
    ]);
    expect(out).toBe(['a   one', '    two', 'bb  x'].join('\n'));
  });
});

describe('renderReport (terminal)', () => {
  it('groups checks by area in AREAS order and ends with NOT READY', () => {
    const lines = renderReport(notReadyReport, plain).split('\n');
    expect(lines[0]).toBe('Readiness of shop, environment production');
    const headings = lines.filter((line) => /^[a-z]+$/.test(line));
    expect(headings).toEqual(['provisioning', 'schema', 'backups', 'access']);
    const rows = lines.filter((line) => /^ {2}(pass|warn|fail|error|skip) /.test(line));
    expect(rows.map((row) => row.trim().split(/\s+/)[1])).toEqual([
      'provisioning.reachable',
      'provisioning.tls',
      'provisioning.server-version',
      'schema.migrations-pending',
      'backups.recent',
      'access.app-role-superuser',
    ]);
    // Ids and summaries start in the same column on every row, across areas.
    const columns = notReadyReport.checks.map((c) => {
      const row = rows.find((line) => line.includes(` ${c.id} `))!;
      return [row.indexOf(c.id), row.indexOf(c.summary)];
    });
    expect(new Set(columns.map(([id]) => id))).toEqual(new Set([9]));
    expect(new Set(columns.map(([, summary]) => summary)).size).toBe(1);
    expect(lines.at(-2)).toBe('NOT READY');
    expect(lines.at(-1)).toBe('');
  });

  it('prints the fix on the next line, under the id', () => {
    const lines = renderReport(notReadyReport, plain).split('\n');
    const row = lines.findIndex((line) => line.includes('provisioning.tls'));
    expect(lines[row]!.indexOf('provisioning.tls')).toBe(9);
    expect(lines[row + 1]).toBe(`${' '.repeat(9)}fix: add sslmode=require to DATABASE_URL`);
  });

  it('prints the counts by status and the duration', () => {
    const out = renderReport(notReadyReport, plain);
    expect(out).toContain('6 checks in 1.2 s: 2 pass, 1 warn, 1 fail, 1 error, 1 skip\n');
    expect(renderReport(readyReport, plain)).toContain('2 checks in 845 ms: 2 pass\n');
  });

  it('ends a ready report with READY', () => {
    const lines = renderReport(readyReport, plain).trimEnd().split('\n');
    expect(lines.at(-1)).toBe('READY');
    expect(lines.filter((line) => /^[a-z]+$/.test(line))).toEqual(['provisioning', 'access']);
  });

  it('colours statuses and the verdict without moving any column', () => {
    const out = renderReport(notReadyReport, coloured);
    expect(stripAnsi(out)).toBe(renderReport(notReadyReport, plain));
    expect(out).toContain('\x1b[32mpass \x1b[0m');
    expect(out).toContain('\x1b[33mwarn \x1b[0m');
    expect(out).toContain('\x1b[31mfail \x1b[0m');
    expect(out).toContain('\x1b[31merror\x1b[0m');
    expect(out).toContain('\x1b[90mskip \x1b[0m');
    expect(out).toContain('\x1b[1m\x1b[31mNOT READY\x1b[0m\x1b[0m');
    expect(renderReport(readyReport, coloured)).toContain('\x1b[1m\x1b[32mREADY\x1b[0m\x1b[0m');
  });

  it('says why a report with only warnings is not ready', () => {
    const strictReport: Report = {
      ...notReadyReport,
      checks: [check('provisioning.tls', 'warn', 'connected without TLS')],
    };
    expect(renderReport(strictReport, plain)).toContain('NOT READY (strict: warnings count as failures)\n');
  });

  it('keeps terminal escapes in a summary from reaching the terminal', () => {
    const report: Report = {
      ...readyReport,
      checks: [check('provisioning.reachable', 'pass', 'ok\x1b[2J\x07 done')],
    };
    expect(renderReport(report, plain)).toContain('provisioning.reachable  ok done\n');
  });
});

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** A strict little XML 1.0 parser: enough to prove the output well formed and read it back. */
function parseXml(xml: string): XmlElement {
  const prolog = '<?xml version="1.0" encoding="UTF-8"?>\n';
  if (!xml.startsWith(prolog)) throw new Error('missing XML declaration');
  const invalid = xml.match(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u);
  if (invalid) throw new Error(`invalid character U+${invalid[0].codePointAt(0)!.toString(16)}`);
  const decode = (text: string) => {
    if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);)/i.test(text)) throw new Error(`bad entity in ${text}`);
    return text.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_, entity: string) => {
      const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
      if (entity in named) return named[entity]!;
      return String.fromCodePoint(
        entity[1] === 'x' ? Number.parseInt(entity.slice(2), 16) : Number(entity.slice(1)),
      );
    });
  };
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let i = prolog.length;
  while (i < xml.length) {
    if (xml.startsWith('</', i)) {
      const close = /<\/([A-Za-z_][\w.-]*)\s*>/y;
      close.lastIndex = i;
      const match = close.exec(xml);
      const open = stack.pop();
      if (!match || !open || open.name !== match[1]) throw new Error(`bad closing tag at ${i}`);
      i = close.lastIndex;
    } else if (xml[i] === '<') {
      const tag = /<([A-Za-z_][\w.-]*)((?:\s+[A-Za-z_][\w.-]*="[^"<]*")*)\s*(\/?)>/y;
      tag.lastIndex = i;
      const match = tag.exec(xml);
      if (!match) throw new Error(`bad tag at ${i}: ${xml.slice(i, i + 40)}`);
      const element: XmlElement = { name: match[1]!, attrs: {}, children: [], text: '' };
      for (const [, name, value] of match[2]!.matchAll(/([A-Za-z_][\w.-]*)="([^"]*)"/g)) {
        if (name! in element.attrs) throw new Error(`duplicate attribute ${name}`);
        element.attrs[name!] = decode(value!);
      }
      const parent = stack.at(-1);
      if (parent) parent.children.push(element);
      else if (root) throw new Error('second root element');
      else root = element;
      if (!match[3]) stack.push(element);
      i = tag.lastIndex;
    } else {
      const end = xml.indexOf('<', i);
      const text = xml.slice(i, end === -1 ? xml.length : end);
      const parent = stack.at(-1);
      if (!parent && text.trim()) throw new Error('text outside the root element');
      if (parent) parent.text += decode(text);
      i += text.length;
    }
  }
  if (stack.length > 0 || !root) throw new Error('unclosed element');
  return root;
}

const child = (element: XmlElement, name: string) => element.children.find((c) => c.name === name);
const testcase = (root: XmlElement, id: string) =>
  root.children.flatMap((suite) => suite.children).find((c) => c.name === 'testcase' && c.attrs.name === id)!;

describe('renderJunit', () => {
  it('is well formed, with one suite per area in AREAS order and the right counts', () => {
    const root = parseXml(renderJunit(notReadyReport));
    expect(root.name).toBe('testsuites');
    expect(root.attrs).toMatchObject({ tests: '6', failures: '1', errors: '1', skipped: '1', time: '1.234' });
    const suites = root.children;
    expect(suites.map((suite) => suite.attrs.name)).toEqual([
      'launchdb production provisioning',
      'launchdb production schema',
      'launchdb production backups',
      'launchdb production access',
    ]);
    const counts = suites.map(({ attrs }) =>
      [attrs.tests, attrs.failures, attrs.errors, attrs.skipped].join('/'),
    );
    expect(counts).toEqual(['3/0/1/0', '1/0/0/0', '1/0/0/1', '1/1/0/0']);
    expect(suites[0]!.attrs.time).toBe('5.024');
    expect(child(suites[0]!, 'properties')!.children.map((p) => `${p.attrs.name}=${p.attrs.value}`)).toEqual([
      'project=shop',
      'environment=production',
      'area=provisioning',
    ]);
  });

  it('gives each check a test case with its outcome', () => {
    const root = parseXml(renderJunit(notReadyReport));
    const failed = testcase(root, 'access.app-role-superuser');
    expect(failed.attrs).toEqual({
      classname: 'launchdb.access',
      name: 'access.app-role-superuser',
      time: '0.012',
    });
    const failure = child(failed, 'failure')!;
    expect(failure.attrs.message).toBe(TRICKY);
    expect(failure.text).toContain(TRICKY);
    expect(failure.text).toContain('fix: ALTER ROLE shop_app NOSUPERUSER NOBYPASSRLS');
    expect(failure.text).toContain('"superuser": true');

    expect(child(testcase(root, 'provisioning.server-version'), 'error')!.attrs.message).toBe(
      'the check timed out after 5000 ms',
    );
    const skipped = child(testcase(root, 'backups.recent'), 'skipped')!;
    expect(skipped.attrs.message).toBe('no backup target is configured');
    expect(skipped.children).toEqual([]);

    const warned = testcase(root, 'provisioning.tls');
    expect(warned.children.map((c) => c.name)).toEqual(['system-out']);
    expect(child(warned, 'system-out')!.text).toBe(
      'warning: connected without TLS\nfix: add sslmode=require to DATABASE_URL',
    );
    expect(testcase(root, 'provisioning.reachable').children.map((c) => c.name)).toEqual(['system-out']);
  });

  it('escapes markup characters in attributes and text', () => {
    const xml = renderJunit(notReadyReport);
    const escaped =
      'app role &quot;shop_app&quot; is a superuser &amp; can bypass &lt;RLS&gt;, it&apos;s unsafe';
    expect(xml).toContain(`message="${escaped}"`);
    expect(xml).toContain(`>${escaped}\n`);
    expect(xml).not.toContain('<RLS>');
  });

  it('turns warnings into failures when strict', () => {
    const root = parseXml(renderJunit(notReadyReport, { strict: true }));
    expect(root.attrs).toMatchObject({ failures: '2', errors: '1', skipped: '1' });
    expect(root.children[0]!.attrs).toMatchObject({ failures: '1', errors: '1' });
    const failure = child(testcase(root, 'provisioning.tls'), 'failure')!;
    expect(failure.attrs).toEqual({ message: 'connected without TLS', type: 'warn' });
    expect(child(testcase(root, 'provisioning.tls'), 'system-out')).toBeUndefined();
  });

  it('reports a ready report with no failures', () => {
    const xml = renderJunit(readyReport);
    const root = parseXml(xml);
    expect(root.attrs).toMatchObject({ tests: '2', failures: '0', errors: '0', skipped: '0' });
    expect(xml).not.toMatch(/<failure|<error|<skipped/);
  });

  it('drops characters XML 1.0 forbids and keeps line breaks in attributes', () => {
    const report: Report = {
      ...readyReport,
      checks: [
        check(
          'provisioning.reachable',
          'fail',
          'bad\u0000 \x1b[31mred\x1b[0m \uFFFE\uD800 byte\nsecond line',
        ),
      ],
    };
    const root = parseXml(renderJunit(report));
    const failure = child(testcase(root, 'provisioning.reachable'), 'failure')!;
    expect(failure.attrs.message).toBe('bad red  byte\nsecond line');
  });
});

describe('renderMarkdown', () => {
  it('heads the report with the project, environment, verdict and counts', () => {
    const lines = renderMarkdown(notReadyReport).split('\n');
    expect(lines[0]).toBe('## launchdb: shop, environment production: ❌ not ready');
    expect(lines[2]).toBe('6 checks in 1.2 s: 2 pass, 1 warn, 1 fail, 1 error, 1 skip');
    expect(renderMarkdown(readyReport).split('\n')[0]).toBe(
      '## launchdb: shop, environment staging: ✅ ready',
    );
  });

  it('groups a status/check/summary/fix table by area, without details', () => {
    const out = renderMarkdown(notReadyReport);
    expect(out.split('\n').filter((line) => line.startsWith('### '))).toEqual([
      '### provisioning',
      '### schema',
      '### backups',
      '### access',
    ]);
    expect(out).toContain(
      [
        '### provisioning',
        '',
        '| status | check | summary | fix |',
        '| --- | --- | --- | --- |',
        '| ✅ pass | `provisioning.reachable` | the database answers (3 ms) |  |',
        '| ⚠️ warn | `provisioning.tls` | connected without TLS | add sslmode=require to DATABASE\\_URL |',
        '| ⛔ error | `provisioning.server-version` | the check timed out after 5000 ms |  |',
      ].join('\n'),
    );
    expect(out).toContain(
      '| ❌ fail | `access.app-role-superuser` | app role "shop\\_app" is a superuser \\& can bypass \\<RLS\\>, ' +
        "it's unsafe | ALTER ROLE shop\\_app NOSUPERUSER NOBYPASSRLS |",
    );
    expect(out).toContain('| ⏭️ skip | `backups.recent` |');
    expect(out).not.toContain('superuser": true');
  });

  it('keeps pipes and line breaks inside their cell', () => {
    const report: Report = {
      ...readyReport,
      checks: [check('provisioning.reachable', 'warn', 'a | b\nc', { fix: 'x|y' })],
    };
    const row = renderMarkdown(report)
      .split('\n')
      .find((line) => line.includes('provisioning.reachable'))!;
    expect(row).toBe('| ⚠️ warn | `provisioning.reachable` | a \\| b<br>c | x\\|y |');
    expect(row.match(/(?<!\\)\|/g)).toHaveLength(5);
  });
});

describe('secrets', () => {
  it('never shows a URL password in any renderer', () => {
    const outputs = {
      terminal: renderReport(leakyReport, coloured),
      junit: renderJunit(leakyReport),
      strict: renderJunit(leakyReport, { strict: true }),
      markdown: renderMarkdown(leakyReport),
    };
    for (const [name, out] of Object.entries(outputs)) {
      expect(out, name).not.toContain('secret');
      expect(stripAnsi(out), name).toMatch(/postgres:\/\/u:(\\\*){3}@h\/db|postgres:\/\/u:\*\*\*@h\/db/);
    }
  });

  it('masks the secrets it is given in files written for CI', () => {
    const report: Report = {
      ...readyReport,
      checks: [
        check('provisioning.reachable', 'fail', 'token s3cr3t-value was refused', {
          details: { key: 's3cr3t-value' },
        }),
      ],
    };
    const secrets = ['s3cr3t-value'];
    expect(renderJunit(report, { secrets })).not.toContain('s3cr3t');
    expect(renderMarkdown(report, { secrets })).not.toContain('s3cr3t');
  });
});
