// Follows a function's paths with the state of one checked-out client: is it given back on each way out?
import type * as TS from 'typescript';
import { isFunctionLike } from './function-targets.js';
import { skipOuter } from './module-imports.js';
import { positionOf } from './parse-source.js';
import { ts } from './typescript.js';

/** Method names that give a checked-out client back. */
const RELEASE_METHODS = new Set(['release', 'destroy', 'releaseConnection']);

// The abstract state of the client along a path, as a bit set: several paths may meet.
const IDLE = 1; // not checked out yet (or the checkout itself failed)
const HELD = 2;
const RELEASED = 4;

export interface Leak {
  node: TS.Node;
  how: 'throw' | 'return' | 'end';
}

interface Frame {
  /** The try block has a catch that receives what is thrown in it. */
  catches: boolean;
  /** The states thrown into the catch. */
  thrown: number;
  /** The finally gives the client back whatever happened. */
  finallyReleases: boolean;
}

/** `client.release()`, `client?.release(err)`, `client.destroy()`, `pool.releaseConnection(client)`. */
export function isReleaseCall(node: TS.Node, variable: string): boolean {
  if (!ts.isCallExpression(node)) return false;
  const callee = node.expression;
  if (!ts.isPropertyAccessExpression(callee) || !RELEASE_METHODS.has(callee.name.text)) return false;
  const receiver = skipOuter(callee.expression);
  if (ts.isIdentifier(receiver) && receiver.text === variable) return true;
  return node.arguments.some((argument) => {
    const inner = skipOuter(argument);
    return ts.isIdentifier(inner) && inner.text === variable;
  });
}

export function describeLeak(leak: Leak, source: TS.SourceFile): string {
  const { line } = positionOf(leak.node, source);
  if (leak.how === 'return') return `the return on line ${line} leaves it checked out`;
  if (leak.how === 'end') return 'it is still checked out when the function ends';
  return ts.isThrowStatement(leak.node)
    ? `the throw on line ${line} leaves it checked out`
    : `an error thrown on line ${line} leaves it checked out`;
}

/**
 * Follows the function's statements with the set of states the client can be in, and stops at the
 * first way out (a return, a throw that nothing catches, the end) on which it may still be held.
 * Loops run their body once; `break` and `continue` fall through. Good enough for handlers.
 */
export class ReleaseFlow {
  private leak: Leak | undefined;
  private readonly frames: Frame[] = [];

  constructor(
    private readonly variable: string,
    private readonly checkout: TS.Statement,
    private readonly source: TS.SourceFile,
  ) {}

  run(body: TS.ConciseBody): Leak | undefined {
    if (ts.isBlock(body)) {
      const end = this.statements(body.statements, IDLE);
      if (end & HELD) this.found(body.getLastToken(this.source) ?? body, 'end');
    }
    return this.leak;
  }

  private found(node: TS.Node, how: Leak['how']): void {
    this.leak ??= { node, how };
  }

