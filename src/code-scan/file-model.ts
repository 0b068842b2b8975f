// What the scan knows of one file: its functions, what each calls and creates, its names, exports and handlers.
import type * as TS from 'typescript';
import type { FactoryMatch } from './connection-factories.js';
import type { Imports } from './module-imports.js';

/** A name to look up: `getDb`, or a member `users.list` (`this.find` inside class `Repo` is `Repo.find`). */
export type Ref = { name: string; property?: string };

/** What a name, an export or a handler stands for: a function-like node of the file, or another name. */
export type Target = { node: TS.Node } | { ref: Ref };

/** A call, `new`, or function reference inside a function. */
export interface CallRef {
  ref: Ref;
  node: TS.Node;
  /** A call or `new` whose result the caller gets; a reference (`items.map(fn)`) only runs it. */
  invoked: boolean;
}

export interface FactorySite {
  node: TS.NewExpression | TS.CallExpression;
  match: FactoryMatch;
}

/** A function of the file; the file's top level and a class's field initializers are units too. */
export interface FunctionUnit {
  file: FileModel;
  /** The function-like node; the source file for the top level; the class for field initializers. */
  node: TS.Node;
  kind: 'module' | 'function' | 'constructor';
  /** How it reads in findings: `getDb()`, `UserRepo.find()`, `new UserRepo()`. */
  name: string;
  calls: CallRef[];
  /** Functions defined inside it: callbacks run when it runs. */
  nested: FunctionUnit[];
  factories: FactorySite[];
}

export interface HandlerRoot {
  targets: Target[];
  framework: string;
  name: string;
  line: number;
}

/** A `x.connect()` / `x.getConnection()` / `x.reserve()` call, judged once the file's pools are known. */
export interface CheckoutCandidate {
  call: TS.CallExpression;
  unit: FunctionUnit;
}

export interface FileModel {
  /** Absolute. */
  path: string;
  /** Relative to the scan's base, `/`-separated. */
  relativePath: string;
  source: TS.SourceFile;
  imports: Imports;
  units: Map<TS.Node, FunctionUnit>;
  /** Names (and `name.member`) to what they stand for; scopes are not told apart. */
  bindings: Map<string, Target[]>;
  /** Variables holding `new C()`, by the class name. */
  instances: Map<string, string>;
  exports: Map<string, Target[]>;
  /** `export … from`: `names` maps exported to imported names; absent for `export *`. */
  reexports: { module: string; names?: Map<string, string> }[];
  roots: HandlerRoot[];
  /** Variables bound to a pool (what hands out clients): `const db = new Pool()`. */
  poolNames: Set<string>;
  checkouts: CheckoutCandidate[];
}

export function unitFor(
  model: FileModel,
  node: TS.Node,
  kind: FunctionUnit['kind'],
  name: string,
): FunctionUnit {
  let unit = model.units.get(node);
  if (!unit) {
    unit = { file: model, node, kind, name, calls: [], nested: [], factories: [] };
    model.units.set(node, unit);
  }
  return unit;
}

export function bind(model: FileModel, name: string, targets: Target[]): void {
  if (targets.length === 0) return;
  const existing = model.bindings.get(name);
  if (existing) existing.push(...targets);
  else model.bindings.set(name, targets);
}
