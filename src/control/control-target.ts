// Where the project's control database is: resolved as flag, config, variable, embedded default,
// the order every other URL setting follows (see resolveAdminUrl in stores/postgres/target.ts).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readDotenv } from '../core/config/dotenv.js';
import { isEnvRef } from '../core/config/env-ref.js';
import { UsageError } from '../core/errors.js';
import type { Project } from '../core/project.js';
import { checkPostgresUrl, describeUrl } from '../stores/postgres/connection-url.js';

export const CONTROL_URL_VARIABLE = 'LAUNCHDB_CONTROL_URL';

export type ControlTarget = EmbeddedControl | ServerControl;

export interface EmbeddedControl {
  backing: 'embedded';
  dataDir: string;
  /** The folder relative to the project root, for output. */
  location: string;
}

export interface ServerControl {
  backing: 'server';
  url: string;
  /** Where the URL came from, for messages: `--control-url`, `control.url`, `$LAUNCHDB_CONTROL_URL`. */
  source: string;
  /** `host:port/database`, safe to print. */
  location: string;
}

export interface ControlTargetOptions {
  /** A URL given on the command line; wins over the config and the variable. */
  url?: string;
}

/** The control database of `project`: a server when a URL is given anywhere, else embedded. */
export function resolveControlTarget(project: Project, options: ControlTargetOptions = {}): ControlTarget {
  const server = (url: string, source: string): ServerControl => {
    checkPostgresUrl(url, source);
    return { backing: 'server', url, source, location: describeUrl(url) };
  };
  if (options.url) return server(options.url, '--control-url');
  const vars = readDotenv(project.root);
  const configured = project.config.control?.url;
  if (isEnvRef(configured)) {
    const value = vars[configured.name] || configured.fallback;
    if (!value) {
      throw new UsageError(`environment variable ${configured.name} is not set (needed by control.url)`, {
        fix: `set ${configured.name} in the environment or in .env, or remove control.url for the embedded control database`,
      });
    }
    return server(value, `control.url (from $${configured.name})`);
  }
  // A literal URL was checked by the config's schema; checked again here, it names the same path.
  if (configured) return server(configured, 'control.url');
  const variable = vars[CONTROL_URL_VARIABLE];
  if (variable) return server(variable, `$${CONTROL_URL_VARIABLE}`);
  return {
    backing: 'embedded',
    dataDir: join(project.stateDir, 'control', 'postgres'),
    location: '.launchdb/control/postgres',
  };
}

/** An embedded control database nobody has opened yet: nothing is recorded there, and a reader must not create it. */
export function controlNotCreatedYet(target: ControlTarget): boolean {
  return target.backing === 'embedded' && !existsSync(target.dataDir);
}
