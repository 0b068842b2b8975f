// documents.rules-test-mode: no rule of the "test mode" that `firebase init` offers,
// `allow read, write: if request.time < timestamp.date(Y, M, D)`: open to everyone until that date,
// and after it closed to everyone, app included. Each finding says whether the date has passed.
import type { Check } from '../../../core/checks/check.js';
import { allAllows } from '../firestore/rules-parser.js';
import type { DocumentsCheckContext } from './context.js';
import { fromFindings, rulesOf } from './rules-file.js';

const TEST_MODE = /request\.time\s*<\s*timestamp\.date\(\s*(\d{4})\s*,\s*(\d{1,2})\s*,\s*(\d{1,2})\s*\)/;

export const rulesTestMode: Check<DocumentsCheckContext> = {
  id: 'documents.rules-test-mode',
  area: 'documents',
  title: 'No Firestore rule is a test-mode date rule',
  severity: 'fail',
  async run(ctx) {
    const found = rulesOf(ctx, 'rules', 'documents.rules-version', false);
    if ('outcome' in found) return found.outcome;
    const { file } = found.rules;
    const findings = allAllows(found.rules).flatMap(({ allow }) => {
      const date = TEST_MODE.exec(allow.condition ?? '');
      if (!date) return [];
      const until = new Date(Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3])));
      const day = until.toISOString().slice(0, 10);
      const problem =
        until.getTime() <= ctx.now.getTime()
          ? `test-mode rule expired on ${day}: every ${allow.methods.join('/')} is refused, the app's too`
          : `test-mode rule open to everyone until ${day}`;
      return [{ at: `${file}:${allow.line}`, problem }];
    });
    return fromFindings(findings, {
      pass: `no rule of ${file} is a test-mode date rule`,
      fix: 'replace the test-mode rule with rules on request.auth for each collection',
    });
  },
};
