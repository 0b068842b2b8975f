// GET /env/:env/migrations: every migration and its state, as `launchdb migrate status` reads them
// (the project's files against the history, read as the read-only role), the lint of the files
// `migrate up` would apply next, and the last recorded drift check.
import type { Environment, Project } from '../../core/project.js';
import { readHistory } from '../../stores/postgres/migrate/history.js';
import { readMigrationLayout } from '../../stores/postgres/migrate/layouts/index.js';
import { type LintFinding, lintMigrations } from '../../stores/postgres/migrate/lint/lint.js';
import { lintInputOf } from '../../stores/postgres/migrate/lint-gate.js';
import type { MigrationFile } from '../../stores/postgres/migrate/migration-files.js';
import { migrationSettings } from '../../stores/postgres/migrate/migration-settings.js';
import { type MigrationStatus, migrationStatus } from '../../stores/postgres/migrate/status.js';
import type { ConsoleRoute } from '../console-context.js';
import { problemOf } from '../problem-of.js';
import { readEnvironment } from '../read-environment.js';
import { MigrationsView } from '../views/migrations-view.js';
import { environmentOf } from './environment-route.js';

/** A parser pass per file on a page view: cheap for a few; `launchdb migrate lint` does any number. */
export const LINTED_PENDING_MAX = 20;

export interface MigrationsTab {
  /** The migrations folder, relative to the project root. */
  dir: string;
  /** Files the layout passed over on purpose, a line each (as `migrate status` prints them). */
  notes: string[];
  /** The files against the history, or in one line why they cannot be compared. */
  status: { ok: true; value: MigrationStatus; where: string } | { ok: false; reason: string };
  lint?: PendingLint;
}

export type PendingLint =
  | { ok: true; linted: number; pending: number; findings: LintFinding[] }
  | { ok: false; reason: string };

export const migrationsPage: ConsoleRoute = {
  method: 'GET',
  path: '/env/:env/migrations',
  access: 'viewer',
  async handle(c) {
    const env = await environmentOf(c);
    if (env instanceof Response) return env;
    const { project } = c.var.deps;
    const tab = await readMigrationsTab(project, project.environment(env.name));
    return c.html(
      <MigrationsView project={project.name} session={c.var.session!} env={env} tab={tab} now={new Date()} />,
    );
  },
};

async function readMigrationsTab(project: Project, environment: Environment): Promise<MigrationsTab> {
  const settings = migrationSettings(project);
  let reading: ReturnType<typeof readMigrationLayout>;
  try {
    reading = readMigrationLayout(project.root, settings);
  } catch (error) {
    return { dir: settings.dir, notes: [], status: { ok: false, reason: problemOf(error) } };
  }
  const history = await readEnvironment(environment, (db) => readHistory(db));
  if (!history.ok) return { dir: settings.dir, notes: reading.notes, status: history };
  const status = migrationStatus(reading.files, history.value);
  // What `migrate up` applies next: pending files, and out-of-order ones once allowed.
  const next = [...status.outOfOrder, ...status.pending].sort((a, b) => a.version.localeCompare(b.version));
  return {
    dir: settings.dir,
    notes: reading.notes,
    status: { ok: true, value: status, where: history.where },
    ...(next.length > 0 ? { lint: await lintPending(next, settings.sessionLockTimeoutMs > 0) } : {}),
  };
}

/** The same lint as `launchdb migrate lint`, over the first LINTED_PENDING_MAX files only. */
async function lintPending(files: MigrationFile[], sessionLockTimeout: boolean): Promise<PendingLint> {
  const linted = files.slice(0, LINTED_PENDING_MAX);
  try {
    const findings = await lintMigrations(linted.map(lintInputOf), { sessionLockTimeout });
    return { ok: true, linted: linted.length, pending: files.length, findings };
  } catch (error) {
    // A file changed or removed since it was listed, or that is not UTF-8: said, not a 500.
    return { ok: false, reason: problemOf(error) };
  }
}
