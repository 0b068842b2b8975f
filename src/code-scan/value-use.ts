// Where a created pool goes: kept in module-level state, handed to the caller, or used and dropped.
import type * as TS from 'typescript';
import { isFunctionLike } from './function-targets.js';
import { skipOuter } from './module-imports.js';
import { ts } from './typescript.js';

export type ValueUse =
  /** Created while the module loads: once per process. */
  | { kind: 'module' }
  /** Kept in state that outlives the call: a module variable, `globalThis`, a cache map. */
  | { kind: 'cached' }
  /** Handed to the caller, or to the instance being constructed: the caller decides. */
  | { kind: 'returned'; connected: boolean }
  /** Used and dropped: one per call. */
  | { kind: 'local'; connected: boolean };
// `connected`: `.connect()` is called on it here, so a client that opens nothing until then is open.

/** The code a value is created in: a function, a constructor (or field initializers), or the top level. */
export interface Scope {
  kind: 'module' | 'function' | 'constructor';
  node: TS.Node;
}

const MODULE: ValueUse = { kind: 'module' };
const CACHED: ValueUse = { kind: 'cached' };
const RETURNED: ValueUse = { kind: 'returned', connected: false };
const local = (connected = false): ValueUse => ({ kind: 'local', connected });

/** Methods that put a value into a container: `pools.set(url, pool)`, `clients.push(client)`. */
const STORING_METHODS = new Set(['set', 'add', 'push', 'unshift', 'put']);

/**
 * Follows the value of `start` (a `new Pool()`, or a call of a function that returns one) up through
 * the expressions that carry it (`await`, `??`, `drizzle(…)`, an object literal) to where it lands.
 */
