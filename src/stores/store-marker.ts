// launchdb's marker in a store: the project and environment it was attached for, so no other
// environment ever writes there. Each store keeps it its own way (a key, an object, a schema comment);
// reading it and refusing another environment's are the same everywhere.
import { UsageError } from '../core/errors.js';

export interface StoreMarker {
  project: string;
  environment: string;
  attachedAt: string;
}

/** A marker's text as JSON; text that is not launchdb's is a marker of no environment (`?`), never this one. */
export function parseMarker(text: string): StoreMarker {
  try {
    const marker = JSON.parse(text) as Partial<StoreMarker>;
    if (typeof marker.project === 'string' && typeof marker.environment === 'string') {
      return {
        project: marker.project,
        environment: marker.environment,
        attachedAt: String(marker.attachedAt ?? ''),
      };
    }
  } catch {
    // Not launchdb's: a marker of no environment, below.
  }
  return { project: '?', environment: '?', attachedAt: '' };
}

/**
 * The marker to keep: `existing` when it is this environment's, else a new one to write. Another
 * environment's is refused (exit 2) before anything changes, naming `where` and the `fix`.
 */
export function claimMarker(
  existing: StoreMarker | undefined,
  claim: { project: string; environment: string; where: string; fix: string },
): { created: boolean; marker: StoreMarker } {
  const { project, environment } = claim;
  if (existing && (existing.project !== project || existing.environment !== environment)) {
    throw new UsageError(
      `${claim.where} is already attached to environment "${existing.environment}" of project "${existing.project}"; refusing to use it as "${environment}"; nothing was changed`,
      { fix: claim.fix },
    );
  }
  if (existing) return { created: false, marker: existing };
  return { created: true, marker: { project, environment, attachedAt: new Date().toISOString() } };
}
