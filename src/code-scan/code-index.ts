// Resolves names across the scanned files: a call to `getDb` lands on the function, through imports and re-exports.
import type { FileModel, FunctionUnit, Ref, Target } from './file-model.js';
import { type PathAliases, resolveModule } from './resolve-module.js';

export class CodeIndex {
  private readonly byPath = new Map<string, FileModel>();
  private readonly paths: ReadonlySet<string>;
  private readonly resolved = new WeakMap<object, FunctionUnit[]>();

  constructor(
    readonly files: readonly FileModel[],
    private readonly aliases: PathAliases,
  ) {
    for (const file of files) this.byPath.set(file.path, file);
    this.paths = new Set(this.byPath.keys());
  }

  /** The functions a call, reference or handler target lands on; none when it leaves the scanned code. */
  unitsOf(file: FileModel, target: Target): FunctionUnit[] {
    const cached = this.resolved.get(target);
    if (cached) return cached;
    const units =
      'node' in target ? this.unitOfNode(file, target.node) : this.resolveRef(file, target.ref, new Set());
    this.resolved.set(target, units);
    return units;
  }

  /** The functions a call site's ref lands on, remembered per call site. */
  callees(file: FileModel, call: { ref: Ref }): FunctionUnit[] {
    const cached = this.resolved.get(call);
    if (cached) return cached;
    const units = this.resolveRef(file, call.ref, new Set());
    this.resolved.set(call, units);
    return units;
  }

  private unitOfNode(file: FileModel, node: object): FunctionUnit[] {
    const unit = file.units.get(node as never);
    return unit ? [unit] : [];
  }

  private resolveTargets(file: FileModel, targets: readonly Target[], seen: Set<string>): FunctionUnit[] {
    return targets.flatMap((target) =>
      'node' in target ? this.unitOfNode(file, target.node) : this.resolveRef(file, target.ref, seen),
    );
  }

  private resolveRef(file: FileModel, ref: Ref, seen: Set<string>): FunctionUnit[] {
    const key = `${file.path}#${ref.name}.${ref.property ?? ''}`;
    if (seen.has(key)) return [];
    seen.add(key);
    if (ref.property === undefined) return this.resolveName(file, ref.name, seen);
    return this.resolveMember(file, ref.name, ref.property, seen);
  }

  private resolveName(file: FileModel, name: string, seen: Set<string>): FunctionUnit[] {
    const bound = file.bindings.get(name);
    if (bound) return this.resolveTargets(file, bound, seen);
    const imported = file.imports.get(name);
    if (!imported || imported.name === '*') return [];
    const target = this.moduleFile(file, imported.module);
    return target ? this.resolveExport(target, imported.name, seen) : [];
  }

  /** `users.list()`: a member of an object or class of this file, of an instance, or of an import. */
  private resolveMember(
    file: FileModel,
    object: string,
    property: string,
    seen: Set<string>,
  ): FunctionUnit[] {
    const bound = file.bindings.get(`${object}.${property}`);
    if (bound) return this.resolveTargets(file, bound, seen);
    const className = file.instances.get(object);
    if (className && className !== object) return this.resolveRef(file, { name: className, property }, seen);
    const imported = file.imports.get(object);
    if (!imported) return [];
    const target = this.moduleFile(file, imported.module);
    if (!target) return [];
    if (imported.name === '*') return this.resolveExport(target, property, seen);
    return this.resolveExportMember(target, imported.name, property, seen);
  }

  private resolveExport(file: FileModel, name: string, seen: Set<string>): FunctionUnit[] {
    const exported = file.exports.get(name);
    if (exported) return this.resolveTargets(file, exported, seen);
    for (const reexport of file.reexports) {
      const imported = reexport.names ? reexport.names.get(name) : name === 'default' ? undefined : name;
      if (imported === undefined) continue;
      const target = this.moduleFile(file, reexport.module);
      const units = target ? this.resolveExport(target, imported, seen) : [];
      if (units.length > 0) return units;
    }
    return [];
  }

  /** A member of an exported object, class or instance: `import { users } from './users'; users.list()`. */
  private resolveExportMember(
    file: FileModel,
    name: string,
    property: string,
    seen: Set<string>,
  ): FunctionUnit[] {
    const exported = file.exports.get(name);
    if (exported) {
      return exported.flatMap((target) =>
        'ref' in target && target.ref.property === undefined
          ? this.resolveRef(file, { name: target.ref.name, property }, seen)
          : [],
      );
    }
    for (const reexport of file.reexports) {
      const imported = reexport.names ? reexport.names.get(name) : name === 'default' ? undefined : name;
      if (imported === undefined) continue;
      const target = this.moduleFile(file, reexport.module);
      const units = target ? this.resolveExportMember(target, imported, property, seen) : [];
      if (units.length > 0) return units;
    }
    return [];
  }

  private moduleFile(from: FileModel, specifier: string): FileModel | undefined {
    const path = resolveModule(from.path, specifier, this.paths, () => this.aliases.forFile(from.path));
    return path === undefined ? undefined : this.byPath.get(path);
  }
}
