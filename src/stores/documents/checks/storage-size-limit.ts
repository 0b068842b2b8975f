// documents.storage-size-limit: every storage.rules rule that lets a file be written bounds its size
// (`request.resource.size < 5 * 1024 * 1024`): without one, anyone allowed to upload can fill the bucket.
import type { Check } from '../../../core/checks/check.js';
import { allAllows, isNever } from '../firestore/rules-parser.js';
import type { DocumentsCheckContext } from './context.js';
import { allowText, fromFindings, rulesOf } from './rules-file.js';

const UPLOADS = ['write', 'create', 'update'];
const SIZE_BOUND = /request\.resource\.size\s*<=?|>=?\s*request\.resource\.size/;

export const storageSizeLimit: Check<DocumentsCheckContext> = {
  id: 'documents.storage-size-limit',
  area: 'documents',
  title: 'Cloud Storage rules bound the size of uploads',
  severity: 'fail',
  async run(ctx) {
    const found = rulesOf(ctx, 'storageRules', 'documents.storage-size-limit', true);
    if ('outcome' in found) return found.outcome;
    const { file } = found.rules;
    const findings = allAllows(found.rules)
      .filter(({ allow }) => allow.methods.some((method) => UPLOADS.includes(method)))
      .filter(({ allow }) => !isNever(allow) && !SIZE_BOUND.test(allow.condition ?? ''))
      .map(({ allow, matches }) => ({
        at: `${file}:${allow.line}`,
        problem: `${allowText(allow)} on ${matches.map((match) => match.path).join('')} sets no bound on request.resource.size`,
      }));
    return fromFindings(findings, {
      pass: `every upload rule of ${file} bounds request.resource.size`,
      fix: 'add `&& request.resource.size < 5 * 1024 * 1024` (or your limit) to each write rule',
    });
  },
};
