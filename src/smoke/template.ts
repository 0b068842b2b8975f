// `{{run.id}}`, `{{name}}` (a value an earlier step captured) and `{{env.NAME}}` in the strings of a
// spec: rendered at run time, and named without rendering for the checks made before a run.
import { UsageError } from '../core/errors.js';
import { suggest } from '../core/suggest.js';

export interface TemplateContext {
  runId: string;
  captures: Readonly<Record<string, unknown>>;
  env: Readonly<Record<string, string | undefined>>;
}

/** What one `{{…}}` names. */
export type Template =
  | { kind: 'run' }
  | { kind: 'env'; name: string }
  | { kind: 'capture'; name: string }
  | { kind: 'invalid'; text: string };

/** A path into a value: keys and array indexes. */
export type ValuePath = (string | number)[];

const TEMPLATE = /\{\{\s*([^{}]*?)\s*\}\}/g;
const WHOLE_TEMPLATE = /^\{\{\s*([^{}]*?)\s*\}\}$/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A spec problem found while rendering: exit 2, as for any spec that cannot run. */
export class TemplateError extends UsageError {}

/**
 * Every string in `value` rendered (keys are left alone); `secrets`: the env values it used, to
 * redact from output. `where` names the step in errors. A string that is one capture and nothing
 * else (`'{{orderId}}'`) becomes the captured value itself, number or object as it came, so a JSON
 * body or an expected value keeps its type; inside other text a value is written as text (JSON for
 * an object).
 */
export function renderTemplates<T>(
  value: T,
  context: TemplateContext,
  where: string,
): { value: T; secrets: string[] } {
  const secrets = new Set<string>();
  const rendered = mapStrings(value, (text) => renderString(text, context, where, secrets));
  return { value: rendered as T, secrets: [...secrets] };
}

/** The capture names and env names `value`'s templates use (for static checks and for skipping a finally step). */
export function templateNames(value: unknown): { captures: string[]; env: string[] } {
  const captures = new Set<string>();
  const env = new Set<string>();
  eachTemplate(value, (template) => {
    if (template.kind === 'capture') captures.add(template.name);
    if (template.kind === 'env') env.add(template.name);
  });
  return { captures: [...captures], env: [...env] };
}

/** Calls `visit` for each template in `value`'s strings, with the path of the string holding it. */
export function eachTemplate(value: unknown, visit: (template: Template, path: ValuePath) => void): void {
  eachString(value, [], (text, path) => {
    for (const match of text.matchAll(TEMPLATE)) visit(parseTemplate(match[1]!), path);
  });
}

/** How a template is written, for messages. */
export function templateText(template: Template): string {
  if (template.kind === 'run') return '{{run.id}}';
  if (template.kind === 'env') return `{{env.${template.name}}}`;
  if (template.kind === 'capture') return `{{${template.name}}}`;
  return `{{${template.text}}}`;
}

/** What a template that is none of the three should have been, for messages. */
export const TEMPLATE_FORMS = '{{run.id}}, {{env.NAME}} or {{name}} (a value an earlier step captured)';

function parseTemplate(inner: string): Template {
  if (inner === 'run.id') return { kind: 'run' };
  if (inner.startsWith('env.') && NAME.test(inner.slice(4))) return { kind: 'env', name: inner.slice(4) };
  if (NAME.test(inner) && inner !== 'run' && inner !== 'env') return { kind: 'capture', name: inner };
  return { kind: 'invalid', text: inner };
}

function renderString(text: string, context: TemplateContext, where: string, secrets: Set<string>): unknown {
  const whole = WHOLE_TEMPLATE.exec(text);
  if (whole) {
    const template = parseTemplate(whole[1]!);
    if (template.kind === 'capture') return captured(template.name, context, where);
  }
  return text.replace(TEMPLATE, (_, inner: string) => {
    const template = parseTemplate(inner);
    if (template.kind === 'run') return context.runId;
    if (template.kind === 'env') {
      const found = context.env[template.name];
      if (found === undefined || found === '')
        throw new TemplateError(`${where}: ${templateText(template)} is not set`, {
          fix: `set ${template.name} in launchdb's environment or in the project's .env file for the environment`,
        });
      secrets.add(found);
      return found;
    }
    if (template.kind === 'capture') {
      const value = captured(template.name, context, where);
      return typeof value === 'string' ? value : JSON.stringify(value);
    }
    throw new TemplateError(`${where}: ${templateText(template)} is not a template launchdb knows`, {
      fix: `write ${TEMPLATE_FORMS}`,
    });
  });
}

function captured(name: string, context: TemplateContext, where: string): unknown {
  if (Object.hasOwn(context.captures, name)) return context.captures[name];
  const known = Object.keys(context.captures);
  const guess = suggest(name, known);
  const so = known.length > 0 ? `captured so far: ${known.join(', ')}` : 'nothing was captured before it';
  throw new TemplateError(`${where}: {{${name}}} names no captured value; ${so}`, {
    fix: guess
      ? `did you mean {{${guess}}}?`
      : `capture it in an earlier step: \`capture: { ${name}: /id }\``,
  });
}

function mapStrings(value: unknown, map: (text: string) => unknown): unknown {
  if (typeof value === 'string') return map(value);
  if (Array.isArray(value)) return value.map((item) => mapStrings(item, map));
  if (isPlainObject(value))
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, mapStrings(item, map)]));
  return value;
}

function eachString(value: unknown, path: ValuePath, visit: (text: string, path: ValuePath) => void): void {
  if (typeof value === 'string') visit(value, path);
  else if (Array.isArray(value))
    for (const [index, item] of value.entries()) eachString(item, [...path, index], visit);
  else if (isPlainObject(value))
    for (const [key, item] of Object.entries(value)) eachString(item, [...path, key], visit);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
