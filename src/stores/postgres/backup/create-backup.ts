// Takes a backup: the catalog snapshot and every table's rows from one consistent snapshot, copied
// by parallel workers on a server, compressed, encrypted and sealed when a passphrase or age recipients
// are set, and listed only when whole.
import { randomBytes } from 'node:crypto';
import { newBackupKeys } from '../../../backup/backup-key.js';
import type { BackupSecrets } from '../../../backup/backup-secrets.js';
import { bytesOf, type Codec, encode, measure } from '../../../backup/data-codec.js';
import type { BackupTarget, BackupWriter } from '../../../backup/local-target.js';
import { type TableProgress, TableTally } from '../../../backup/table-progress.js';
import { VERSION } from '../../../version.js';
import { backUpObjects } from '../../objects/backup-objects.js';
import type { ObjectStore } from '../../objects/object-store.js';
import { readSignedHead } from '../audit/read-trail.js';
import type { PostgresDatabase, Queryable } from '../database.js';
import { snapshotChecksum, takeSnapshot } from '../schema/snapshot.js';
import {
  type CopyJob,
  copyJobs,
  sequencePositions,
  type TableToCopy,
  tablesToCopy,
} from './backup-contents.js';
import {
  type BackupManifest,
  type DataPart,
  MANIFEST_FILE,
  MANIFEST_FORMAT,
  sealManifest,
  type TableData,
  tableChecksum,
} from './manifest.js';

export const SCHEMA_FILE = 'schema.json.gz';

export interface CreateBackupOptions {
  project: string;
  environment: string;
  target: BackupTarget;
  /** What encrypts it: age recipients, else a passphrase; without either it is not encrypted. */
  secrets?: BackupSecrets;
  /** gzip level. Default 1. */
  level?: number;
  /** Copy connections on a server. Default 2. */
  workers?: number;
  now?: () => Date;
  /** Called as each part of a table is through (a table's last one has `complete`). */
  onTable?: (progress: TableProgress) => void;
  /** Tables with more pages than this are copied in ranges when several workers copy. Default 16384 (128 MB). */
  rangePages?: number;
  /** Abandons the backup (its partial files removed) before the next table, when aborted. */
  signal?: AbortSignal;
  /** The environment's objects, listed with each one's size and SHA-256 after the tables are read. */
  objects?: ObjectStore;
}

export interface BackupResult {
  id: string;
  path: string;
  tables: number;
  rows: number;
  bytes: number;
  durationMs: number;
  encrypted: boolean;
  /** Objects listed in the backup, when it includes them. */
  objects?: number;
  /** Unfinished backups of processes that are gone, removed before this one started. */
  cleaned: string[];
}

