// `launchdb scan code [DIR…]`: pools made per request and clients never given back, in the app's own code.
import { relative } from 'node:path';
import {
  CODE_FIXES,
  CODE_RULES,
  CODE_SEVERITIES,
  CODE_SUMMARIES,
  type CodeFinding,
  type SkippedFile,
} from '../../code-scan/finding.js';
import { scanCode } from '../../code-scan/scan-code.js';
import { resolveFolders } from '../../code-scan/source-files.js';
import { ExitCode, UsageError } from '../../core/errors.js';
import { Project } from '../../core/project.js';
import { stringFlag } from '../args.js';
import { formatFlag } from '../format-flag.js';
import type { Io } from '../io.js';
import { type AnnotatedRun, fileAnnotations, repositoryRoot } from '../render/annotation.js';
import { renderGithub } from '../render/github.js';
import { renderSarif } from '../render/sarif.js';
import type { CommandInput } from '../spec.js';

export interface ScanCodeDocument {
  /** The folders scanned, relative to the folder findings are named from. */
  paths: string[];
  files: number;
  findings: CodeFinding[];
  /** Findings per rule. */
  counts: Record<string, number>;
  skipped: SkippedFile[];
}

interface Targets {
  /** Findings name files relative to it: the project root, or the current folder. */
  base: string;
  paths: string[];
}

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const format = formatFlag(input, ['text', 'github', 'sarif']);
  const { base, paths } = await targetsOf(input, io);
  const result = await scanCode({ paths, base });
  if (result.files === 0 && input.positionals.length > 0) {
    throw new UsageError(`no TypeScript or JavaScript files in ${input.positionals.join(', ')}`, {
      fix: "name the folders (or .ts, .tsx, .js, .mjs files) of the app's code",
    });
  }
  const counts = Object.fromEntries(
    CODE_RULES.map((rule) => [rule, result.findings.filter((finding) => finding.rule === rule).length]),
  );
  const document: ScanCodeDocument = {
    paths: paths.map((path) => relative(base, path) || '.'),
    ...result,
    counts,
  };
  if (input.flags.json) io.out(`${JSON.stringify(document, null, 2)}\n`);
  else if (format === 'github') io.out(renderGithub(codeRun(document, base)));
  else if (format === 'sarif') io.out(renderSarif(codeRun(document, base)));
  else io.out(render(document, io));
  for (const skipped of result.skipped)
    io.err(`${io.style('dim', 'skipped')} ${skipped.file}: ${skipped.reason}\n`);
  return result.findings.length > 0 ? ExitCode.notReady : ExitCode.ok;
}

/**
 * The folders named on the command line; else the config's `connections.source`; else the project
 * root; outside a project, the current folder. A folder that does not exist is bad input.
 */
async function targetsOf(input: CommandInput, io: Io): Promise<Targets> {
  if (input.positionals.length > 0) {
    const { paths, missing } = resolveFolders(io.cwd, input.positionals);
    if (missing.length > 0) {
      throw new UsageError(`no such folder: ${missing.join(', ')}`, {
        fix: 'name folders (or files) that exist, or run `launchdb scan code` to scan connections.source',
      });
    }
    return { base: io.cwd, paths };
  }
  const project = await loadProject(io, stringFlag(input, 'config'));
  if (!project) return { base: io.cwd, paths: [io.cwd] };
  const source = project.config.connections?.source ?? [];
  if (source.length === 0) return { base: project.root, paths: [project.root] };
  const { paths, missing } = resolveFolders(project.root, source);
  if (missing.length > 0) {
    throw new UsageError(`connections.source names ${missing.join(', ')}, which does not exist`, {
      fix: `name the app's source folders, relative to ${project.root}, under connections.source in the config`,
    });
  }
  return { base: project.root, paths };
}

/** The scan needs no project: without a config file it scans the current folder. */
async function loadProject(io: Io, configFlag: string | undefined): Promise<Project | undefined> {
  try {
    return await Project.load(io.cwd, configFlag);
  } catch (error) {
    if (error instanceof UsageError && configFlag === undefined) return undefined;
    throw error;
  }
}

/** The findings for CI, each placed in the repository, with both rules. */
function codeRun(document: ScanCodeDocument, base: string): AnnotatedRun {
  const root = repositoryRoot(base);
  const rules = CODE_RULES.map((rule) => ({
    id: rule,
    summary: CODE_SUMMARIES[rule],
    description: `${CODE_SUMMARIES[rule]}. docs/CODE-SCAN.md says what is recognised.`,
    help: `fix: ${CODE_FIXES[rule]}`,
    level: CODE_SEVERITIES[rule],
  }));
  const annotations = fileAnnotations(document.findings, base, root);
  return { category: 'scan-code', root, rules, annotations };
}

/** `file:line:col: rule: message`, one per line as editors and CI annotations read it, then a summary. */
function render(document: ScanCodeDocument, io: Io): string {
  const lines = document.findings.map(
    (finding) => `${finding.file}:${finding.line}:${finding.column}: ${finding.rule}: ${finding.message}`,
  );
  const inFiles = `${document.files} ${document.files === 1 ? 'file' : 'files'}`;
  if (document.findings.length === 0) {
    lines.push(
      io.style('green', `no pools or clients made per request, none left checked out, in ${inFiles}`),
    );
    return `${lines.join('\n')}\n`;
  }
  const found = CODE_RULES.filter((rule) => document.counts[rule]! > 0);
  const problems = found.map((rule) => `${document.counts[rule]} ${rule}`).join(', ');
  const total = document.findings.length;
  lines.push(
    '',
    io.style('red', `${total} ${total === 1 ? 'problem' : 'problems'} (${problems}) in ${inFiles}`),
  );
  for (const rule of found) lines.push(`${io.style('dim', `fix (${rule}):`)} ${CODE_FIXES[rule]}`);
  return `${lines.join('\n')}\n`;
}
