// The exports frameworks call per request, by where a file sits: Next.js route handlers, server actions,
// pages/api, SvelteKit and Remix routes, Netlify and Vercel functions, Lambda handlers.
import type * as TS from 'typescript';
import { ts } from './typescript.js';

/** Exports a framework calls per request, by where the file sits (its path relative to the scan's base). */
interface ExportRule {
  framework: string;
  /** What the export is called in findings, before its name: `route handler` GET; empty for the name alone. */
  kind: string;
  file: RegExp;
  exports: ReadonlySet<string>;
}

const HTTP_EXPORTS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

const EXPORT_RULES: readonly ExportRule[] = [
  {
    framework: 'Next.js',
    kind: 'route handler',
    file: /(^|\/)app\/(.+\/)?route\.[cm]?[jt]sx?$/,
    exports: new Set(HTTP_EXPORTS),
  },
  { framework: 'Next.js', kind: 'API route', file: /(^|\/)pages\/api\//, exports: new Set(['default']) },
  { framework: 'Next.js', kind: '', file: /(^|\/)pages\//, exports: new Set(['getServerSideProps']) },
  {
    framework: 'Next.js',
    kind: 'server component',
    file: /(^|\/)app\/(.+\/)?(page|layout)\.[jt]sx?$/,
    exports: new Set(['default', 'generateMetadata']),
  },
  {
    framework: 'Next.js',
    kind: 'middleware',
    file: /(^|\/)(src\/)?middleware\.[cm]?[jt]s$/,
    exports: new Set(['middleware', 'default']),
  },
  {
    framework: 'SvelteKit',
    kind: 'endpoint',
    file: /(^|\/)\+server\.[jt]s$/,
    exports: new Set([...HTTP_EXPORTS, 'fallback']),
  },
  {
    framework: 'SvelteKit',
    kind: '',
    file: /(^|\/)\+(page|layout)\.server\.[jt]s$/,
    exports: new Set(['load', 'actions']),
  },
  {
    framework: 'Nuxt',
    kind: 'server route',
    file: /(^|\/)server\/(api|routes|middleware)\//,
    exports: new Set(['default']),
  },
  {
    framework: 'Astro',
    kind: 'endpoint',
    file: /(^|\/)src\/pages\/.+\.[cm]?[jt]s$/,
    exports: new Set([...HTTP_EXPORTS, 'ALL']),
  },
  { framework: 'Remix', kind: 'route', file: /(^|\/)app\/routes\//, exports: new Set(['loader', 'action']) },
  {
    framework: 'Netlify',
    kind: 'function',
    file: /(^|\/)netlify\/(edge-)?functions\//,
    exports: new Set(['default', 'handler']),
  },
  { framework: 'Vercel', kind: 'function', file: /^api\//, exports: new Set(['default']) },
  { framework: 'AWS Lambda', kind: '', file: /./, exports: new Set(['handler']) },
];

/** What framework calls an export of a file per request, if any. A 'use server' file's every export is an action. */
export function exportRole(
  relativePath: string,
  exportName: string,
  serverActions: boolean,
): { framework: string; name: string } | undefined {
  if (serverActions) return { framework: 'Next.js', name: `server action ${exportName}` };
  const rule = EXPORT_RULES.find(
    (candidate) => candidate.exports.has(exportName) && candidate.file.test(relativePath),
  );
  if (!rule) return undefined;
  const name = exportName === 'default' ? rule.kind : rule.kind ? `${rule.kind} ${exportName}` : exportName;
  return { framework: rule.framework, name };
}

/** The statements open with the directive: `'use server'` (server actions) or `'use client'`. */
export function hasDirective(statements: readonly TS.Statement[], directive: string): boolean {
  for (const statement of statements) {
    if (!ts.isExpressionStatement(statement) || !ts.isStringLiteral(statement.expression)) return false;
    if (statement.expression.text === directive) return true;
  }
  return false;
}
