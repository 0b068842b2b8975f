// A project and its environments, resolved from the config: names, guards, variables, state paths.
import { join } from 'node:path';
import { readDotenv } from './config/dotenv.js';
import { type Configurable, isEnvRef } from './config/env-ref.js';
import { isGuarded } from './config/guarded.js';
import { type LoadedConfig, loadConfig } from './config/load-config.js';
import type { EnvironmentConfig, LaunchdbConfig } from './config/types.js';
import { UsageError } from './errors.js';
import { suggest } from './suggest.js';

export { ALWAYS_GUARDED } from './config/guarded.js';

export interface Environment {
  project: string;
  name: string;
  /** Changes need confirmation: `production`, or `guarded: true` in the config. */
  guarded: boolean;
  config: EnvironmentConfig;
  /** The project root (the config file's folder). */
  root: string;
  /** `.launchdb/` under the root: embedded data, secrets, local records. */
  stateDir: string;
  /** Process environment merged over the project's `.env` files for this environment. */
  vars: Record<string, string>;
}

export class Project {
  readonly config: LaunchdbConfig;
  readonly file: string;
  readonly root: string;

  constructor(loaded: LoadedConfig) {
    this.config = loaded.config;
    this.file = loaded.file;
    this.root = loaded.root;
  }

  static async load(cwd: string, configFile?: string): Promise<Project> {
    return new Project(await loadConfig(cwd, configFile));
  }

  get name(): string {
    return this.config.project;
  }

  get stateDir(): string {
    return join(this.root, '.launchdb');
  }

  environmentNames(): string[] {
    return Object.keys(this.config.environments);
  }

  /** The named environment; an undeclared name is bad input listing the declared ones. */
  environment(name: string): Environment {
    const config = this.config.environments[name];
    if (!config) {
      const guess = suggest(name, this.environmentNames());
      throw new UsageError(
        `environment "${name}" is not declared in ${this.file.split('/').pop()}; declared: ${this.environmentNames().join(', ')}`,
        { fix: guess ? `did you mean --env ${guess}?` : 'add it under `environments` in the config' },
      );
    }
    return {
      project: this.name,
      name,
      guarded: isGuarded(name, config),
      config,
      root: this.root,
      stateDir: this.stateDir,
      vars: readDotenv(this.root, name),
    };
  }
}

/** A config value with `env('NAME')` read from the environment's variables; unset is bad input naming it. */
export function resolveValue(
  env: Environment,
  value: Configurable<string> | undefined,
  path: string,
): string | undefined {
  if (value === undefined || !isEnvRef(value)) return value;
  const found = env.vars[value.name];
  if (found !== undefined && found !== '') return found;
  if (value.fallback !== undefined) return value.fallback;
  throw new UsageError(
    `environment variable ${value.name} is not set (needed by ${path} for environment ${env.name})`,
    { fix: `set ${value.name} in the environment or in .env.${env.name}` },
  );
}
