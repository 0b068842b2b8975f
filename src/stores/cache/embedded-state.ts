// What launchdb records of an environment's private redis-server: `.launchdb/<env>/cache/server.json`
// (mode 0600), its port, its process and its password, so the next command reuses it.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface EmbeddedState {
  port: number;
  pid: number;
  password: string;
  startedAt: string;
}

export function embeddedStateFile(folder: string): string {
  return join(folder, 'server.json');
}

/** The recorded server, or undefined when launchdb never started one here. */
export function readEmbeddedState(folder: string): EmbeddedState | undefined {
  try {
    const state = JSON.parse(readFileSync(embeddedStateFile(folder), 'utf8')) as Partial<EmbeddedState>;
    if (typeof state.port !== 'number' || typeof state.password !== 'string') return undefined;
    return {
      port: state.port,
      pid: Number(state.pid),
      password: state.password,
      startedAt: String(state.startedAt ?? ''),
    };
  } catch {
    return undefined;
  }
}

export function writeEmbeddedState(folder: string, state: EmbeddedState): void {
  const file = embeddedStateFile(folder);
  writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}
