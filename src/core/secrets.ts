// Per-environment secrets written by `attach`: `.launchdb/secrets/<env>.env`, mode 0600.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readEnvFile } from './config/dotenv.js';

export function secretsFile(stateDir: string, environment: string): string {
  return join(stateDir, 'secrets', `${environment}.env`);
}

export function readSecrets(stateDir: string, environment: string): Record<string, string> {
  return readEnvFile(secretsFile(stateDir, environment));
}

/** Merges `values` into the environment's secrets file, readable by its owner only. */
export function writeSecrets(stateDir: string, environment: string, values: Record<string, string>): string {
  const file = secretsFile(stateDir, environment);
  mkdirSync(join(stateDir, 'secrets'), { recursive: true, mode: 0o700 });
  const merged = { ...readSecrets(stateDir, environment), ...values };
  const text = Object.entries(merged)
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`)
    .join('\n');
  writeFileSync(file, `# written by launchdb attach; keep it secret\n${text}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}
