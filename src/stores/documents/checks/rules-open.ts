// documents.rules-open: no allow statement grants to everyone, with no condition (`allow read, write;`)
// or `if true`: anyone with the project's public config could read or write those documents.
import type { Check } from '../../../core/checks/check.js';
import { allAllows, isUnconditional } from '../firestore/rules-parser.js';
import type { DocumentsCheckContext } from './context.js';
import { allowText, fromFindings, rulesOf } from './rules-file.js';

export const rulesOpen: Check<DocumentsCheckContext> = {
  id: 'documents.rules-open',
  area: 'documents',
  title: 'No Firestore rule is open to everyone',
  severity: 'fail',
  async run(ctx) {
    const found = rulesOf(ctx, 'rules', 'documents.rules-version', false);
    if ('outcome' in found) return found.outcome;
    const { file } = found.rules;
    const findings = allAllows(found.rules)
      .filter(({ allow }) => isUnconditional(allow))
      .map(({ allow, matches }) => ({
        at: `${file}:${allow.line}`,
        problem: `${allowText(allow)} on ${matches.map((match) => match.path).join('')} grants to everyone`,
      }));
    return fromFindings(findings, {
      pass: `no allow statement of ${file} is unconditional`,
      fix: 'give each allow a condition on request.auth (`if request.auth != null && …`)',
    });
  },
};
