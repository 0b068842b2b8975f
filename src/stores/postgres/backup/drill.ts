// A restore drill: the backup restored into a scratch database that is thrown away after, every
// table's rows and checksum and the whole catalog compared with the backup, the schema checks run on
// the copy, and the time to restore (RTO) and the age of the data (RPO) measured.
import { createHash } from 'node:crypto';
import type { CheckResult } from '../../../core/checks/check.js';
import { runChecks } from '../../../core/checks/run-checks.js';
import type { Environment, Project } from '../../../core/project.js';
import type { ObjectStore } from '../../objects/object-store.js';
import { OBJECTS_SAMPLE_MIN, verifyObjectsSample } from '../../objects/verify-objects.js';
import { schemaCatalogChecks } from '../checks/schema-checks.js';
import type { Connection, PostgresDatabase } from '../database.js';
import { notShipped, unavailableExtensions } from '../embedded-extensions.js';
import { diffSnapshots } from '../schema/diff.js';
import { major, withShadowDatabase } from '../schema/shadow.js';
import { takeSnapshot } from '../schema/snapshot.js';
import { PostgresSession } from '../session.js';
import { databaseNameOf } from '../target.js';
import type { DrillOutcome } from './drill-log.js';
import { type TableData, tableChecksum } from './manifest.js';
import type { OpenedBackup } from './open-backup.js';
import { whileInUse } from './prune.js';
import { type RestoreOptions, readBackupSchema, restoreBackup } from './restore-backup.js';

export interface DrillOptions {
  project: Project;
  env: Environment;
  /** A URL allowed to create databases, for a scratch database on a server; null: embedded. Default: the admin URL. */
  scratchUrl?: string | null;
  now?: () => Date;
  /** The restore's progress, as each part of a table is in. */
  onTable?: RestoreOptions['onTable'];
  /** The environment's objects, when the backup lists them: a sample is re-read and compared. */
  objects?: ObjectStore;
}

export interface DrillResult extends DrillOutcome {
  /** The schema checks, run on the restored copy. */
  checks: CheckResult[];
  /** Why the scratch is where it is; pieces the restore left out. */
  notes: string[];
  /** The backup's objects re-read (a sample) of those it lists, when it lists any and a store was given. */
  objects?: { sampled: number; listed: number };
}

