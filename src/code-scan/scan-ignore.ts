// `// launchdb-scan-ignore [RULE…] [-- reason]` on a finding's line or the line above switches it off.
import { CODE_RULES, type CodeFinding } from './finding.js';

export const SCAN_IGNORE = 'launchdb-scan-ignore';

/** The rules a line's directive switches off (all of them when it names none), or undefined. */
function ignoredOn(line: string | undefined): Set<string> | undefined {
  const at = line?.indexOf(SCAN_IGNORE) ?? -1;
  if (at === -1) return undefined;
  const rest = line!.slice(at + SCAN_IGNORE.length).split(/\s--|\*\//)[0]!;
  const named = rest.split(/[\s,]+/).filter((word) => (CODE_RULES as readonly string[]).includes(word));
  return new Set(named.length > 0 ? named : CODE_RULES);
}

/** Whether the finding is switched off by a directive in the file's text. */
export function isIgnored(finding: CodeFinding, lines: readonly string[]): boolean {
  return [lines[finding.line - 1], lines[finding.line - 2]].some((line) =>
    ignoredOn(line)?.has(finding.rule),
  );
}