  private throwFrom(states: number, node: TS.Node): void {
    if (!(states & HELD)) return;
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const frame = this.frames[i]!;
      if (frame.catches) {
        frame.thrown |= states;
        return;
      }
      if (frame.finallyReleases) return;
    }
    this.found(node, 'throw');
  }

  private returnFrom(states: number, node: TS.Node): void {
    if (!(states & HELD) || this.frames.some((frame) => frame.finallyReleases)) return;
    this.found(node, 'return');
  }

  private statements(list: readonly TS.Statement[], states: number): number {
    let current = states;
    for (const statement of list) {
      if (current === 0) break;
      current = this.statement(statement, current);
    }
    return current;
  }

  private statement(node: TS.Statement, states: number): number {
    if (node === this.checkout) {
      this.throwFrom(states, node);
      return HELD;
    }
    if (this.isRelease(node)) return release(states);
    if (ts.isBlock(node)) return this.statements(node.statements, states);
    if (ts.isIfStatement(node)) return this.ifStatement(node, states);
    if (ts.isTryStatement(node)) return this.tryStatement(node, states);
    if (ts.isReturnStatement(node)) {
      if (node.expression && this.canThrow(node.expression)) this.throwFrom(states, node);
      this.returnFrom(states, node);
      return 0;
    }
    if (ts.isThrowStatement(node)) {
      this.throwFrom(states, node);
      return 0;
    }
    if (ts.isLabeledStatement(node)) return this.statement(node.statement, states);
    if (
      ts.isForStatement(node) ||
      ts.isForOfStatement(node) ||
      ts.isForInStatement(node) ||
      ts.isWhileStatement(node) ||
      ts.isDoStatement(node)
    ) {
      if (this.canThrowHead(node)) this.throwFrom(states, node);
      return states | this.statement(node.statement, states);
    }
    if (ts.isSwitchStatement(node)) {
      if (this.canThrow(node.expression)) this.throwFrom(states, node);
      let out = node.caseBlock.clauses.some(ts.isDefaultClause) ? 0 : states;
      for (const clause of node.caseBlock.clauses) out |= this.statements(clause.statements, states);
      return out;
    }
    if (ts.isBreakStatement(node) || ts.isContinueStatement(node)) return states;
    if (this.canThrow(node)) this.throwFrom(states, node);
    return states;
  }

  private ifStatement(node: TS.IfStatement, states: number): number {
    if (this.canThrow(node.expression)) this.throwFrom(states, node.expression);
    // `if (client) client.release()`: while the client is held, the test is true.
    const test = this.testOf(node.expression);
    const thenStates = test === 'falsy' ? states & ~HELD : states;
    const elseStates = test === 'truthy' ? states & ~HELD : states;
    const afterThen = thenStates ? this.statement(node.thenStatement, thenStates) : 0;
    const afterElse = node.elseStatement
      ? elseStates
        ? this.statement(node.elseStatement, elseStates)
        : 0
      : elseStates;
    return afterThen | afterElse;
  }

  private tryStatement(node: TS.TryStatement, states: number): number {
    const finallyReleases = node.finallyBlock !== undefined && this.releasesAlways(node.finallyBlock);
    const frame: Frame = { catches: node.catchClause !== undefined, thrown: 0, finallyReleases };
    this.frames.push(frame);
    let out = this.statements(node.tryBlock.statements, states);
    this.frames.pop();
    if (node.catchClause && frame.thrown) {
      this.frames.push({ catches: false, thrown: 0, finallyReleases });
      out |= this.statements(node.catchClause.block.statements, frame.thrown);
      this.frames.pop();
    }
    if (node.finallyBlock) out = this.statements(node.finallyBlock.statements, out);
    return out;
  }

  /** The block ends with the client given back, whatever state it starts in. */
  private releasesAlways(block: TS.Block): boolean {
    const probe = new ReleaseFlow(this.variable, this.checkout, this.source);
    const out = probe.statements(block.statements, HELD);
    return out !== 0 && !(out & HELD);
  }

  private isRelease(node: TS.Statement): boolean {
    if (!ts.isExpressionStatement(node)) return false;
    let expression = skipOuter(node.expression);
    if (ts.isVoidExpression(expression)) expression = skipOuter(expression.expression);
    return isReleaseCall(expression, this.variable);
  }

  private testOf(condition: TS.Expression): 'truthy' | 'falsy' | undefined {
    const inner = skipOuter(condition);
    const isVariable = (expression: TS.Expression) => {
      const candidate = skipOuter(expression);
      return ts.isIdentifier(candidate) && candidate.text === this.variable;
    };
    if (isVariable(inner)) return 'truthy';
    if (ts.isPrefixUnaryExpression(inner) && inner.operator === ts.SyntaxKind.ExclamationToken) {
      return isVariable(inner.operand) ? 'falsy' : undefined;
    }
    if (ts.isBinaryExpression(inner) && (isVariable(inner.left) || isVariable(inner.right))) {
      const other = isVariable(inner.left) ? inner.right : inner.left;
      const isNothing =
        other.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(other) && other.text === 'undefined');
      if (!isNothing) return undefined;
      const kind = inner.operatorToken.kind;
      if (
        kind === ts.SyntaxKind.ExclamationEqualsToken ||
        kind === ts.SyntaxKind.ExclamationEqualsEqualsToken
      ) {
        return 'truthy';
      }
      if (kind === ts.SyntaxKind.EqualsEqualsToken || kind === ts.SyntaxKind.EqualsEqualsEqualsToken)
        return 'falsy';
    }
    return undefined;
  }

  private canThrowHead(node: TS.IterationStatement): boolean {
    return (
      ts.forEachChild(node, (child) => (child !== node.statement && this.canThrow(child)) || undefined) ===
      true
    );
  }

  /** Calls, `new`, `await` and `throw` can throw; logging to the console is taken not to. */
  private canThrow(node: TS.Node): boolean {
    if (isFunctionLike(node)) return false;
    if (ts.isCallExpression(node)) {
      if (isReleaseCall(node, this.variable)) return false;
      const callee = skipOuter(node.expression);
      const isConsole =
        ts.isPropertyAccessExpression(callee) &&
        ts.isIdentifier(callee.expression) &&
        callee.expression.text === 'console';
      if (!isConsole) return true;
    }
    if (
      ts.isNewExpression(node) ||
      ts.isAwaitExpression(node) ||
      ts.isThrowStatement(node) ||
      ts.isTaggedTemplateExpression(node)
    ) {
      return true;
    }
    return ts.forEachChild(node, (child) => this.canThrow(child) || undefined) === true;
  }
}

function release(states: number): number {
  return states & HELD ? (states & ~HELD) | RELEASED : states;
}
