// The smoke spec's JSON Schema, generated from the zod schema: editors complete and check
// launchdb.smoke.yaml with it (`# yaml-language-server: $schema=…`). `npm run schemas` writes it.
import { z } from 'zod';
import { smokeSpecSchema, smokeStepSchema } from './spec.js';

/** Where the schema is committed, relative to the package root. */
export const SMOKE_SCHEMA_FILE = 'schemas/launchdb.smoke.schema.json';

/** The schema as the committed file holds it: what a spec may be written as (defaults optional). */
export function smokeJsonSchema(): Record<string, unknown> {
  // A step is written once, as `#/$defs/step`, and referred to from `steps` and `finally`; a registry
  // of our own leaves zod's global one alone.
  const names = z.registry<{ id: string }>();
  names.add(smokeStepSchema, { id: 'step' });
  const schema = z.toJSONSchema(smokeSpecSchema, { io: 'input', metadata: names });
  return {
    ...schema,
    title: 'launchdb smoke spec',
    description: 'launchdb.smoke.yaml or .ts: see docs/SMOKE.md',
  };
}
