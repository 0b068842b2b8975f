// The person's own DATABASE_URL, with their generated password, in a file only its owner reads:
// `.launchdb/secrets/access-<env>-<person>.env`, written where the grant or approval ran, for that
// person to be handed. Never printed (unless --print-secrets asks), never logged.
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function personalSecretFile(stateDir: string, environment: string, person: string): string {
  return join(stateDir, 'secrets', `access-${environment}-${person}.env`);
}

export interface PersonalSecret {
  person: string;
  environment: string;
  level: string;
  expires: Date;
  /** `postgresql://<role>:<password>@host:port/database`. */
  url: string;
}

/** Readable by its owner only from the first byte: an older file is removed, not rewritten. */
export function writePersonalSecretFile(file: string, secret: PersonalSecret): void {
  mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
  rmSync(file, { force: true });
  const text = [
    `# launchdb personal access: ${secret.person}, ${secret.level}, environment ${secret.environment}, until ${secret.expires.toISOString()}`,
    '# hand it to them over a safe channel, then delete this file; launchdb ends the access at its expiry',
    `DATABASE_URL=${JSON.stringify(secret.url)}`,
    '',
  ].join('\n');
  writeFileSync(file, text, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
}
