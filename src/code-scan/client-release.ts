// The rule `client-not-released`: a client checked out of a pool must go back on every path, errors included.
import type * as TS from 'typescript';
import type { CheckoutCandidate, FileModel } from './file-model.js';
import { CODE_FIXES, CODE_SEVERITIES, type CodeFinding } from './finding.js';
import { isFunctionLike } from './function-targets.js';
import { skipOuter } from './module-imports.js';
import { positionOf } from './parse-source.js';
import { describeLeak, isReleaseCall, ReleaseFlow } from './release-flow.js';
import { ts } from './typescript.js';

/** Receivers that are not SQL pools though they have `connect()`. */
const NOT_A_POOL = /mongo|redis|socket|^ws$|broker|queue|amqp|kafka|rabbit/i;

export function findUnreleasedClients(file: FileModel): CodeFinding[] {
  const findings: CodeFinding[] = [];
  for (const candidate of file.checkouts) {
    const finding = judge(file, candidate);
    if (finding) findings.push(finding);
  }
  return findings;
}

function judge(file: FileModel, { call, unit }: CheckoutCandidate): CodeFinding | undefined {
  const callee = call.expression as TS.PropertyAccessExpression;
  // `pool.connect((err, client, done) => …)`: the callback form hands the client to the callback.
  if (call.arguments.length > 0) return undefined;
  if (
    !isPool(callee.expression, callee.name.text, file) ||
    unit.kind === 'module' ||
    ts.isClassLike(unit.node)
  ) {
    return undefined;
  }
  const fn = unit.node as TS.FunctionLikeDeclaration;
  const statement = statementOf(call);
  const variable = checkedOutInto(call);
  if (!statement || !fn.body) return undefined;
  let reason: string | undefined;
  if (variable === null) {
    // Returned or passed on, it is the receiver's to release.
    if (!ts.isExpressionStatement(statement)) return undefined;
    reason = 'the client is never kept, so it is never released';
  } else if (!escapes(fn.body, variable)) {
    if (!releasesSomewhere(fn.body, variable)) reason = 'it is never released';
    else {
      const leak = new ReleaseFlow(variable, statement, file.source).run(fn.body);
      if (leak) reason = describeLeak(leak, file.source);
    }
  }
  if (!reason) return undefined;
  const { line, column } = positionOf(call, file.source);
  const written = `${callee.getText(file.source).replace(/\s+/g, '')}()`;
  return {
    rule: 'client-not-released',
    severity: CODE_SEVERITIES['client-not-released'],
    file: file.relativePath,
    line,
    column,
    message: `${written} checks out a client that is not released on every path: ${reason}`,
    fix: CODE_FIXES['client-not-released'],
    call: written,
  };
}

/** A pool by its name (`pool`, `this.pool`, `getPool()`) or by what made it in this file. */
function isPool(receiver: TS.Expression, method: string, file: FileModel): boolean {
  const inner = skipOuter(receiver);
  const name = ts.isIdentifier(inner)
    ? inner.text
    : ts.isPropertyAccessExpression(inner)
      ? inner.name.text
      : ts.isCallExpression(inner)
        ? (skipOuter(inner.expression).getText(file.source).split('.').pop() ?? '')
        : '';
  if (NOT_A_POOL.test(name)) return false;
  if (file.poolNames.has(name)) return true;
  // postgres.js: `const reserved = await sql.reserve()`.
  if (method === 'reserve') return /pool|^sql$|^db$/i.test(name);
  return /pool/i.test(name);
}

/** The statement of a block (or a switch clause) that holds the node. */
function statementOf(node: TS.Node): TS.Statement | undefined {
  let current: TS.Node = node;
  while (
    current.parent &&
    !ts.isBlock(current.parent) &&
    !ts.isSourceFile(current.parent) &&
    !ts.isCaseClause(current.parent) &&
    !ts.isDefaultClause(current.parent)
  ) {
    current = current.parent;
  }
  return ts.isBlock(current.parent) || ts.isCaseClause(current.parent) || ts.isDefaultClause(current.parent)
    ? (current as TS.Statement)
    : undefined;
}

/** `const client = await pool.connect()` or `client = await pool.connect()`: the variable; null otherwise. */
function checkedOutInto(call: TS.CallExpression): string | null {
  let current: TS.Node = call;
  while (ts.isAwaitExpression(current.parent) || ts.isParenthesizedExpression(current.parent))
    current = current.parent;
  const parent = current.parent;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return parent.name.text;
  if (
    ts.isBinaryExpression(parent) &&
    parent.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
    parent.right === current &&
    ts.isIdentifier(parent.left)
  ) {
    return parent.left.text;
  }
  return null;
}

/**
 * The client leaves the function's hands: returned, stored, captured by a callback (which may
 * release it later, as `res.on('finish', () => client.release())` does). Then whoever takes it
 * answers for it, and this function is not judged. Passing it as an argument keeps it here.
 */
function escapes(body: TS.Node, variable: string): boolean {
  const visit = (node: TS.Node, nested: boolean): boolean => {
    if (ts.isIdentifier(node) && node.text === variable && !isDeclarationName(node)) {
      if (nested) return true;
      if (!isHarmlessUse(node)) return true;
    }
    if (isFunctionLike(node)) {
      return ts.forEachChild(node, (child) => visit(child, true) || undefined) === true;
    }
    return ts.forEachChild(node, (child) => visit(child, nested) || undefined) === true;
  };
  return visit(body, false);
}

/**
 * Calling its methods, passing it as an argument, testing it, assigning to it: it stays here.
 * Passed to a call whose result is returned (`return new Repo(client)`), it goes with that result.
 */
function isHarmlessUse(node: TS.Identifier): boolean {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent)) return parent.expression === node;
  if (ts.isCallExpression(parent) || ts.isNewExpression(parent)) {
    return parent.expression !== node && !isReturned(parent);
  }
  if (ts.isBinaryExpression(parent)) return parent.left === node || isComparison(parent.operatorToken.kind);
  if (ts.isIfStatement(parent) || ts.isWhileStatement(parent)) return parent.expression === node;
  if (ts.isConditionalExpression(parent)) return parent.condition === node;
  return ts.isPrefixUnaryExpression(parent);
}

function isReturned(expression: TS.Expression): boolean {
  let current: TS.Node = expression;
  while (ts.isAwaitExpression(current.parent) || ts.isParenthesizedExpression(current.parent)) {
    current = current.parent;
  }
  return ts.isReturnStatement(current.parent) || ts.isArrowFunction(current.parent);
}

function isDeclarationName(node: TS.Identifier): boolean {
  const parent = node.parent;
  return (ts.isVariableDeclaration(parent) || ts.isParameter(parent)) && parent.name === node;
}

function isComparison(kind: TS.SyntaxKind): boolean {
  return (
    kind === ts.SyntaxKind.EqualsEqualsToken ||
    kind === ts.SyntaxKind.EqualsEqualsEqualsToken ||
    kind === ts.SyntaxKind.ExclamationEqualsToken ||
    kind === ts.SyntaxKind.ExclamationEqualsEqualsToken ||
    kind === ts.SyntaxKind.AmpersandAmpersandToken ||
    kind === ts.SyntaxKind.BarBarToken
  );
}

function releasesSomewhere(body: TS.Node, variable: string): boolean {
  const visit = (node: TS.Node): boolean =>
    isReleaseCall(node, variable) || ts.forEachChild(node, (child) => visit(child) || undefined) === true;
  return visit(body);
}
