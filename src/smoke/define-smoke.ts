// `export default defineSmoke({ … })` in launchdb.smoke.ts: types for the editor, nothing at run time
// (the spec is validated when launchdb loads it; importing this loads no validator).
import type { SmokeSpecInput } from './spec.js';

export function defineSmoke(spec: SmokeSpecInput): SmokeSpecInput {
  return spec;
}
