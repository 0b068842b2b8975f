// Findings as GitHub Actions workflow commands (`::error file=…,line=…::message`): the runner turns
// each into an annotation on the pull request's diff and the run's summary.
import type { AnnotatedRun, Annotation } from './annotation.js';

/**
 * One workflow command a finding, in file order, then `summary` (if any) as a plain log line. The
 * properties are those of @actions/core's `error()`: file, line, col, endLine (the same line: a
 * finding points at one place) and title (the rule).
 */
export function renderGithub(run: Pick<AnnotatedRun, 'annotations'>, summary?: string): string {
  const lines = run.annotations.map(command);
  if (summary) lines.push(escapeData(summary));
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

function command(annotation: Annotation): string {
  const properties: [string, string | number | undefined][] = [
    ['file', annotation.file],
    ['line', annotation.line],
    ['col', annotation.column],
    ['endLine', annotation.line],
    ['title', annotation.rule],
  ];
  const list = properties
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([name, value]) => `${name}=${escapeProperty(String(value))}`)
    .join(',');
  return `::${annotation.level} ${list}::${escapeData(annotation.message)}`;
}

/**
 * A command's message, escaped as @actions/core does (packages/core/src/command.ts): `%` first, then
 * CR and LF, so a message of several lines stays one command and cannot start another.
 */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A property value, escaped as @actions/core does: as a message, and `:` and `,`, which end a property. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
