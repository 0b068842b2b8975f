// documents.rules-user-binding: the documents of a user collection (`users/{userId}`, and what is
// under it) are written only by that user: each write rule compares the wildcard with
// request.auth.uid, itself or through a function it calls.
import type { Check } from '../../../core/checks/check.js';
import {
  allAllows,
  isNever,
  type Match,
  type RulesFunction,
  WRITE_METHODS,
} from '../firestore/rules-parser.js';
import type { DocumentsCheckContext } from './context.js';
import { allowText, fromFindings, rulesOf } from './rules-file.js';

export const DEFAULT_USER_COLLECTIONS = ['users'];

export const rulesUserBinding: Check<DocumentsCheckContext> = {
  id: 'documents.rules-user-binding',
  area: 'documents',
  title: 'User documents are written only by their user',
  severity: 'fail',
  async run(ctx) {
    const found = rulesOf(ctx, 'rules', 'documents.rules-version', false);
    if ('outcome' in found) return found.outcome;
    const { file } = found.rules;
    const userCollections = ctx.documents.config.firestore?.userCollections ?? DEFAULT_USER_COLLECTIONS;
    let seen = 0;
    const findings = allAllows(found.rules).flatMap(({ allow, matches, functions }) => {
      const uid = userWildcard(matches, userCollections);
      if (!uid || !allow.methods.some((method) => WRITE_METHODS.includes(method))) return [];
      seen += 1;
      if (isNever(allow) || bindsUid(allow.condition ?? '', uid, functions)) return [];
      const path = matches.map((match) => match.path).join('');
      return [
        {
          at: `${file}:${allow.line}`,
          problem: `${allowText(allow)} on ${path} does not compare ${uid} with request.auth.uid`,
        },
      ];
    });
    if (findings.length === 0 && seen === 0) {
      return {
        status: 'pass',
        summary: `no write rule of ${file} is on a user collection (${userCollections.join(', ')})`,
      };
    }
    return fromFindings(findings, {
      pass: `every write rule on ${userCollections.join(', ')} in ${file} is bound to request.auth.uid`,
      fix: 'write `allow write: if request.auth != null && request.auth.uid == userId;`',
    });
  },
};

/** The wildcard right after a user collection's name in the path (`users/{userId}` → userId). */
function userWildcard(matches: Match[], userCollections: string[]): string | undefined {
  const segments = matches.flatMap((match) => match.segments);
  for (const [i, segment] of segments.entries()) {
    const next = segments[i + 1];
    if (segment.kind === 'literal' && userCollections.includes(segment.name) && next?.kind === 'wildcard')
      return next.recursive ? undefined : next.name;
  }
  return undefined;
}

/** The condition compares `uid` with request.auth.uid, or passes it to a function that does. */
function bindsUid(condition: string, uid: string, functions: RulesFunction[]): boolean {
  const direct = new RegExp(
    `request\\.auth\\.uid\\s*==\\s*${uid}\\b|\\b${uid}\\s*==\\s*request\\.auth\\.uid`,
  );
  if (direct.test(condition)) return true;
  return functions.some((fn) => {
    const call = new RegExp(`\\b${fn.name}\\s*\\(([^)]*)\\)`).exec(condition);
    if (!call) return false;
    const args = (call[1] ?? '').split(',').map((arg) => arg.trim());
    const param = fn.params[args.indexOf(uid)];
    return param !== undefined && bindsUid(fn.body, param, []);
  });
}
