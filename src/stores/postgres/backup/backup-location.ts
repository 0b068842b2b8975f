// Where an environment's backups are kept: `backups.dir` (or `.launchdb/backups`), one folder per environment.
import { isAbsolute, join, relative } from 'node:path';
import type { Environment, Project } from '../../../core/project.js';
import { LocalTarget } from './local-target.js';

/** The environment's backup target; `dir` (a flag) wins over the config. */
export function backupTargetOf(project: Project, env: Environment, dir?: string): LocalTarget {
  const base = dir ?? project.config.backups?.dir ?? join(project.stateDir, 'backups');
  const root = isAbsolute(base) ? base : join(project.root, base);
  const folder = join(root, env.name);
  return new LocalTarget(folder, relative(project.root, folder) || '.');
}