/** `production-20261126-013000-a1b2`: the environment, the UTC time, and a random tail. */
export function newBackupId(environment: string, at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${environment}-${stamp}-${randomBytes(2).toString('hex')}`;
}

export async function createBackup(
  db: PostgresDatabase,
  options: CreateBackupOptions,
): Promise<BackupResult> {
  const now = options.now ?? (() => new Date());
  const started = performance.now();
  const cleaned = await options.target.cleanLeftovers();
  const id = newBackupId(options.environment, now());
  const made = await newBackupKeys(options.secrets ?? {});
  const keys = made?.keys;
  const codec: Codec = { level: options.level ?? 1, ...(keys ? { key: keys.data } : {}) };
  const writer = await options.target.begin(id);
  let tally = new TableTally(0);
  let pagesTotal = 0;
  try {
    const read = await readConsistently(
      db,
      options.workers ?? 2,
      options.rangePages,
      async (coordinator, tables, copyAll) => {
        tally = new TableTally(tables.length);
        pagesTotal = tables.reduce((sum, table) => sum + table.pages, 0);
        const snapshotAt = await currentTime(coordinator);
        const snapshot = await takeSnapshot(coordinator, { excludeSchemas: [] });
        const schemaFile = await writer.write(
          SCHEMA_FILE,
          encode(bytesOf(Buffer.from(JSON.stringify(snapshot))), codec, SCHEMA_FILE),
        );
        const sequences = await sequencePositions(coordinator);
        // The trail's head as the backup holds it: read in the same snapshot as its rows.
        const audit = await readSignedHead(coordinator);
        const data = await copyAll((connection, job) => copyPart(connection, job, writer, codec));
        return {
          audit,
          snapshotAt,
          schema: { checksum: snapshotChecksum(snapshot), file: schemaFile },
          sequences,
          data,
          tables,
        };
      },
    );
    const { rows: server } = await db.query<{ version: string; num: number }>(
      `select current_setting('server_version') as version, current_setting('server_version_num')::int as num`,
    );
    const tables = read.data;
    // After the snapshot: objects written meanwhile may be listed though no row names them yet.
    const objects = options.objects
      ? await backUpObjects(options.objects, writer, codec, options.signal ? { signal: options.signal } : {})
      : undefined;
    const manifest: BackupManifest = {
      format: MANIFEST_FORMAT,
      id,
      project: options.project,
      environment: options.environment,
      launchdb: VERSION,
      server: { version: server[0]?.version ?? '', versionNum: server[0]?.num ?? 0, backing: db.backing },
      snapshotAt: read.snapshotAt,
      finishedAt: now().toISOString(),
      durationMs: Math.round(performance.now() - started),
      compression: { algorithm: 'gzip', level: codec.level },
      encryption: made?.encryption ?? null,
      schema: read.schema,
      tables,
      sequences: read.sequences,
      totals: {
        tables: tables.length,
        rows: tables.reduce((sum, table) => sum + table.rows, 0),
        rawBytes: tables.reduce((sum, table) => sum + table.rawBytes, 0),
        bytes: tables.reduce(
          (sum, table) => sum + table.parts.reduce((bytes, part) => bytes + part.file.bytes, 0),
          read.schema.file.bytes + (objects?.file.bytes ?? 0),
        ),
      },
      ...(read.audit ? { audit: read.audit } : {}),
      ...(objects ? { objects } : {}),
    };
    await writer.writeText(
      MANIFEST_FILE,
      `${JSON.stringify(sealManifest(manifest, keys?.manifest), null, 2)}\n`,
    );
    options.signal?.throwIfAborted();
    await writer.commit();
    return {
      id,
      path: `${options.target.location}/${id}`,
      tables: tables.length,
      rows: manifest.totals.rows,
      bytes: manifest.totals.bytes,
      durationMs: manifest.durationMs,
      encrypted: keys !== undefined,
      ...(objects ? { objects: objects.count } : {}),
      cleaned,
    };
  } catch (error) {
    await writer.abort().catch(() => {});
    throw error;
  }

  async function copyPart(
    connection: CopyConnection,
    job: CopyJob,
    out: BackupWriter,
    how: Codec,
  ): Promise<DataPart> {
    options.signal?.throwIfAborted();
    const { table } = job;
    const number = String(job.index + 1).padStart(5, '0');
    const path = job.parts === 1 ? `data/${number}.copy.gz` : `data/${number}.${job.part + 1}.copy.gz`;
    const columns = table.columns.length > 0 ? table.columns.join(', ') : '';
    const statement = job.where
      ? `COPY (SELECT ${columns || '*'} FROM ${table.qualified} WHERE ${job.where}) TO STDOUT`
      : `COPY ${table.qualified}${columns ? ` (${columns})` : ''} TO STDOUT`;
    const plain = measure(connection.copyOut(statement));
    const file = await out.write(path, encode(plain.chunks, how, path));
    const measured = plain.result();
    const pages = table.pages / job.parts / Math.max(pagesTotal, 1);
    options.onTable?.(tally.part(table.name, job.parts, measured.rows, measured.bytes, pages));
    return { file, rows: measured.rows, sha256: measured.sha256, rawBytes: measured.bytes };
  }
}

async function currentTime(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ at: Date | string }>('select transaction_timestamp() as at');
  return new Date(rows[0]?.at ?? Date.now()).toISOString();
}

type CopyConnection = Queryable & { copyOut(statement: string): AsyncIterable<Buffer> };
type CopyAll = (
  copy: (connection: CopyConnection, job: CopyJob) => Promise<DataPart>,
) => Promise<TableData[]>;

/**
 * Runs `fn` inside one repeatable-read, read-only transaction (the snapshot). On a server, extra
 * workers join that very snapshot (`pg_export_snapshot`) on their own connections, so tables copy in
 * parallel and still agree with each other and with the schema.
 */
async function readConsistently<T>(
  db: PostgresDatabase,
  workers: number,
  rangePages: number | undefined,
  fn: (coordinator: Queryable, tables: TableToCopy[], copyAll: CopyAll) => Promise<T>,
): Promise<T> {
  return db.withConnection(async (coordinator) => {
    await coordinator.query('begin isolation level repeatable read, read only');
    try {
      // A synchronized scan could start mid-table; rows must come in the table's own order.
      await coordinator.query('set local synchronize_seqscans = off');
      const tables = await tablesToCopy(coordinator);
      const parallel = db.capabilities.sessions ? Math.max(1, Math.min(workers, tables.length)) : 1;
      const exported =
        parallel > 1
          ? (await coordinator.query<{ id: string }>('select pg_export_snapshot() as id')).rows[0]?.id
          : undefined;
      const copyAll: CopyAll = async (copy) => {
        const jobs = copyJobs(tables, parallel, rangePages);
        const done: DataPart[] = new Array(jobs.length);
        let next = 0;
        const work = async (connection: CopyConnection) => {
          for (let i = next++; i < jobs.length; i = next++)
            done[i] = await copy(connection, jobs[i] as CopyJob);
        };
        const helpers = Array.from({ length: parallel - 1 }, () =>
          db.withConnection(async (worker) => {
            await worker.query('begin isolation level repeatable read, read only');
            try {
              await worker.query(`set transaction snapshot '${exported}'`);
              await worker.query('set local synchronize_seqscans = off');
              await work(worker);
            } finally {
              await worker.query('commit').catch(() => {});
            }
          }),
        );
        await Promise.all([work(coordinator), ...helpers]);
        return tables.map((table, index) => {
          const parts = done.filter((_, i) => jobs[i]!.index === index);
          return {
            name: table.name,
            qualified: table.qualified,
            columns: table.columns,
            rows: parts.reduce((sum, part) => sum + part.rows, 0),
            sha256: tableChecksum(parts),
            rawBytes: parts.reduce((sum, part) => sum + part.rawBytes, 0),
            parts,
          };
        });
      };
      return await fn(coordinator, tables, copyAll);
    } finally {
      await coordinator.query('commit').catch(() => {});
    }
  });
}
