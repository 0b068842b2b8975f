// `seed`: reference then demo files in name order, each in one transaction with its log row, under an
// advisory lock. What may run where is decided before connecting; a run returns a result per file.
//
// Reference seeds are applied on every run, changed or not. They are idempotent by contract (the
// lint and the upsert see to it), so applying them again costs little and converges the data: a plan
// row edited by hand in production is put back, a row the seed gained is added. This is what Rails'
// `db:seed` and Flyway's repeatable migrations are used for. Demo seeds need not be idempotent, so each
// content is applied once: a demo file already applied with the same checksum is skipped.
import { UsageError } from '../../../core/errors.js';
import { ALWAYS_GUARDED, type Environment } from '../../../core/project.js';
import type { PostgresDatabase, Queryable } from '../database.js';
import { acquireMigrationLock, releaseMigrationLock } from '../migrate/advisory-lock.js';
import { describeFailure, type MigrationFailure, type SentSql } from '../migrate/migration-error.js';
import { sqlChunks } from '../sql/sql-chunks.js';
import type { SeedFile, SeedKind } from './seed-files.js';
import { formatFinding, lintSeeds } from './seed-lint.js';
import { ensureSeedLog, readSeedLog, recordSeed } from './seed-log.js';
import { countSeedRows, prepareRowsSeed, type RowsSeed, upsertRows } from './seed-rows.js';

export interface SeedPlan {
  /** What to apply: reference files, then demo files, each in name order. */
  files: SeedFile[];
  /** Demo files held back because the environment is production-like and no kind was asked for. */
  withheld: SeedFile[];
  /** Why they were held back, for the user. */
  withheldReason?: string;
}

/** A plan whose files were linted and parsed: nothing in it fails for a reason known before connecting. */
export interface CheckedSeed {
  file: SeedFile;
  /** How many rows a JSON or CSV file holds; they are read from the file again when applied. */
  rows?: number;
}

export interface SeedOptions {
  /** Wait this long for another run's lock. */
  lockTimeoutMs: number;
  /** Where, for messages: `host:port/db` or the embedded folder. */
  location: string;
  /** `seeds.keys` of the config: upsert keys by table. */
  keys?: Record<string, string[]>;
  onEvent?: (result: SeedResult) => void;
}

export interface SeedResult {
  kind: SeedKind;
  name: string;
  file: string;
  /** `skipped`: a demo file already applied with this content; `not-attempted`: after a failure. */
  status: 'applied' | 'skipped' | 'failed' | 'not-attempted';
  durationMs?: number;
  /** JSON and CSV files: rows in the file, and how many were inserted or changed. */
  rows?: number;
  written?: number;
  error?: MigrationFailure;
}

export interface SeedRun {
  results: SeedResult[];
  applied: number;
  skipped: number;
  failed: SeedResult | undefined;
}

/**
 * Chooses the files for an environment. Demo files never reach a production-like (guarded)
 * environment: asked for explicitly, that is refused; otherwise they are held back and said so.
 */
export function planSeeds(env: Environment, files: readonly SeedFile[], kind?: SeedKind): SeedPlan {
  const ofKind = (wanted: SeedKind) => files.filter((file) => file.kind === wanted);
  if (kind === 'demo') refuseDemoSeeds(env, ofKind('demo'));
  const chosen = kind ? ofKind(kind) : [...ofKind('reference'), ...ofKind('demo')];
  if (!env.guarded) return { files: chosen, withheld: [] };
  const withheld = chosen.filter((file) => file.kind === 'demo');
  return {
    files: chosen.filter((file) => file.kind !== 'demo'),
    withheld,
    ...(withheld.length > 0 ? { withheldReason: `${guardReason(env)}, and demo data never goes there` } : {}),
  };
}

/** Exit 2 when demo files are headed for a production-like environment, naming it and them. */
export function refuseDemoSeeds(env: Environment, demo: readonly SeedFile[]): void {
  if (!env.guarded) return;
  const listed = demo.length > 0 ? ` (${demo.map((file) => file.file).join(', ')})` : '';
  throw new UsageError(
    `refusing demo seeds for ${env.name}: ${guardReason(env)}, and demo data never goes there${listed}; nothing was applied`,
    {
      fix: `seed demo data into a development or preview environment; for ${env.name}, \`launchdb seed --env ${env.name} --kind reference\``,
    },
  );
}

function guardReason(env: Environment): string {
  return ALWAYS_GUARDED.has(env.name)
    ? `${env.name} is production-like`
    : `${env.name} is production-like (\`guarded: true\` in the config)`;
}

/**
 * Lints the SQL files and parses the rows files before anything is applied: one bad file stops the
 * run with nothing changed, instead of half a run.
 */
export async function checkSeeds(files: readonly SeedFile[]): Promise<CheckedSeed[]> {
  const findings = await lintSeeds(files);
  if (findings.length > 0) {
    throw new UsageError(
      `${findings.length} seed lint error${findings.length === 1 ? '' : 's'}; nothing was applied:\n  ${findings.map(formatFinding).join('\n  ')}`,
      {
        fix: 'make reference seeds idempotent (upsert with ON CONFLICT, WHERE on UPDATE and DELETE), or suppress a reviewed statement with `-- launchdb-lint-ignore RULE`',
      },
    );
  }
  return files.map((file) => (file.format === 'sql' ? { file } : { file, rows: countSeedRows(file) }));
}

