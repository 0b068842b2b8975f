// The parsed rules file a Firestore check reads, or the outcome when there is none to read: skip with
// no Firestore project, fail when the file is missing or does not parse (a file that does not deploy
// is not ready). Only one check reports a file that does not parse; the others skip, naming it.
import type { CheckOutcome } from '../../../core/checks/check.js';
import type { Loaded } from '../firestore/firebase-files.js';
import type { RulesFile } from '../firestore/rules-parser.js';
import type { DocumentsCheckContext } from './context.js';

export interface Finding {
  /** `firestore.rules:12`. */
  at: string;
  /** What is wrong there. */
  problem: string;
}

export function rulesOf(
  ctx: DocumentsCheckContext,
  which: 'rules' | 'storageRules',
  reportedBy: string,
  reportsParseError: boolean,
): { rules: RulesFile } | { outcome: CheckOutcome } {
  const files = ctx.documents.firebase();
  if (!files)
    return { outcome: { status: 'skip', summary: 'this environment declares no Firestore project' } };
  const loaded: Loaded<RulesFile> | undefined = files[which];
  if (!loaded) {
    return {
      outcome: { status: 'skip', summary: 'no storage.rules (none named in the config or firebase.json)' },
    };
  }
  if ('parsed' in loaded) return { rules: loaded.parsed };
  if ('missing' in loaded) {
    return {
      outcome: {
        status: 'fail',
        summary: `${loaded.file} is not there`,
        details: { file: loaded.file },
        fix: `write ${loaded.file} (\`firebase init firestore\` does), or name the file under environments.${ctx.env.name}.documents.firestore`,
      },
    };
  }
  if (!reportsParseError) {
    return {
      outcome: { status: 'skip', summary: `${loaded.file} does not parse (${reportedBy} says where)` },
    };
  }
  return {
    outcome: {
      status: 'fail',
      summary: loaded.error.message,
      details: { file: loaded.file },
      ...(loaded.error.fix ? { fix: loaded.error.fix } : {}),
    },
  };
}

/** A check's outcome from its findings: the summary names the first, the details list them all. */
export function fromFindings(
  findings: Finding[],
  options: { status?: 'fail' | 'warn'; pass: string; fix: string },
): CheckOutcome {
  const [first] = findings;
  if (!first) return { status: 'pass', summary: options.pass };
  const more = findings.length > 1 ? ` (and ${findings.length - 1} more)` : '';
  return {
    status: options.status ?? 'fail',
    summary: `${first.at}: ${first.problem}${more}`,
    details: { findings: findings.map((finding) => `${finding.at}: ${finding.problem}`) },
    fix: options.fix,
  };
}

/** How an allow statement reads, for findings: `allow read, write: if true`. */
export function allowText(allow: { methods: string[]; condition?: string }): string {
  return `allow ${allow.methods.join(', ')}${allow.condition === undefined ? '' : `: if ${allow.condition}`}`;
}
