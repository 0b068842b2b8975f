// documents.rules-recursive-write: no write is granted under a recursive wildcard (`{document=**}`),
// which reaches every document below, subcollections included. Unconditional ones fail; conditioned
// ones warn (an admin claim may be meant), `if false` is fine.
import type { Check } from '../../../core/checks/check.js';
import { allAllows, isNever, isUnconditional, WRITE_METHODS } from '../firestore/rules-parser.js';
import type { DocumentsCheckContext } from './context.js';
import { allowText, fromFindings, rulesOf } from './rules-file.js';

export const rulesRecursiveWrite: Check<DocumentsCheckContext> = {
  id: 'documents.rules-recursive-write',
  area: 'documents',
  title: 'No Firestore write is granted under a recursive wildcard',
  severity: 'fail',
  async run(ctx) {
    const found = rulesOf(ctx, 'rules', 'documents.rules-version', false);
    if ('outcome' in found) return found.outcome;
    const { file } = found.rules;
    let open = false;
    const findings = allAllows(found.rules).flatMap(({ allow, matches }) => {
      const recursive = matches
        .flatMap((match) => match.segments)
        .find((segment) => segment.kind === 'wildcard' && segment.recursive);
      if (!recursive || isNever(allow)) return [];
      if (!allow.methods.some((method) => WRITE_METHODS.includes(method))) return [];
      if (isUnconditional(allow)) open = true;
      const path = matches.map((match) => match.path).join('');
      return [
        {
          at: `${file}:${allow.line}`,
          problem: `${allowText(allow)} under ${path} reaches every document below`,
        },
      ];
    });
    return fromFindings(findings, {
      status: open ? 'fail' : 'warn',
      pass: `no write of ${file} is granted under a recursive wildcard`,
      fix: 'grant writes on each collection’s own match (`match /orders/{orderId}`), not under {document=**}',
    });
  },
};
