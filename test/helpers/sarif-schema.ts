// Validates SARIF logs against the SARIF 2.1.0 JSON schema that @microsoft/jest-sarif ships.
//
// No npm package we found ships the OASIS file (sarif-schema-2.1.0.json) itself. This one, schemastore's
// sarif-2.1.0-rtm.5, has the same constraints as the OASIS repository's schema submitted for the
// 2.1.0 standard (it differs in description typos and declares draft-04 where that says draft-07);
// errata01 later added only redundant `type: string` beside enums, a nullable `runs`, a `language`
// pattern fix, and that a region needs startLine, charOffset or byteOffset (the tests assert startLine).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import ajvFormats from 'ajv-formats';

const require = createRequire(import.meta.url);
const schemaFile = join(
  dirname(require.resolve('@microsoft/jest-sarif/package.json')),
  'lib/schemas/sarif-2.1.0-rtm.5.json',
);

// The schema is draft-04 and not written for Ajv's strict mode; its language pattern (`…]?$`) is
// valid only as a non-Unicode regular expression. Formats (uri, uri-reference, date-time) are checked.
// Both are CommonJS modules whose `default` is the export itself: the form TypeScript types under NodeNext.
const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
ajvFormats.default(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, 'utf8')));

/** The schema's complaints about `log`, one a line (`/runs/0/…: must have required property …`); empty when valid. */
export function sarifErrors(log: unknown): string[] {
  if (validate(log)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '/'}: ${error.message}`);
}