export async function applySeeds(
  db: PostgresDatabase,
  env: Environment,
  seeds: readonly CheckedSeed[],
  options: SeedOptions,
): Promise<SeedRun> {
  // The plan keeps demo files away from guarded environments; this keeps any other caller honest.
  const demo = seeds.map((seed) => seed.file).filter((file) => file.kind === 'demo');
  if (demo.length > 0) refuseDemoSeeds(env, demo);
  return db.withConnection(async (session) => {
    // The migration lock itself: a seed must not write into a table a migration is changing.
    await acquireMigrationLock(session, options.lockTimeoutMs, options.location);
    try {
      // Read after taking the lock: a demo file a concurrent run applied meanwhile is skipped.
      const latest = new Map(
        (await readSeedLog(session)).map((entry) => [`${entry.kind}/${entry.name}`, entry]),
      );
      const due = seeds.filter(
        (seed) =>
          seed.file.kind === 'reference' ||
          latest.get(`${seed.file.kind}/${seed.file.name}`)?.checksum !== seed.file.checksum,
      );
      const tables = await resolveTables(session, due, options.keys);
      await ensureSeedLog(session);
      const results: SeedResult[] = [];
      for (const seed of seeds) {
        const outcome = !due.includes(seed)
          ? resultOf(seed.file, 'skipped')
          : results.some((done) => done.status === 'failed')
            ? resultOf(seed.file, 'not-attempted')
            : await applyOne(db, seed, tables.get(seed));
        options.onEvent?.(outcome);
        results.push(outcome);
      }
      return {
        results,
        applied: results.filter((result) => result.status === 'applied').length,
        skipped: results.filter((result) => result.status === 'skipped').length,
        failed: results.find((result) => result.status === 'failed'),
      };
    } finally {
      await releaseMigrationLock(session).catch(() => {});
    }
  });
}

/**
 * Every rows file against its table and key, before the first file is applied. Every file that
 * cannot be upserted is reported at once, so one run names every problem.
 */
async function resolveTables(
  session: Queryable,
  seeds: readonly CheckedSeed[],
  keys: Record<string, string[]> = {},
): Promise<Map<CheckedSeed, RowsSeed>> {
  const tables = new Map<CheckedSeed, RowsSeed>();
  const problems: UsageError[] = [];
  for (const seed of seeds) {
    if (seed.rows === undefined) continue;
    try {
      tables.set(seed, await prepareRowsSeed(session, seed.file, keys));
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      problems.push(error);
    }
  }
  const [first] = problems;
  if (problems.length === 1 && first) {
    throw new UsageError(`${first.message}; nothing was applied`, first.fix ? { fix: first.fix } : {});
  }
  if (problems.length > 1) {
    const lines = problems.map(
      (problem) => `${problem.message}${problem.fix ? ` (fix: ${problem.fix})` : ''}`,
    );
    throw new UsageError(
      `${problems.length} seed files cannot be upserted; nothing was applied:\n  ${lines.join('\n  ')}`,
      { fix: 'see docs/SEEDS.md for how rows files are keyed' },
    );
  }
  return tables;
}

/**
 * One file and its log row in one transaction: both commit, or neither. A SQL file is sent a chunk of
 * statements at a time as it is read, a rows file a part of rows at a time.
 */
async function applyOne(
  db: PostgresDatabase,
  seed: CheckedSeed,
  table: RowsSeed | undefined,
): Promise<SeedResult> {
  const { file } = seed;
  const started = performance.now();
  let sent: SentSql | undefined;
  try {
    return await db.transaction(async (tx) => {
      let counts: { rows: number; written: number } | undefined;
      if (table) counts = await upsertRows(tx, table);
      else {
        let first = true;
        for (const chunk of sqlChunks(file.pieces())) {
          // Postgres would not parse a byte-order mark, and editors do not count it as a column.
          const bom = first && chunk.text.startsWith('\uFEFF') ? 1 : 0;
          first = false;
          if (chunk.statements.length === 0) continue;
          sent = { sql: chunk.text.slice(bom), prefix: 0, line: chunk.line, column: 1 };
          await tx.query(sent.sql);
          sent = undefined;
        }
      }
      const durationMs = Math.round(performance.now() - started);
      await recordSeed(tx, file, durationMs);
      return { ...resultOf(file, 'applied'), durationMs, ...(counts ?? {}) };
    });
  } catch (error) {
    return {
      ...resultOf(file, 'failed'),
      durationMs: Math.round(performance.now() - started),
      // Postgres reports positions in the text sent, which is the file's own chunk.
      error: table ? describeRowsFailure(error, file) : describeFailure(error, file.file, sent),
    };
  }
}

function describeRowsFailure(error: unknown, file: SeedFile): MigrationFailure {
  const err = error as { message?: string; code?: string };
  return {
    message: (err.message ?? String(error)).split('\n')[0]!,
    file: file.file,
    ...(err.code ? { code: err.code } : {}),
  };
}

function resultOf(file: SeedFile, status: SeedResult['status']): SeedResult {
  return { kind: file.kind, name: file.name, file: file.file, status };
}
