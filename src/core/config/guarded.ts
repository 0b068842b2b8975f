// Which environments are guarded: the config's own reading, so a config problem can name them too.

/** Environments that are guarded whatever the config says. */
export const ALWAYS_GUARDED = new Set(['production']);

/** Guarded: `production`, or declared `guarded: true`. Changes to it ask for its name to be typed. */
export function isGuarded(name: string, config: { guarded?: boolean | undefined }): boolean {
  return ALWAYS_GUARDED.has(name) || config.guarded === true;
}
