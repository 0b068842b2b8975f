// One walk over a parsed file: its functions, their calls and factories, names, route registrations, checkouts.
import type * as TS from 'typescript';
import { connectionFactory } from './connection-factories.js';
import { bind, type FileModel, type FunctionUnit, type Target, unitFor } from './file-model.js';
import { hasDirective } from './framework-exports.js';
import {
  type FunctionLike,
  functionsOf,
  functionsOfProperty,
  hasModifier,
  isFunctionLike,
  refOf,
} from './function-targets.js';
import { propertyText, recordImports, skipOuter } from './module-imports.js';
import { positionOf } from './parse-source.js';
import {
  appFramework,
  handlerOptions,
  nestRoute,
  type RouteContext,
  routeRegistration,
} from './route-registrations.js';
import { ts } from './typescript.js';

const CHECKOUT_METHODS = new Set(['connect', 'getConnection', 'reserve']);

export class FileWalker {
  private readonly routes: RouteContext;
  /** The function the walk is in, and the class whose `this` it sees. */
  private unit: FunctionUnit;
  private owner: string | undefined;
  // One callback for every node's children: a closure per node would be garbage by the million.
  private readonly visitChild = (child: TS.Node): void => this.visit(child);

  constructor(
    private readonly model: FileModel,
    top: FunctionUnit,
  ) {
    this.routes = { imports: model.imports, apps: new Map() };
    this.unit = top;
  }

  /** Walks `node` inside `unit`, seeing `owner` as `this`. */
  walk(node: TS.Node, unit: FunctionUnit, owner: string | undefined): void {
    const saved = [this.unit, this.owner] as const;
    this.unit = unit;
    this.owner = owner;
    this.visit(node);
    [this.unit, this.owner] = saved;
  }

  private visit(node: TS.Node): void {
    const { unit, owner } = this;
    // Types hold no calls: skipping them spares a good share of a TypeScript file's nodes.
    if (ts.isTypeNode(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) return;
    if (isFunctionLike(node)) {
      this.enterFunction(node, unit, owner);
      return;
    }
    if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) {
      this.enterClass(node, unit);
      return;
    }
    if (ts.isImportDeclaration(node) || ts.isImportEqualsDeclaration(node)) {
      recordImports(node, this.model.imports);
      return;
    }
    if (ts.isVariableDeclaration(node)) this.declare(node, owner);
    else if (ts.isCallExpression(node)) this.call(node, unit, owner);
    else if (ts.isNewExpression(node)) this.construct(node, unit, owner);
    else if (ts.isJsxOpeningElement(node) || ts.isJsxSelfClosingElement(node)) {
      // Rendering a component runs it: a server component that opens a pool opens it per render.
      if (ts.isIdentifier(node.tagName) && /^[A-Z]/.test(node.tagName.text)) {
        unit.calls.push({ ref: { name: node.tagName.text }, node, invoked: false });
      }
    }
    ts.forEachChild(node, this.visitChild);
  }

  private enterFunction(node: FunctionLike, parent: FunctionUnit, owner: string | undefined): void {
    const isConstructor = ts.isConstructorDeclaration(node);
    const unit = unitFor(
      this.model,
      node,
      isConstructor ? 'constructor' : 'function',
      functionName(node, owner),
    );
    parent.nested.push(unit);
    if (ts.isFunctionDeclaration(node) && node.name) bind(this.model, node.name.text, [{ node }]);
    if (node.body && ts.isBlock(node.body) && hasDirective(node.body.statements, 'use server')) {
      this.addRoot([{ node }], 'Next.js', `server action ${unit.name.replace(/\(\)$/, '')}`, node);
    }
    // An arrow keeps the `this` around it; a function expression or declaration has its own.
    const sees =
      ts.isArrowFunction(node) || ts.isMethodDeclaration(node) || isConstructor ? owner : undefined;
    const saved = [this.unit, this.owner] as const;
    this.unit = unit;
    this.owner = sees;
    ts.forEachChild(node, this.visitChild);
    [this.unit, this.owner] = saved;
  }

