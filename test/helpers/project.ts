// A throwaway project folder with a launchdb config, removed after the test file.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { uniqueName } from './databases.js';

export interface TempProject {
  dir: string;
  /** The project name, unique per test so server databases never collide. */
  name: string;
  write(file: string, text: string): void;
  remove(): void;
}

/**
 * Creates a project whose config is `config` (a JS object literal as text, or undefined for the
 * default: development, staging, production, all embedded). `{project}` is replaced by its name:
 * unique unless given (a copy of another project's databases must keep that project's name).
 */
export function tempProject(config?: string, name = uniqueName('p')): TempProject {
  const dir = mkdtempSync(join(tmpdir(), 'launchdb-project-'));
  const body =
    config ??
    `{
  project: '{project}',
  environments: {
    development: { postgres: {} },
    staging: { postgres: {} },
    production: { postgres: {} },
  },
}`;
  const project: TempProject = {
    dir,
    name,
    write(file, text) {
      const path = join(dir, file);
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, text);
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
  project.write(
    'launchdb.config.ts',
    `import { defineConfig, env } from 'launchdb';\n\nexport default defineConfig(${body.replaceAll('{project}', name)});\n`,
  );
  return project;
}
