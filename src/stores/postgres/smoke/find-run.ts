// Where a smoke run's rows are: in the environment under test (is the record in the store? is it
// gone after the clean-up?) and in the project's other environments, for the wrong-store diagnosis:
// "the app wrote to staging (shop_staging), not production".
import { existsSync } from 'node:fs';
import { firstLine } from '../../../core/errors.js';
import type { Project } from '../../../core/project.js';
import { redactText } from '../../../core/redact.js';
import type { RecordPlace } from '../../../smoke/spec.js';
import type { PostgresDatabase, Queryable } from '../database.js';
import { openEmbedded } from '../embedded.js';
import { useWithin } from '../open-within.js';
import { openServer } from '../server.js';
import { connectTimeoutOf, type PostgresTarget, resolvePostgresTarget } from '../target.js';
import { carriesRunId, resolvePlaces } from './record-places.js';

export interface PlaceRows {
  place: RecordPlace;
  rows: number;
  /** The place cannot be read in this database (no such table or column, no privilege): said, not thrown. */
  missing?: string;
}

/** Per place, how many rows carry the run id anywhere in the column's text. */
export async function findRunRows(
  db: Queryable,
  places: readonly RecordPlace[],
  runId: string,
): Promise<PlaceRows[]> {
  const counted: PlaceRows[] = [];
  for (const resolved of await resolvePlaces(db, places)) {
    if (resolved.missing !== undefined) {
      counted.push({ place: resolved.place, rows: 0, missing: resolved.missing });
      continue;
    }
    const { rows } = await db.query<{ rows: string | number }>(
      `select count(*)::int8 as rows from ${resolved.relation} where ${carriesRunId(resolved, '$1')}`,
      [runId],
    );
    counted.push({ place: resolved.place, rows: Number(rows[0]?.rows ?? 0) });
  }
  return counted;
}

export interface FoundElsewhere {
  environment: string;
  /** The database, as the message names it: `shop_staging`, or `.launchdb/staging/postgres`. */
  location: string;
  rows: number;
  places: { place: RecordPlace; rows: number }[];
}

export interface ElsewhereResult {
  found: FoundElsewhere[];
  /** Environments that could not be searched, and why: the diagnosis is only as wide as these allow. */
  notes: string[];
}

/** Time for the search once connected. */
const SEARCH_GRACE_MS = 5_000;

/**
 * Searches every other environment with a Postgres store for rows carrying the run id, all at once,
 * each as its read-only role where there is one and within its connect timeout (plus a grace for the
 * search); an environment that cannot be reached is a note, not a failure.
 */
export async function findRunElsewhere(
  project: Project,
  current: string,
  places: readonly RecordPlace[],
  runId: string,
  options: { connectTimeoutMs?: number } = {},
): Promise<ElsewhereResult> {
  const here = databaseIdentity(project, current);
  const searches = project
    .environmentNames()
    .filter((name) => name !== current && project.environment(name).config.postgres !== undefined)
    .map((name) => searchEnvironment(project, name, here, places, runId, options.connectTimeoutMs));
  const outcomes = await Promise.all(searches);
  return {
    found: outcomes.flatMap((outcome) => ('found' in outcome ? [outcome.found] : [])),
    notes: outcomes.flatMap((outcome) => ('note' in outcome ? [outcome.note] : [])),
  };
}

type Outcome = { found: FoundElsewhere } | { note: string } | { nothing: true };

async function searchEnvironment(
  project: Project,
  name: string,
  here: string | undefined,
  places: readonly RecordPlace[],
  runId: string,
  connectTimeoutMs: number | undefined,
): Promise<Outcome> {
  const env = project.environment(name);
  let target: PostgresTarget | undefined;
  try {
    target = resolvePostgresTarget(env);
  } catch (error) {
    return { note: `${name}: not searched: ${problemOf(error)}` };
  }
  if (!target) return { nothing: true };
  if (identityOf(target) === here) {
    return { note: `${name}: not searched: it uses the same database as the environment under test` };
  }
  const timeoutMs = connectTimeoutOf(env, connectTimeoutMs);
  let open: () => Promise<PostgresDatabase>;
  let location: string;
  if (target.backing === 'embedded') {
    // Opening would create it: an embedded database never attached holds nothing.
    if (!existsSync(target.dataDir)) return { nothing: true };
    const { dataDir } = target;
    location = target.location;
    open = () => openEmbedded(dataDir, { root: env.root, command: 'smoke', lockWaitMs: timeoutMs });
  } else {
    const url = target.readonlyUrl ?? target.url;
    location = target.database;
    open = () => openServer(url, { connectTimeoutMs: timeoutMs, max: 1, applicationName: 'launchdb smoke' });
  }
  let searched: PlaceRows[] | 'timeout';
  try {
    searched = await useWithin(open, (db) => findRunRows(db, places, runId), timeoutMs + SEARCH_GRACE_MS);
  } catch (error) {
    return { note: `${name} (${location}): not searched: ${problemOf(error)}` };
  }
  if (searched === 'timeout') {
    return {
      note: `${name} (${location}): not searched: no answer within ${seconds(timeoutMs + SEARCH_GRACE_MS)}`,
    };
  }
  const rows = searched.reduce((sum, place) => sum + place.rows, 0);
  if (rows === 0) return { nothing: true };
  return {
    found: {
      environment: name,
      location,
      rows,
      places: searched.filter((place) => place.rows > 0).map(({ place, rows }) => ({ place, rows })),
    },
  };
}

/** What makes two environments one database: the server's address and database, or the data folder. */
function identityOf(target: PostgresTarget): string {
  return target.backing === 'embedded' ? target.dataDir : `${target.host}:${target.port}/${target.database}`;
}

function databaseIdentity(project: Project, name: string): string | undefined {
  try {
    const target = resolvePostgresTarget(project.environment(name));
    return target ? identityOf(target) : undefined;
  } catch {
    return undefined;
  }
}

/** An error's first line, any password in it masked: notes about other environments are printed. */
function problemOf(error: unknown): string {
  return redactText(firstLine(error));
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}
