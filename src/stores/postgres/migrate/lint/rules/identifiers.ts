// Names longer than Postgres keeps: it truncates them to 63 bytes with only a NOTICE.
import type { Rule } from '../rule.js';
import { identifierValue } from '../statement.js';

const MAX_BYTES = 63;
/** The shortest a cut name can be: 63 bytes cut back to the start of a 4-byte character. */
const CUT_BYTES = MAX_BYTES - 3;

export const identifierTooLong: Rule = {
  id: 'identifier-too-long',
  severity: 'error',
  summary: 'an identifier longer than 63 bytes',
  fix: 'a name of at most 63 bytes',
  check(statement, context) {
    // Tokens, not the tree: the parser has already cut the names in the tree to 63 bytes. A cut
    // name is 60–63 bytes long, so a tree without such strings needs no (costly) scan.
    if (!hasLongString(statement.node)) return [];
    return statement.tokens.flatMap((token) => {
      if (token.kind !== 'identifier') return [];
      const name = identifierValue(token);
      const bytes = Buffer.byteLength(name);
      if (bytes <= MAX_BYTES || !context.once(`identifier-too-long\0${name}`)) return [];
      return [
        {
          message: `"${name}" is ${bytes} bytes: Postgres silently cuts it to 63, so the object is not named what the migration says`,
          at: token.start,
        },
      ];
    });
  },
};

function hasLongString(value: unknown): boolean {
  if (typeof value === 'string')
    return value.length * 4 >= CUT_BYTES && Buffer.byteLength(value) >= CUT_BYTES;
  if (Array.isArray(value)) return value.some(hasLongString);
  if (value && typeof value === 'object') return Object.values(value).some(hasLongString);
  return false;
}
