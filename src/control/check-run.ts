// One `check` run as the verdict history keeps it: a row of launchdb_control.check_runs, and the
// same object as a pending file's JSON line.
import type { Report, Verdict } from '../core/checks/report.js';
import { redactText } from '../core/redact.js';
import type { PostgresDatabase } from '../stores/postgres/database.js';
import type { CheckRunVia } from './check-run-via.js';

export interface CheckRunRecord {
  /** Unique per run: an ingest repeated after a crash inserts nothing twice. */
  runKey: string;
  project: string;
  environment: string;
  verdict: Verdict;
  /** ISO 8601. */
  startedAt: string;
  durationMs: number;
  launchdbVersion: string;
  actor: string;
  /** Where it ran: `ci` is a deploy gate. Absent in runs recorded before it was kept. */
  via?: CheckRunVia;
  checks: CheckRunCheck[];
}

export interface CheckRunCheck {
  id: string;
  area: string;
  status: string;
  durationMs: number;
  summary: string;
  /** What to do about a warn or fail, when the check says: the console shows it beside the check. */
  fix?: string;
}

export function checkRunOf(
  report: Report,
  run: { runKey: string; startedAt: Date; actor: string; via: CheckRunVia; launchdbVersion: string },
): CheckRunRecord {
  return {
    runKey: run.runKey,
    project: report.project,
    environment: report.environment,
    verdict: report.verdict,
    startedAt: run.startedAt.toISOString(),
    durationMs: Math.max(0, Math.round(report.durationMs)),
    launchdbVersion: run.launchdbVersion,
    actor: run.actor,
    via: run.via,
    checks: report.checks.map(({ id, area, status, durationMs, summary, fix }) => ({
      id,
      area,
      status,
      durationMs: Math.round(durationMs),
      // Kept for good: a URL's password in a summary would outlive every terminal that masked it.
      summary: redactText(summary),
      ...(fix ? { fix: redactText(fix) } : {}),
    })),
  };
}

/** Inserts the runs in one statement; a run key already there is skipped. Returns how many were new. */
export async function insertCheckRuns(
  db: Pick<PostgresDatabase, 'query'>,
  records: readonly CheckRunRecord[],
): Promise<number> {
  if (records.length === 0) return 0;
  const { rows } = await db.query<{ inserted: number }>(
    `with inserted as (
       insert into launchdb_control.check_runs
         (run_key, project, environment, verdict, started_at, duration_ms, launchdb_version, actor, via, checks)
       select r."runKey", r.project, r.environment, r.verdict, r."startedAt", r."durationMs",
              r."launchdbVersion", r.actor, r.via, r.checks
         from jsonb_to_recordset($1::jsonb) as r(
           "runKey" text, project text, environment text, verdict text, "startedAt" timestamptz,
           "durationMs" integer, "launchdbVersion" text, actor text, via text, checks jsonb)
       on conflict (run_key) do nothing
       returning 1
     )
     select count(*)::int as inserted from inserted`,
    [JSON.stringify(records)],
  );
  return rows[0]?.inserted ?? 0;
}