export async function drillBackup(backup: OpenedBackup, options: DrillOptions): Promise<DrillResult> {
  const now = options.now ?? (() => new Date());
  const { manifest } = backup;
  const expected = await readBackupSchema(backup);
  return whileInUse(backup.target, backup.id, () =>
    withShadowDatabase(
      options.env,
      {
        ...(options.scratchUrl === undefined ? {} : { adminUrl: options.scratchUrl }),
        liveVersion: manifest.server.versionNum,
        database: databaseNameOf(options.env),
        purpose: 'drill',
        embedded: 'disk',
      },
      async (scratch) => {
        const problems: string[] = [];
        const notes = [...scratch.notes];
        const started = performance.now();
        const dataAgeMs = Math.max(0, now().getTime() - Date.parse(manifest.snapshotAt));
        // A time is an RTO only when the copy it made is the backup: a failed drill proves none.
        let objects: DrillResult['objects'];
        const result = (restoreMs: number | null, checks: CheckResult[] = []): DrillResult => ({
          backupId: backup.id,
          ok: problems.length === 0,
          scratch: scratch.backing,
          restoreMs: problems.length === 0 ? restoreMs : null,
          dataAgeMs,
          tables: manifest.totals.tables,
          rows: manifest.totals.rows,
          problems,
          checks,
          notes,
          ...(objects ? { objects } : {}),
        });
        try {
          // Said before restoring: Postgres's own "is not available" names neither PGlite nor a way out.
          const missing =
            scratch.backing === 'embedded'
              ? await unavailableExtensions(scratch.db, Object.keys(expected.extensions))
              : [];
          if (missing.length > 0) {
            throw new Error(
              `the backup needs ${notShipped(missing)}; drill it on a server with --scratch-url`,
            );
          }
          const restored = await restoreBackup(backup, scratch.db, {
            marker: 'as-backed-up',
            createRoles: scratch.backing === 'embedded',
            // A scratch database nobody else uses: tables may load on two connections at once.
            parallel: 2,
            ...(options.onTable ? { onTable: options.onTable } : {}),
          });
          notes.push(...restored.skipped.map((sentence) => `left out: ${sentence}`));
        } catch (error) {
          problems.push(`the restore failed: ${(error as Error).message.split('\n')[0]}`);
          return result(null);
        }
        const restoreMs = Math.round(performance.now() - started);

        await scratch.db.withConnection(async (connection) => {
          await connection.query('set synchronize_seqscans = off');
          for (const table of manifest.tables) {
            const problem = await compareTable(connection, table);
            if (problem) problems.push(problem);
          }
        });
        const actual = await takeSnapshot(scratch.db, { excludeSchemas: [] });
        const acrossVersions = major(scratch.version) !== major(manifest.server.versionNum);
        if (acrossVersions) {
          notes.push(
            `the scratch runs Postgres ${major(scratch.version)} and the backup came from ${major(manifest.server.versionNum)}: views are compared by the columns they return`,
          );
        }
        const differences = diffSnapshots(expected, actual, {
          actual: 'the restored copy',
          expected: 'the backup',
          ignore: acrossVersions ? ['views.definition', 'extensions.version'] : [],
        });
        problems.push(...differences.map((item) => item.sentence));
        if (manifest.objects && options.objects) {
          const where = options.objects.location;
          try {
            const sample = await verifyObjectsSample(backup, manifest.objects, options.objects);
            objects = { sampled: sample.sampled, listed: sample.listed };
            problems.push(...sample.problems);
            notes.push(
              `${sample.sampled} of the ${sample.listed} objects the backup lists re-read from ${where} (at least ${OBJECTS_SAMPLE_MIN}, else 1%): size and SHA-256 compared`,
            );
          } catch (error) {
            // The store down is a failed drill that says so, not a crash: the restore itself was proven.
            problems.push(
              `the objects could not be re-read from ${where}: ${(error as Error).message.split('\n')[0]}`,
            );
          }
        } else if (manifest.objects) {
          notes.push(
            `the backup lists ${manifest.objects.count} objects; none re-read: no objects store was given`,
          );
        }
        const report = await runChecks(schemaCatalogChecks, scratchContext(options, scratch.db), {
          project: options.project.name,
          environment: options.env.name,
        });
        return result(restoreMs, report.checks);
      },
    ),
  );
}

/** What is wrong with the restored table, or undefined when its rows and checksum are the backup's. */
async function compareTable(connection: Connection, table: TableData): Promise<string | undefined> {
  const columns = table.columns.length > 0 ? ` (${table.columns.join(', ')})` : '';
  const content = partChecksums(
    connection.copyOut(`COPY ${table.qualified}${columns} TO STDOUT`),
    table.parts.map((part) => part.rows),
  );
  const { rows, sums } = await content;
  if (rows !== table.rows) return `table ${table.name} has ${rows} rows restored, the backup ${table.rows}`;
  if (tableChecksum(sums.map((sha256) => ({ sha256 }))) !== table.sha256) {
    return `table ${table.name} does not restore to the content the backup recorded`;
  }
  return undefined;
}

/**
 * SHA-256 of the COPY text cut where the backup's parts were cut (by their row counts), the last
 * part taking whatever is left; and the rows counted.
 */
async function partChecksums(chunks: AsyncIterable<Buffer>, partRows: number[]) {
  const sums: string[] = [];
  let hash = createHash('sha256');
  let part = 0;
  let left = partRows[0] ?? 0;
  let rows = 0;
  const last = partRows.length - 1;
  for await (const chunk of chunks) {
    let from = 0;
    while (part < last) {
      // Find where this part's rows end inside the chunk, if they do.
      let at = from - 1;
      while (left > 0) {
        const found = chunk.indexOf(10, at + 1);
        if (found === -1) break;
        at = found;
        left--;
      }
      if (left > 0) break;
      hash.update(chunk.subarray(from, at + 1));
      sums.push(hash.digest('hex'));
      hash = createHash('sha256');
      from = at + 1;
      part++;
      left = partRows[part] ?? 0;
    }
    hash.update(chunk.subarray(from));
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) rows++;
  }
  sums.push(hash.digest('hex'));
  return { rows, sums };
}

/** The schema checks' context, its session on the scratch copy instead of the environment's database. */
function scratchContext(options: DrillOptions, db: PostgresDatabase) {
  const now = (options.now ?? (() => new Date()))();
  return { project: options.project, env: options.env, postgres: PostgresSession.over(options.env, db), now };
}