  private enterClass(node: TS.ClassLikeDeclaration, parent: FunctionUnit): void {
    const name = node.name?.text ?? '(class)';
    const constructorNode = node.members.find(ts.isConstructorDeclaration) ?? node;
    // Field initializers run with the constructor: a pool in a field is one per instance.
    const construct = unitFor(this.model, constructorNode, 'constructor', `new ${name}()`);
    if (constructorNode === node) parent.nested.push(construct);
    bind(this.model, `${name}.new`, [{ node: constructorNode }]);
    for (const member of node.members) {
      const memberName = member.name && propertyText(member.name);
      if (ts.isMethodDeclaration(member) || ts.isGetAccessorDeclaration(member)) {
        if (memberName) bind(this.model, `${name}.${memberName}`, [{ node: member }]);
        const route = ts.isMethodDeclaration(member) ? nestRoute(member, node) : undefined;
        if (route) this.addRoot([{ node: member }], 'NestJS', route, member);
      }
      const isStatic = ts.canHaveModifiers(member) && hasModifier(member, ts.SyntaxKind.StaticKeyword);
      if (ts.isPropertyDeclaration(member) && member.initializer) {
        if (memberName) bind(this.model, `${name}.${memberName}`, functionsOf(member.initializer, name));
        this.walk(member.initializer, isStatic ? parent : construct, name);
      } else if (!ts.isPropertyDeclaration(member)) {
        this.walk(member, parent, name);
      }
    }
    for (const decorator of ts.getDecorators(node) ?? []) this.walk(decorator, parent, undefined);
  }

  private declare(node: TS.VariableDeclaration, owner: string | undefined): void {
    recordImports(node, this.model.imports);
    if (!ts.isIdentifier(node.name) || !node.initializer) return;
    const name = node.name.text;
    const initializer = skipOuter(node.initializer);
    bind(this.model, name, functionsOf(initializer, owner));
    if (ts.isObjectLiteralExpression(initializer)) {
      for (const property of initializer.properties) {
        const key = property.name && propertyText(property.name);
        if (key) bind(this.model, `${name}.${key}`, functionsOfProperty(property, owner));
      }
    }
    if (ts.isNewExpression(initializer) && ts.isIdentifier(initializer.expression)) {
      this.model.instances.set(name, initializer.expression.text);
    }
    const app = appFramework(initializer, this.model.imports);
    if (app) this.routes.apps.set(name, app);
    if (
      (ts.isNewExpression(initializer) || ts.isCallExpression(initializer)) &&
      connectionFactory(initializer, this.model.imports, this.model.source)?.isPool
    ) {
      this.model.poolNames.add(name);
    }
  }

  private call(node: TS.CallExpression, unit: FunctionUnit, owner: string | undefined): void {
    const ref = refOf(node.expression, owner);
    if (ref) unit.calls.push({ ref, node, invoked: true });
    this.referencesIn(node.arguments, unit, owner);
    this.factory(node, unit);
    const route = routeRegistration(node, this.routes);
    if (route) {
      const targets = route.handlers.flatMap((handler) =>
        ts.isObjectLiteralExpression(handler)
          ? handlerOptions(handler).flatMap((property) => functionsOfProperty(property, owner))
          : functionsOf(handler, owner),
      );
      if (targets.length > 0) this.addRoot(targets, route.framework, route.name, node);
    }
    const callee = node.expression;
    if (ts.isPropertyAccessExpression(callee) && CHECKOUT_METHODS.has(callee.name.text)) {
      this.model.checkouts.push({ call: node, unit });
    }
  }

  private construct(node: TS.NewExpression, unit: FunctionUnit, owner: string | undefined): void {
    if (ts.isIdentifier(node.expression)) {
      unit.calls.push({ ref: { name: node.expression.text, property: 'new' }, node, invoked: true });
    }
    this.referencesIn(node.arguments ?? [], unit, owner);
    this.factory(node, unit);
  }

  /** Functions passed by name (`items.map(toRow)`, `app.get('/', list)`) run when the callee runs them. */
  private referencesIn(args: readonly TS.Expression[], unit: FunctionUnit, owner: string | undefined): void {
    for (const argument of args) {
      const ref = refOf(argument, owner);
      if (ref) unit.calls.push({ ref, node: argument, invoked: false });
    }
  }

  private factory(node: TS.NewExpression | TS.CallExpression, unit: FunctionUnit): void {
    const match = connectionFactory(node, this.model.imports, this.model.source);
    if (match) unit.factories.push({ node, match });
  }

  private addRoot(targets: Target[], framework: string, name: string, at: TS.Node): void {
    this.model.roots.push({ targets, framework, name, line: positionOf(at, this.model.source).line });
  }
}

function functionName(node: FunctionLike, owner: string | undefined): string {
  if (ts.isConstructorDeclaration(node)) return `new ${owner ?? '(class)'}()`;
  const own = node.name && propertyText(node.name as TS.PropertyName);
  if (own) return `${ts.isMethodDeclaration(node) && owner ? `${owner}.` : ''}${own}()`;
  const parent = node.parent;
  if (ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) return `${parent.name.text}()`;
  if (ts.isPropertyAssignment(parent)) {
    const key = propertyText(parent.name);
    const holder = parent.parent.parent;
    const object =
      ts.isVariableDeclaration(holder) && ts.isIdentifier(holder.name) ? `${holder.name.text}.` : '';
    if (key) return `${object}${key}()`;
  }
  if (ts.isFunctionDeclaration(node)) return 'default()';
  return 'anonymous function';
}
