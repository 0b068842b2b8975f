// Guarded environments take no migration the lint calls unsafe: errors in pending files block the run.
import { UsageError } from '../../../core/errors.js';
import { type LintFinding, type LintInput, lintMigrations } from './lint/lint.js';
import type { MigrationFile } from './migration-files.js';

/**
 * Lints every file in order (facts from earlier migrations carry into later ones) and refuses when a
 * pending file has an error-severity finding that its file does not suppress.
 */
export async function refuseUnsafeMigrations(
  files: readonly MigrationFile[],
  pending: readonly { file: string }[],
  options: { sessionLockTimeoutMs: number; environment: string },
): Promise<void> {
  const pendingFiles = new Set(pending.map((entry) => entry.file));
  const findings = await lintMigrations(files.map(lintInputOf), {
    sessionLockTimeout: options.sessionLockTimeoutMs > 0,
  });
  const blocking = findings.filter(
    (finding) => finding.severity === 'error' && pendingFiles.has(finding.file),
  );
  if (blocking.length === 0) return;
  throw new UsageError(
    `lint errors block migrating ${options.environment}; nothing was applied:\n  ${blocking.map(describe).join('\n  ')}`,
    {
      fix: 'make the migration safe (`launchdb migrate lint` gives the safe alternative), or suppress a reviewed rule with `-- launchdb-lint-ignore RULE`',
    },
  );
}

/** A migration as the lint reads it: in pieces, so a large file is never in memory whole. */
export function lintInputOf(file: MigrationFile): LintInput {
  return { file: file.file, sql: () => file.pieces(), noTransaction: file.noTransaction };
}

function describe(finding: LintFinding): string {
  return `${finding.file}:${finding.line}:${finding.column}: ${finding.rule}: ${finding.message}`;
}
