// `launchdb migrate lint [FILES…]`: safety lint of migration SQL; exit 1 while an error-severity finding remains.
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { type ExitCode, UsageError } from '../../core/errors.js';
import { Project } from '../../core/project.js';
import { ProjectFolder } from '../../core/project-file.js';
import { readMigrations } from '../../stores/postgres/migrate/layouts/index.js';
import type { LintFinding, LintInput, RULES, SYNTAX_ERROR } from '../../stores/postgres/migrate/lint/lint.js';
import { startsWithNoTransaction } from '../../stores/postgres/migrate/migration-files.js';
import { migrationSettings } from '../../stores/postgres/migrate/migration-settings.js';
import { stringFlag } from '../args.js';
import { formatFlag } from '../format-flag.js';
import type { Io } from '../io.js';
import {
  type AnnotatedRun,
  type AnnotationRule,
  fileAnnotations,
  repositoryRoot,
} from '../render/annotation.js';
import { renderGithub } from '../render/github.js';
import { renderSarif } from '../render/sarif.js';
import type { CommandInput } from '../spec.js';

const DEFAULT_MIGRATIONS_DIR = 'db/migrations';
const DEFAULT_SESSION_LOCK_TIMEOUT = 5000;
/** Not a rule of RULES (the parser finds it), but findings name it like one. */
const SYNTAX_RULE = {
  id: 'syntax-error' satisfies typeof SYNTAX_ERROR,
  severity: 'error',
  summary: 'SQL that does not parse; nothing else in the file is linted',
  fix: 'correct the SQL at the position the parser names',
} as const;

export interface LintDocument {
  /** How many files were linted. */
  files: number;
  findings: LintFinding[];
  errors: number;
  warnings: number;
}

export async function run(input: CommandInput, io: Io): Promise<ExitCode> {
  const format = formatFlag(input, ['text', 'compact', 'github', 'sarif']);
  // The parser's WASM compiles in the background while the config and the files are read.
  const linting = import('../../stores/postgres/migrate/lint/lint.js').then(async (lint) => {
    await lint.prepareLint();
    return lint;
  });
  linting.catch(() => {}); // awaited below; a bad-input exit before then must not leave it unhandled
  const configFlag = stringFlag(input, 'config');
  const project = await loadProject(io, configFlag, input.positionals.length > 0);
  const files =
    input.positionals.length > 0
      ? readGivenFiles(project?.root ?? io.cwd, io.cwd, input.positionals)
      : readMigrations(project!.root, migrationSettings(project!));
  const sessionLockTimeout =
    (project?.config.migrations?.sessionLockTimeout ?? DEFAULT_SESSION_LOCK_TIMEOUT) > 0;
  const { lintMigrations, RULES } = await linting;
  const findings = await lintMigrations(files, { sessionLockTimeout });
  const document: LintDocument = {
    files: files.length,
    findings,
    errors: findings.filter((finding) => finding.severity === 'error').length,
    warnings: findings.filter((finding) => finding.severity === 'warning').length,
  };
  if (input.flags.json) io.out(`${JSON.stringify(document, null, 2)}\n`);
  else if (format === 'compact') io.out(renderCompact(document));
  else if (format === 'github' || format === 'sarif') {
    // Named files are as given, from the current folder; the project's migrations are from its root.
    const base = input.positionals.length > 0 ? io.cwd : project!.root;
    const run = lintRun(document, RULES, base);
    io.out(format === 'github' ? renderGithub(run) : renderSarif(run));
  } else io.out(renderText(document, io, project ? migrationSettings(project).dir : DEFAULT_MIGRATIONS_DIR));
  return document.errors > 0 ? 1 : 0;
}

/**
 * The project, for its migrations folder and session lock_timeout. Files named on the command line
 * can be linted outside any project (with the defaults), as a CI step or an editor would.
 */
async function loadProject(
  io: Io,
  configFlag: string | undefined,
  filesGiven: boolean,
): Promise<Project | undefined> {
  try {
    return await Project.load(io.cwd, configFlag);
  } catch (error) {
    // No config file found is a UsageError; a config that does not load is a ConfigError, and stops us.
    const noConfig = error instanceof UsageError && configFlag === undefined;
    if (filesGiven && noConfig) return undefined;
    throw error;
  }
}

/**
 * The files named on the command line, read as migrations are: a link out of the project (or out of
 * the folder a file outside the project was named in) is refused, as is text that is not UTF-8.
 */
function readGivenFiles(root: string, cwd: string, paths: string[]): LintInput[] {
  const missing = paths.filter(
    (path) => !existsSync(resolve(cwd, path)) || !statSync(resolve(cwd, path)).isFile(),
  );
  if (missing.length > 0) {
    throw new UsageError(
      `${missing.length === 1 ? 'no such file' : 'no such files'}: ${missing.join(', ')}`,
      {
        fix: 'name migration files that exist, or run `launchdb migrate lint` to lint every migration',
      },
    );
  }
  return paths.map((path) => {
    const absolute = resolve(cwd, path);
    const source = new ProjectFolder(root, dirname(absolute)).file(basename(absolute));
    const [first = ''] = source.pieces();
    return { file: path, sql: () => source.pieces(), noTransaction: startsWithNoTransaction(first) };
  });
}

/** The findings for CI: each placed in the repository, with every rule and the syntax check. */
function lintRun(document: LintDocument, rules: typeof RULES, base: string): AnnotatedRun {
  const root = repositoryRoot(base);
  const descriptors: AnnotationRule[] = [...rules, SYNTAX_RULE].map((rule) => ({
    id: rule.id,
    summary: rule.summary,
    description: `${rule.summary}. Safe alternative: ${rule.fix}.`,
    help: `fix: ${rule.fix}. docs/MIGRATIONS.md lists every rule; \`-- launchdb-lint-ignore ${rule.id}\` above a statement accepts it on purpose.`,
    level: rule.severity === 'error' ? 'error' : 'warning',
  }));
  const annotations = fileAnnotations(document.findings, base, root);
  return { category: 'migrate-lint', root, rules: descriptors, annotations };
}

/** `file:line:col: rule: message`, one per line, as editors and CI annotations read it. */
function renderCompact(document: LintDocument): string {
  return document.findings
    .map(
      (finding) => `${finding.file}:${finding.line}:${finding.column}: ${finding.rule}: ${finding.message}\n`,
    )
    .join('');
}

function renderText(document: LintDocument, io: Io, dir: string): string {
  const { files, findings, errors, warnings } = document;
  if (files === 0) return `no migration files in ${dir}\n`;
  const lines: string[] = [];
  for (const finding of findings) {
    const severity = io.style(finding.severity === 'error' ? 'red' : 'yellow', finding.severity);
    lines.push(
      `${io.style('bold', `${finding.file}:${finding.line}:${finding.column}`)}  ${severity}  ${io.style('dim', finding.rule)}`,
      `  ${finding.message}`,
      `  ${io.style('dim', 'fix:')} ${finding.fix}`,
      '',
    );
  }
  const inFiles = `${files} ${files === 1 ? 'file' : 'files'}`;
  if (findings.length === 0) lines.push(io.style('green', `no problems in ${inFiles}`));
  else {
    const count = `${plural(errors, 'error')}, ${plural(warnings, 'warning')} in ${inFiles}`;
    lines.push(io.style(errors > 0 ? 'red' : 'yellow', count));
  }
  return `${lines.join('\n')}\n`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}
