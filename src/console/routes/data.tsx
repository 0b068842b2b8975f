// GET /env/:env/data: the data launchdb put there on purpose — the seed log against the project's seed
// files, as `launchdb seed --status` reads it, and the app's admins with their recorded owners, as
// `launchdb admin list` reads them (both as the read-only role) — and the last recorded demo-data scan.
import type { Environment, Project } from '../../core/project.js';
import { type ListedAdmin, listAdmins, requireAdminConfig } from '../../stores/postgres/admin/list-admins.js';
import { readSeedFiles, seedsDir } from '../../stores/postgres/seed/seed-files.js';
import { readSeedLog } from '../../stores/postgres/seed/seed-log.js';
import { type SeedStatus, seedStatus } from '../../stores/postgres/seed/seed-status.js';
import type { ConsoleRoute } from '../console-context.js';
import { attempt, type Outcome } from '../problem-of.js';
import { readEnvironment } from '../read-environment.js';
import { DataTabView } from '../views/data-view.js';
import { environmentOf } from './environment-route.js';

export interface DataTab {
  /** The seeds folder, relative to the project root. */
  seedsDir: string;
  /** Both parts come from one session; when it cannot be opened, one line says why. */
  read:
    | { ok: true; where: string; seeds: Outcome<SeedStatus>; admins: Outcome<ListedAdmin[]> }
    | { ok: false; reason: string };
}

export const dataPage: ConsoleRoute = {
  method: 'GET',
  path: '/env/:env/data',
  access: 'viewer',
  async handle(c) {
    const env = await environmentOf(c);
    if (env instanceof Response) return env;
    const { project } = c.var.deps;
    const tab = await readDataTab(project, project.environment(env.name));
    return c.html(
      <DataTabView project={project.name} session={c.var.session!} env={env} tab={tab} now={new Date()} />,
    );
  },
};

async function readDataTab(project: Project, environment: Environment): Promise<DataTab> {
  // The project's own files and config first: a bad seed file name or no `admin` section is said
  // beside the other part, not instead of it.
  const files = await attempt(() => readSeedFiles(project));
  const admin = await attempt(() => requireAdminConfig(project.config, project.file));
  const read = await readEnvironment(environment, async (db) => {
    const log = await readSeedLog(db);
    const seeds: Outcome<SeedStatus> = files.ok
      ? { ok: true, value: seedStatus(files.value, log, { guarded: environment.guarded }) }
      : files;
    // A failing admin.list (the app's table not migrated yet) is said in its part of the page.
    const admins = admin.ok ? await attempt(() => listAdmins(db, admin.value, environment.name)) : admin;
    return { seeds, admins };
  });
  return {
    seedsDir: seedsDir(project),
    read: read.ok ? { ok: true, where: read.where, ...read.value } : read,
  };
}
