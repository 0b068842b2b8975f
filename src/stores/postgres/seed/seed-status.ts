// Seed files against the seed log: applied, pending, changed since applied, or applied with the file gone.
import { SEED_KINDS, type SeedFile, type SeedKind } from './seed-files.js';
import type { AppliedSeed } from './seed-log.js';

export type SeedState = 'applied' | 'pending' | 'changed' | 'missing';

export interface SeedStatusEntry {
  kind: SeedKind;
  name: string;
  state: SeedState;
  /** Path relative to the project root; absent when the file is gone. */
  file?: string;
  /** The latest application, when there was one. */
  appliedAt?: string;
  appliedBy?: string;
}

export interface SeedStatus {
  /** Files in kind then name order (reference first), then log entries whose file is gone. */
  entries: SeedStatusEntry[];
  applied: number;
  pending: SeedStatusEntry[];
  /** Applied files whose content changed since their latest application. */
  changed: SeedStatusEntry[];
  /** Applied seeds whose file is gone. */
  missing: SeedStatusEntry[];
  /** In a production-like environment: demo seeds the log says were applied to it. */
  demoApplied: SeedStatusEntry[];
}

export interface SeedStatusOptions {
  /** Only these kinds are judged. Default both. */
  kinds?: readonly SeedKind[];
  /**
   * The environment is production-like: demo files never apply there, so they are not pending; a
   * demo seed applied there anyway is listed and counted in `demoApplied`.
   */
  guarded?: boolean;
}

/** `log` holds the latest application of each file (`readSeedLog`). */
export function seedStatus(
  files: readonly SeedFile[],
  log: readonly AppliedSeed[],
  options: SeedStatusOptions = {},
): SeedStatus {
  const kinds = options.kinds ?? SEED_KINDS;
  const latest = new Map(log.map((entry) => [`${entry.kind}/${entry.name}`, entry]));
  const status: SeedStatus = {
    entries: [],
    applied: 0,
    pending: [],
    changed: [],
    missing: [],
    demoApplied: [],
  };
  const present = new Set<string>();
  for (const kind of kinds) {
    for (const file of files.filter((candidate) => candidate.kind === kind)) {
      present.add(`${kind}/${file.name}`);
      const applied = latest.get(`${kind}/${file.name}`);
      const state: SeedState = !applied
        ? 'pending'
        : applied.checksum === file.checksum
          ? 'applied'
          : 'changed';
      if (state === 'pending' && kind === 'demo' && options.guarded) continue;
      const entry: SeedStatusEntry = { kind, name: file.name, state, file: file.file, ...appliedOf(applied) };
      status.entries.push(entry);
      if (state === 'pending') status.pending.push(entry);
      else if (state === 'changed') status.changed.push(entry);
      else status.applied++;
    }
  }
  for (const applied of log) {
    if (!kinds.includes(applied.kind) || present.has(`${applied.kind}/${applied.name}`)) continue;
    const entry: SeedStatusEntry = {
      kind: applied.kind,
      name: applied.name,
      state: 'missing',
      ...appliedOf(applied),
    };
    status.entries.push(entry);
    status.missing.push(entry);
  }
  if (options.guarded) status.demoApplied = status.entries.filter((entry) => entry.kind === 'demo');
  return status;
}

/** Reference seeds changed since applied: what `seed --status` exits 1 on and `seed.reference-changed` warns about. */
export function referenceChanged(status: SeedStatus): SeedStatusEntry[] {
  return status.changed.filter((entry) => entry.kind === 'reference');
}

/** `db/seeds/reference/plans.json`, or `reference/old.sql` for a file that is gone. */
export function seedLabel(entry: SeedStatusEntry): string {
  return entry.file ?? `${entry.kind}/${entry.name}`;
}

function appliedOf(applied: AppliedSeed | undefined): Pick<SeedStatusEntry, 'appliedAt' | 'appliedBy'> {
  return applied ? { appliedAt: applied.appliedAt, appliedBy: applied.appliedBy } : {};
}
