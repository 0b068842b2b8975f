// What a file exports, ES modules and CommonJS alike, and which exports a framework calls per request.
import type * as TS from 'typescript';
import { bind, type FileModel, type Target } from './file-model.js';
import { exportRole, hasDirective } from './framework-exports.js';
import { functionsOf, functionsOfProperty, hasModifier } from './function-targets.js';
import { propertyText, skipOuter } from './module-imports.js';
import { positionOf } from './parse-source.js';
import { ts } from './typescript.js';

const DEFAULT_LOCAL = '*default*';

/**
 * Fills `exports` and `reexports` from the top-level statements, ES modules and CommonJS alike.
 * Returns the statement each export is declared in, to name handlers by their line.
 */
export function readExports(model: FileModel): Map<string, TS.Statement> {
  const declaredIn = new Map<string, TS.Statement>();
  let current: TS.Statement = model.source.statements[0]!;
  const set = (name: string, targets: Target[]) => {
    if (targets.length === 0) return;
    model.exports.set(name, [...(model.exports.get(name) ?? []), ...targets]);
    if (!declaredIn.has(name)) declaredIn.set(name, current);
  };
  for (const statement of model.source.statements) {
    current = statement;
    if (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) {
      if (!hasModifier(statement, ts.SyntaxKind.ExportKeyword)) continue;
      const isDefault = hasModifier(statement, ts.SyntaxKind.DefaultKeyword);
      const name = statement.name?.text;
      if (ts.isFunctionDeclaration(statement)) set(isDefault ? 'default' : name!, [{ node: statement }]);
      else if (name) set(isDefault ? 'default' : name, [{ ref: { name } }]);
    } else if (ts.isVariableStatement(statement)) {
      if (!hasModifier(statement, ts.SyntaxKind.ExportKeyword)) continue;
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name))
          set(declaration.name.text, [{ ref: { name: declaration.name.text } }]);
      }
    } else if (ts.isExportAssignment(statement)) {
      exportValue(model, 'default', statement.expression, set);
    } else if (ts.isExportDeclaration(statement)) {
      readExportDeclaration(model, statement, set);
    } else if (ts.isExpressionStatement(statement)) {
      readCommonJsExport(model, statement.expression, set);
    }
  }
  return declaredIn;
}

function exportValue(
  model: FileModel,
  name: string,
  value: TS.Expression,
  set: (name: string, targets: Target[]) => void,
): void {
  const inner = skipOuter(value);
  // An exported instance or object gets a name of its own, so `import users from './users';
  // users.list()` finds the method: `export default new UserService()`, `module.exports = { list }`.
  const local = name === 'default' ? DEFAULT_LOCAL : `*export ${name}*`;
  if (ts.isNewExpression(inner) && ts.isIdentifier(inner.expression)) {
    model.instances.set(local, inner.expression.text);
    set(name, [{ ref: { name: local } }]);
  } else if (ts.isObjectLiteralExpression(inner)) {
    bind(model, local, functionsOf(inner, undefined));
    for (const property of inner.properties) {
      const key = property.name && propertyText(property.name);
      if (key) bind(model, `${local}.${key}`, functionsOfProperty(property, undefined));
    }
    set(name, [{ ref: { name: local } }]);
  } else {
    set(name, functionsOf(inner, undefined));
  }
}

function readExportDeclaration(
  model: FileModel,
  statement: TS.ExportDeclaration,
  set: (name: string, targets: Target[]) => void,
): void {
  if (statement.isTypeOnly) return;
  const clause = statement.exportClause;
  if (statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier)) {
    const module = statement.moduleSpecifier.text;
    if (!clause) model.reexports.push({ module });
    else if (ts.isNamedExports(clause)) {
      const names = new Map(
        clause.elements.map((element) => [element.name.text, (element.propertyName ?? element.name).text]),
      );
      model.reexports.push({ module, names });
    }
    return;
  }
  if (clause && ts.isNamedExports(clause)) {
    for (const element of clause.elements) {
      set(element.name.text, [{ ref: { name: (element.propertyName ?? element.name).text } }]);
    }
  }
}

/** `module.exports = …`, `module.exports.handler = …`, `exports.handler = …`. */
function readCommonJsExport(
  model: FileModel,
  expression: TS.Expression,
  set: (name: string, targets: Target[]) => void,
): void {
  if (!ts.isBinaryExpression(expression) || expression.operatorToken.kind !== ts.SyntaxKind.EqualsToken)
    return;
  const left = expression.left;
  if (!ts.isPropertyAccessExpression(left)) return;
  const target = left.getText(model.source);
  if (target === 'module.exports') {
    exportValue(model, 'default', expression.right, set);
    const value = skipOuter(expression.right);
    if (ts.isObjectLiteralExpression(value)) {
      for (const property of value.properties) {
        const key = property.name && propertyText(property.name);
        if (key) set(key, functionsOfProperty(property, undefined));
      }
    }
  } else if (/^(module\.)?exports\.[\w$]+$/.test(target)) {
    exportValue(model, left.name.text, expression.right, set);
  }
}

/** Exports a framework calls per request: route handlers, API routes, server actions, Lambda handlers. */
export function addExportedHandlers(model: FileModel, declaredIn: ReadonlyMap<string, TS.Statement>): void {
  const statements = model.source.statements;
  if (hasDirective(statements, 'use client')) return;
  const serverActions = hasDirective(statements, 'use server');
  for (const [name, targets] of model.exports) {
    const role = exportRole(model.relativePath, name, serverActions);
    if (!role) continue;
    const line = positionOf(declaredIn.get(name) ?? model.source, model.source).line;
    model.roots.push({ targets, framework: role.framework, name: role.name, line });
  }
}
