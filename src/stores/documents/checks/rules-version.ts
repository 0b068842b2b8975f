// documents.rules-version: firestore.rules parses and says `rules_version = '2'`. Without it version 1
// applies: `{name=**}` matches differently and collection group queries are refused.
import type { Check } from '../../../core/checks/check.js';
import type { DocumentsCheckContext } from './context.js';
import { rulesOf } from './rules-file.js';

export const rulesVersion: Check<DocumentsCheckContext> = {
  id: 'documents.rules-version',
  area: 'documents',
  title: "Firestore rules parse and declare rules_version = '2'",
  severity: 'fail',
  async run(ctx) {
    const found = rulesOf(ctx, 'rules', 'documents.rules-version', true);
    if ('outcome' in found) return found.outcome;
    const { file, version } = found.rules;
    const fix = `put \`rules_version = '2';\` on the first line of ${file}`;
    if (!version) {
      return {
        status: 'fail',
        summary: `${file}:1: no rules_version = '2': version 1 applies (recursive wildcards match differently, no collection group queries)`,
        details: { file },
        fix,
      };
    }
    if (version.value !== '2') {
      return {
        status: 'fail',
        summary: `${file}:${version.line}: rules_version = '${version.value}', not '2'`,
        details: { file, version: version.value },
        fix,
      };
    }
    return { status: 'pass', summary: `${file} parses, rules_version = '2'`, details: { file } };
  },
};