export function valueUse(start: TS.Expression, scope: Scope): ValueUse {
  if (scope.kind === 'module') return MODULE;
  let current: TS.Node = start;
  for (;;) {
    const parent = current.parent;
    if (isTransparent(parent) || (ts.isConditionalExpression(parent) && parent.condition !== current)) {
      current = parent;
      continue;
    }
    if (ts.isBinaryExpression(parent)) {
      const operator = parent.operatorToken.kind;
      if (parent.right === current && isAssignment(operator))
        return assignedTo(parent.left, scope, new Set());
      const isDefaulting =
        operator === ts.SyntaxKind.QuestionQuestionToken || operator === ts.SyntaxKind.BarBarToken;
      // `globalForPrisma.prisma ?? new PrismaClient()`: made only when the cache is empty.
      if (isDefaulting && parent.right === current && isLongLived(parent.left, scope)) return CACHED;
      if (isDefaulting || operator === ts.SyntaxKind.AmpersandAmpersandToken) {
        current = parent;
        continue;
      }
      if (operator === ts.SyntaxKind.CommaToken && parent.right === current) {
        current = parent;
        continue;
      }
      return local();
    }
    if (
      (ts.isPropertyAssignment(parent) && parent.initializer === current) ||
      ts.isObjectLiteralExpression(parent) ||
      ts.isArrayLiteralExpression(parent) ||
      ts.isSpreadElement(parent)
    ) {
      current = parent;
      continue;
    }
    if ((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.expression !== current) {
      if (isStoringCall(parent, scope)) return CACHED;
      // The value lives in what the call makes: `drizzle(new Pool())`, `new Kysely({ dialect })`.
      current = parent;
      continue;
    }
    if (ts.isPropertyAccessExpression(parent) && parent.expression === current) {
      return local(parent.name.text === 'connect');
    }
    if (ts.isVariableDeclaration(parent) && parent.initializer === current) {
      return ts.isIdentifier(parent.name) ? flowOf(parent.name.text, scope, new Set()) : local();
    }
    if (ts.isReturnStatement(parent) || (ts.isArrowFunction(parent) && parent.body === current))
      return RETURNED;
    if (ts.isPropertyDeclaration(parent)) {
      const isStatic = (ts.getModifiers(parent) ?? []).some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
      return isStatic ? MODULE : RETURNED;
    }
    if (ts.isExportAssignment(parent)) return MODULE;
    return local();
  }
}

function isTransparent(node: TS.Node): boolean {
  return (
    ts.isParenthesizedExpression(node) ||
    ts.isAwaitExpression(node) ||
    ts.isAsExpression(node) ||
    ts.isNonNullExpression(node) ||
    ts.isSatisfiesExpression(node) ||
    ts.isTypeAssertionExpression(node)
  );
}

function isAssignment(operator: TS.SyntaxKind): boolean {
  return (
    operator === ts.SyntaxKind.EqualsToken ||
    operator === ts.SyntaxKind.QuestionQuestionEqualsToken ||
    operator === ts.SyntaxKind.BarBarEqualsToken
  );
}

/** Where an assignment puts the value: `pool = …` (module variable), `this.pool = …`, `req.db = …`. */
function assignedTo(left: TS.Expression, scope: Scope, seen: Set<string>): ValueUse {
  const target = skipOuter(left);
  if (ts.isIdentifier(target)) {
    return localsOf(scope).has(target.text) ? flowOf(target.text, scope, seen) : CACHED;
  }
  if (ts.isPropertyAccessExpression(target) || ts.isElementAccessExpression(target)) {
    const root = rootOf(target);
    // A field set in the constructor lives as long as the instance: whoever makes it decides.
    if (root.kind === ts.SyntaxKind.ThisKeyword) return scope.kind === 'constructor' ? RETURNED : CACHED;
    return isLongLived(target, scope) ? CACHED : local();
  }
  return local();
}

/**
 * State that outlives the call: rooted in a name the function does not declare (a module variable,
 * an import, `globalThis`, a closure's variable) or in `this` (an instance, judged where it is made).
 */
function isLongLived(expression: TS.Expression, scope: Scope): boolean {
  const root = rootOf(skipOuter(expression));
  if (root.kind === ts.SyntaxKind.ThisKeyword) return true;
  return ts.isIdentifier(root) && !localsOf(scope).has(root.text);
}

function rootOf(expression: TS.Expression): TS.Expression {
  let current = expression;
  while (ts.isPropertyAccessExpression(current) || ts.isElementAccessExpression(current)) {
    current = skipOuter(current.expression);
  }
  return current;
}

function isStoringCall(call: TS.CallExpression | TS.NewExpression, scope: Scope): boolean {
  const callee = call.expression;
  return (
    ts.isPropertyAccessExpression(callee) &&
    STORING_METHODS.has(callee.name.text) &&
    isLongLived(callee.expression, scope)
  );
}

/**
 * Where a local variable's value goes in the rest of the function: into long-lived state (cached),
 * out to the caller (returned), or nowhere (local). `connected` when `.connect()` is called on it.
 */
function flowOf(variable: string, scope: Scope, seen: Set<string>): ValueUse {
  if (seen.has(variable)) return local();
  seen.add(variable);
  let result: ValueUse = local();
  let connected = false;
  const rank = (use: ValueUse) => (use.kind === 'cached' ? 2 : use.kind === 'returned' ? 1 : 0);
  const consider = (use: ValueUse) => {
    if (rank(use) > rank(result)) result = use;
  };
  const visit = (node: TS.Node): void => {
    if (isFunctionLike(node)) return;
    if (ts.isBinaryExpression(node) && isAssignment(node.operatorToken.kind) && holds(node.right, variable)) {
      consider(assignedTo(node.left, scope, seen));
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      if (ts.isPropertyAccessExpression(callee) && isVariable(callee.expression, variable)) {
        if (callee.name.text === 'connect') connected = true;
      }
      if (isStoringCall(node, scope) && node.arguments.some((argument) => holds(argument, variable))) {
        consider(CACHED);
      }
    } else if (ts.isReturnStatement(node) && node.expression && holds(node.expression, variable)) {
      consider(RETURNED);
    }
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(bodyOf(scope), visit);
  if (result.kind === 'local') return local(connected);
  return result.kind === 'returned' ? { kind: 'returned', connected } : result;
}

function isVariable(expression: TS.Expression, variable: string): boolean {
  const inner = skipOuter(expression);
  return ts.isIdentifier(inner) && inner.text === variable;
}

/** The expression carries the variable's value itself (`pool`, `{ pool }`, `drizzle(pool)`), not `pool.query()`. */
export function holds(expression: TS.Node, variable: string): boolean {
  if (ts.isIdentifier(expression)) return expression.text === variable;
  if (isFunctionLike(expression)) return false;
  // Using it is not handing it on: `pool.query()`, sql`select 1`, `pools[0]`.
  if (ts.isPropertyAccessExpression(expression) || ts.isElementAccessExpression(expression)) return false;
  if (ts.isTaggedTemplateExpression(expression)) return holds(expression.template, variable);
  if (ts.isShorthandPropertyAssignment(expression)) return expression.name.text === variable;
  if (ts.isPropertyAssignment(expression)) return holds(expression.initializer, variable);
  if (ts.isCallExpression(expression) || ts.isNewExpression(expression)) {
    return (expression.arguments ?? []).some((argument) => holds(argument, variable));
  }
  return ts.forEachChild(expression, (child) => holds(child, variable) || undefined) === true;
}

function bodyOf(scope: Scope): TS.Node {
  if (ts.isClassLike(scope.node)) return scope.node;
  return (scope.node as TS.FunctionLikeDeclaration).body ?? scope.node;
}

const LOCALS = new WeakMap<TS.Node, Set<string>>();

/** The names a function declares itself: parameters, variables, functions, classes, catch bindings. */
export function localsOf(scope: Scope): Set<string> {
  const cached = LOCALS.get(scope.node);
  if (cached) return cached;
  const names = new Set<string>();
  const addBinding = (name: TS.BindingName) => {
    if (ts.isIdentifier(name)) names.add(name.text);
    else for (const element of name.elements) if (!ts.isOmittedExpression(element)) addBinding(element.name);
  };
  if (!ts.isClassLike(scope.node) && isFunctionLike(scope.node)) {
    for (const parameter of scope.node.parameters) addBinding(parameter.name);
  }
  const visit = (node: TS.Node): void => {
    if (ts.isVariableDeclaration(node) || ts.isParameter(node)) addBinding(node.name);
    else if (ts.isCatchClause(node) && node.variableDeclaration) addBinding(node.variableDeclaration.name);
    if ((ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node)) && node.name)
      names.add(node.name.text);
    if (isFunctionLike(node) || ts.isClassLike(node)) return;
    ts.forEachChild(node, visit);
  };
  if (!ts.isClassLike(scope.node)) ts.forEachChild(bodyOf(scope), visit);
  LOCALS.set(scope.node, names);
  return names;
}
