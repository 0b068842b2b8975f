// A zod issue as one short line for a person: what the config and the smoke spec report per problem.
import type { z } from 'zod';

/**
 * For a value that matches no side of a union (a URL or env(), `{ days }` or `{ daily, … }`), the
 * first issue of the side it came closest to (the fewest issues; the first side on a tie), with its
 * full path: `backups.retention.daily`, not `backups.retention`.
 */
export function closestBranch(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== 'invalid_union') return issue;
  const closest = issue.errors.reduce((best, errors) => (errors.length < best.length ? errors : best));
  const first = closest?.[0];
  return first ? closestBranch({ ...first, path: [...issue.path, ...first.path] }) : issue;
}

export function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  if (issue.code === 'invalid_type') return `expected ${issue.expected}`;
  // A record's key (an environment's or a person's name): what the key's own schema says.
  if (issue.code === 'invalid_key' && issue.issues[0]) return issue.issues[0].message;
  return issue.message;
}
