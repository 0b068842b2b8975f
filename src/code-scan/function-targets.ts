// Which functions an expression stands for: a function written in place, a name, a wrapper's argument.
import type * as TS from 'typescript';
import type { Ref, Target } from './file-model.js';
import { skipOuter } from './module-imports.js';
import { ts } from './typescript.js';

export type FunctionLike =
  | TS.FunctionDeclaration
  | TS.FunctionExpression
  | TS.ArrowFunction
  | TS.MethodDeclaration
  | TS.ConstructorDeclaration
  | TS.GetAccessorDeclaration
  | TS.SetAccessorDeclaration;

const FUNCTION_KINDS = new Set([
  ts.SyntaxKind.FunctionDeclaration,
  ts.SyntaxKind.FunctionExpression,
  ts.SyntaxKind.ArrowFunction,
  ts.SyntaxKind.MethodDeclaration,
  ts.SyntaxKind.Constructor,
  ts.SyntaxKind.GetAccessor,
  ts.SyntaxKind.SetAccessor,
]);

/** Every node is asked this, so it is one set lookup. */
export function isFunctionLike(node: TS.Node): node is FunctionLike {
  return FUNCTION_KINDS.has(node.kind);
}

export function hasModifier(node: TS.HasModifiers, kind: TS.SyntaxKind): boolean {
  return (ts.getModifiers(node) ?? []).some((modifier) => modifier.kind === kind);
}

/** `getDb` or `users.list` or (inside class `Repo`) `this.find` → `Repo.find`. */
export function refOf(expression: TS.Expression, owner: string | undefined): Ref | undefined {
  const inner = skipOuter(expression);
  if (ts.isIdentifier(inner)) return { name: inner.text };
  if (ts.isPropertyAccessExpression(inner)) {
    const object = inner.expression;
    if (ts.isIdentifier(object)) return { name: object.text, property: inner.name.text };
    if (object.kind === ts.SyntaxKind.ThisKeyword && owner) return { name: owner, property: inner.name.text };
  }
  return undefined;
}

/**
 * Wrappers that run what they wrap once per process (lodash `once`/`memoize`, `p-memoize`…).
 * React's `cache()` is not one: it memoizes per server request.
 */
const MEMOIZERS = new Set(['once', 'memoize', 'memoizeOne', 'pMemoize', 'memoizee', 'lazy', 'singleton']);

function calleeName(callee: TS.Expression): string {
  const inner = skipOuter(callee);
  if (ts.isIdentifier(inner)) return inner.text;
  return ts.isPropertyAccessExpression(inner) ? inner.name.text : '';
}

/**
 * The functions an expression is, wraps or names: `async (req) => …`, `withAuth(handler)`,
 * `handler`, `{ default: async () => … }` (every function of an object).
 */
export function functionsOf(expression: TS.Expression, owner: string | undefined): Target[] {
  const inner = skipOuter(expression);
  if (ts.isArrowFunction(inner) || ts.isFunctionExpression(inner)) return [{ node: inner }];
  const ref = refOf(inner, owner);
  if (ref) return [{ ref }];
  if (ts.isCallExpression(inner) || ts.isNewExpression(inner)) {
    const callee = inner.expression;
    // `once(() => new Pool())`: what it wraps runs once per process, whoever calls the wrapper.
    if (MEMOIZERS.has(calleeName(callee))) return [];
    // `controller.list.bind(controller)` is `controller.list`.
    if (ts.isPropertyAccessExpression(callee) && callee.name.text === 'bind') {
      return functionsOf(callee.expression, owner);
    }
    const wrapped = (inner.arguments ?? []).flatMap((argument) => functionsOf(argument, owner));
    // `middy(handler).use(…)`: the function is inside the chain's head.
    const head =
      ts.isPropertyAccessExpression(callee) && ts.isCallExpression(skipOuter(callee.expression))
        ? functionsOf(callee.expression, owner)
        : [];
    return [...wrapped, ...head];
  }
  if (ts.isObjectLiteralExpression(inner)) {
    return inner.properties.flatMap((property) => functionsOfProperty(property, owner));
  }
  if (ts.isConditionalExpression(inner)) {
    return [...functionsOf(inner.whenTrue, owner), ...functionsOf(inner.whenFalse, owner)];
  }
  return [];
}

export function functionsOfProperty(property: TS.Node, owner: string | undefined): Target[] {
  if (ts.isMethodDeclaration(property)) return [{ node: property }];
  if (ts.isPropertyAssignment(property)) return functionsOf(property.initializer, owner);
  if (ts.isShorthandPropertyAssignment(property)) return [{ ref: { name: property.name.text } }];
  return [];
}
