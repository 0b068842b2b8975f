// Findings as a SARIF 2.1.0 log, what code-scanning dashboards read (GitHub's upload-sarif, GitLab,
// Azure DevOps, the VS Code SARIF viewer): the tool and its rules once, then one result a finding.
import { pathToFileURL } from 'node:url';
import { VERSION } from '../../version.js';
import type { AnnotatedRun, Annotation, AnnotationLevel, AnnotationRule } from './annotation.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const INFORMATION_URI = 'https://www.npmjs.com/package/launchdb';
/** The base the result paths are relative to, as GitHub's code scanning names it. */
const SRCROOT = '%SRCROOT%';

const SARIF_LEVEL: Record<AnnotationLevel, 'error' | 'warning' | 'note'> = {
  error: 'error',
  warning: 'warning',
  notice: 'note',
};

export function renderSarif(run: AnnotatedRun): string {
  const ruleIndex = new Map(run.rules.map((rule, index) => [rule.id, index]));
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'launchdb',
            version: VERSION,
            semanticVersion: VERSION,
            informationUri: INFORMATION_URI,
            rules: run.rules.map(reportingDescriptor),
          },
        },
        automationDetails: { id: `launchdb/${run.category}/` },
        originalUriBaseIds: { [SRCROOT]: { uri: folderUri(run.root) } },
        results: run.annotations.map((annotation) => result(annotation, ruleIndex.get(annotation.rule))),
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function reportingDescriptor(rule: AnnotationRule) {
  return {
    id: rule.id,
    shortDescription: { text: rule.summary },
    fullDescription: { text: rule.description },
    help: { text: rule.help },
    defaultConfiguration: { level: SARIF_LEVEL[rule.level] },
  };
}

function result(annotation: Annotation, ruleIndex: number | undefined) {
  return {
    ruleId: annotation.rule,
    ...(ruleIndex === undefined ? {} : { ruleIndex }),
    level: SARIF_LEVEL[annotation.level],
    message: { text: annotation.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: pathUri(annotation.file), uriBaseId: SRCROOT },
          region: {
            startLine: annotation.line,
            ...(annotation.column === undefined ? {} : { startColumn: annotation.column }),
          },
        },
      },
    ],
  };
}

/** A relative path as a URI reference: each segment percent-encoded (a space, `#`, `%` in a file name). */
function pathUri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** An absolute folder as a `file:` URI ending in `/`, as SARIF requires of a base. */
function folderUri(folder: string): string {
  const uri = pathToFileURL(folder).href;
  return uri.endsWith('/') ? uri : `${uri}/`;
}
