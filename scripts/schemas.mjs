// `npm run schemas`: writes the JSON Schemas generated from launchdb's zod schemas (the smoke spec's)
// to schemas/, where editors and the published package find them. A test fails while they differ.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createJiti } from 'jiti';

const root = fileURLToPath(new URL('..', import.meta.url));
const jiti = createJiti(import.meta.url);
const { SMOKE_SCHEMA_FILE, smokeJsonSchema } = await jiti.import('../src/smoke/json-schema.ts');
writeFileSync(`${root}/${SMOKE_SCHEMA_FILE}`, `${JSON.stringify(smokeJsonSchema(), null, 2)}\n`);
// In the layout `npm run lint` keeps (biome puts short arrays on one line).
execFileSync(`${root}/node_modules/.bin/biome`, ['format', '--write', SMOKE_SCHEMA_FILE], {
  cwd: root,
  stdio: 'ignore',
});
console.log(`wrote ${SMOKE_SCHEMA_FILE}`);
