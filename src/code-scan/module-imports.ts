// Where a file's names come from: ES imports and CommonJS requires, so `new Pool()` can be traced to `pg`.
import type * as TS from 'typescript';
import { ts } from './typescript.js';

export interface ImportBinding {
  /** The module specifier as written: `pg`, `./db`, `@/lib/db`. */
  module: string;
  /** The export it names: `default`, `*` (the whole module), or an export's name. */
  name: string;
}

export type Imports = Map<string, ImportBinding>;

/** Records the bindings a statement or declaration introduces, if it imports anything. */
export function recordImports(node: TS.Node, imports: Imports): void {
  if (ts.isImportDeclaration(node)) recordImportDeclaration(node, imports);
  else if (ts.isImportEqualsDeclaration(node)) {
    const reference = node.moduleReference;
    if (ts.isExternalModuleReference(reference) && ts.isStringLiteral(reference.expression)) {
      imports.set(node.name.text, { module: reference.expression.text, name: '*' });
    }
  } else if (ts.isVariableDeclaration(node) && node.initializer) {
    recordRequire(node.name, node.initializer, imports);
  }
}

function recordImportDeclaration(node: TS.ImportDeclaration, imports: Imports): void {
  const clause = node.importClause;
  if (!clause || clause.isTypeOnly || !ts.isStringLiteral(node.moduleSpecifier)) return;
  const module = node.moduleSpecifier.text;
  if (clause.name) imports.set(clause.name.text, { module, name: 'default' });
  const bindings = clause.namedBindings;
  if (!bindings) return;
  if (ts.isNamespaceImport(bindings)) {
    imports.set(bindings.name.text, { module, name: '*' });
    return;
  }
  for (const element of bindings.elements) {
    if (element.isTypeOnly) continue;
    imports.set(element.name.text, { module, name: (element.propertyName ?? element.name).text });
  }
}

/**
 * `const pg = require('pg')`, `const { Pool } = require('pg')`, `const Pool = require('pg').Pool`,
 * `const { Pool } = await import('pg')`, and `const { Pool } = pg` after `import pg from 'pg'`.
 */
function recordRequire(name: TS.BindingName, initializer: TS.Expression, imports: Imports): void {
  const origin = originOf(initializer, imports);
  if (!origin) return;
  if (ts.isIdentifier(name)) {
    imports.set(name.text, origin);
    return;
  }
  // Destructuring reads exports off the module (or off its default export, the CommonJS object).
  if (!ts.isObjectBindingPattern(name) || (origin.name !== '*' && origin.name !== 'default')) return;
  for (const element of name.elements) {
    if (!ts.isIdentifier(element.name) || element.dotDotDotToken) continue;
    const property = element.propertyName;
    const exported = property === undefined ? element.name.text : propertyText(property);
    if (exported !== undefined) imports.set(element.name.text, { module: origin.module, name: exported });
  }
}

/** The module a `require(…)` or `import(…)` call loads. */
function requiredModule(expression: TS.Expression): string | undefined {
  if (!ts.isCallExpression(expression) || expression.arguments.length !== 1) return undefined;
  const argument = expression.arguments[0]!;
  if (!ts.isStringLiteralLike(argument)) return undefined;
  const callee = expression.expression;
  const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
  const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
  return isRequire || isImport ? argument.text : undefined;
}

/**
 * The import an expression denotes: `Pool` (imported), `pg.Pool`, `require('pg').Pool`,
 * `require('knex')`. Calling or constructing a whole module (`express()`) means its default export.
 */
export function originOf(expression: TS.Expression, imports: Imports): ImportBinding | undefined {
  const inner = skipOuter(expression);
  if (ts.isIdentifier(inner)) return imports.get(inner.text);
  const required = requiredModule(inner);
  if (required !== undefined) return { module: required, name: '*' };
  if (ts.isPropertyAccessExpression(inner)) {
    const base = originOf(inner.expression, imports);
    if (base && (base.name === '*' || base.name === 'default')) {
      // `pg.default.Pool` reads the same export as `pg.Pool` under ES-module interop.
      if (inner.name.text === 'default') return { module: base.module, name: 'default' };
      return { module: base.module, name: inner.name.text };
    }
  }
  return undefined;
}

/** What a call or `new` of the expression invokes: a whole module invoked is its default export. */
export function calleeOrigin(expression: TS.Expression, imports: Imports): ImportBinding | undefined {
  const origin = originOf(expression, imports);
  return origin?.name === '*' ? { module: origin.module, name: 'default' } : origin;
}

/** Parentheses, `await`, type assertions and `!` change nothing about what an expression is. */
export function skipOuter(expression: TS.Expression): TS.Expression {
  let current = expression;
  for (;;) {
    if (
      ts.isParenthesizedExpression(current) ||
      ts.isAwaitExpression(current) ||
      ts.isAsExpression(current) ||
      ts.isNonNullExpression(current) ||
      ts.isSatisfiesExpression(current) ||
      ts.isTypeAssertionExpression(current)
    ) {
      current = current.expression;
    } else return current;
  }
}

/** The text of a property name that is an identifier or a string. */
export function propertyText(name: TS.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isPrivateIdentifier(name)) return name.text;
  return undefined;
}
