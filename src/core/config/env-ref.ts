// `env('NAME')` in a config: a value read from the environment when an environment is resolved,
// so a variable needed only by production is not required to work on development.

const ENV_REF = Symbol.for('launchdb.env-ref');

export interface EnvRef {
  readonly [ENV_REF]: true;
  /** The variable's name. */
  readonly name: string;
  /** Used when the variable is unset; without it, an unset variable is an error naming it. */
  readonly fallback?: string;
}

/**
 * Reads a value from the process environment or the project's `.env` files.
 * @example postgres: { url: env('DATABASE_URL') }
 */
export function env(name: string, fallback?: string): EnvRef {
  return fallback === undefined ? { [ENV_REF]: true, name } : { [ENV_REF]: true, name, fallback };
}

export function isEnvRef(value: unknown): value is EnvRef {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[ENV_REF] === true;
}

export type Configurable<T> = T | EnvRef;
