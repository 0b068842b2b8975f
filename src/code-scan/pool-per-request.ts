// The rule `pool-per-request`: a pool or client made on every request, in a handler or in a function it calls.
import type * as TS from 'typescript';
import type { CodeIndex } from './code-index.js';
import type { CallRef, FactorySite, FileModel, FunctionUnit, HandlerRoot } from './file-model.js';
import { CODE_FIXES, CODE_SEVERITIES, type CodeFinding } from './finding.js';
import { positionOf } from './parse-source.js';
import { type Scope, valueUse } from './value-use.js';

/** A factory call whose value reaches a function, and the functions it came up through. */
interface Origin {
  site: FactorySite;
  /** The function the factory call is in. */
  home: FunctionUnit;
  /** The functions that returned it, outermost first, ending with `home`; empty when made right here. */
  chain: FunctionUnit[];
  /** `.connect()` was called on it on its way up, so a pg `Client` is open. */
  connected: boolean;
}

/** A value dropped after a `Client` that was never connected opens nothing: not a finding. */
const opens = (origin: Origin, connectedHere: boolean) =>
  connectedHere || origin.connected || !origin.site.match.needsConnect;

const scopeOf = (unit: FunctionUnit): Scope => ({ kind: unit.kind, node: unit.node });

/**
 * A pool is made per request when a handler, or a function it (transitively) calls, makes one and
 * drops it: not kept in module-level state, not handed back to a caller who keeps it. Functions
 * that return a fresh pool pass the question to their callers; module-scope code runs once.
 */
export function findPoolsPerRequest(index: CodeIndex): CodeFinding[] {
  const units = index.files.flatMap((file) => [...file.units.values()]);
  const fresh = new Map<FunctionUnit, Origin>();
  const perCall = new Map<FunctionUnit, Origin[]>();
  const dropIn = (unit: FunctionUnit, origin: Origin) => {
    const list = perCall.get(unit) ?? [];
    if (!list.some((known) => known.site === origin.site)) list.push(origin);
    perCall.set(unit, list);
  };

  // Where each factory call's value goes, in the function it is in.
  for (const unit of units) {
    for (const site of unit.factories) {
      const use = valueUse(site.node, scopeOf(unit));
      if (use.kind === 'returned' && !fresh.has(unit)) {
        fresh.set(unit, { site, home: unit, chain: [unit], connected: use.connected });
      } else if (use.kind === 'local') {
        const origin = { site, home: unit, chain: [], connected: use.connected };
        if (opens(origin, false)) dropIn(unit, origin);
      }
    }
  }

  // Callers of functions that return a fresh pool: they keep it, pass it on, or drop it.
  const callers = callerIndex(index, units);
  const queue = [...fresh.keys()];
  for (let next = queue.shift(); next; next = queue.shift()) {
    const origin = fresh.get(next)!;
    for (const { unit, call } of callers.get(next) ?? []) {
      const use = valueUse(call.node as TS.Expression, scopeOf(unit));
      if (use.kind === 'returned' && !fresh.has(unit)) {
        fresh.set(unit, {
          ...origin,
          chain: [unit, ...origin.chain],
          connected: origin.connected || use.connected,
        });
        queue.push(unit);
      } else if (use.kind === 'local' && opens(origin, use.connected)) {
        dropIn(unit, origin);
      }
    }
  }

  return reachFromHandlers(index, perCall, fresh);
}

function callerIndex(
  index: CodeIndex,
  units: readonly FunctionUnit[],
): Map<FunctionUnit, { unit: FunctionUnit; call: CallRef }[]> {
  const callers = new Map<FunctionUnit, { unit: FunctionUnit; call: CallRef }[]>();
  for (const unit of units) {
    for (const call of unit.calls) {
      if (!call.invoked) continue;
      for (const callee of index.callees(unit.file, call)) {
        const list = callers.get(callee) ?? [];
        list.push({ unit, call });
        callers.set(callee, list);
      }
    }
  }
  return callers;
}

/** Walks from every handler through the calls and callbacks it runs; reports each drop once. */
function reachFromHandlers(
  index: CodeIndex,
  perCall: Map<FunctionUnit, Origin[]>,
  fresh: Map<FunctionUnit, Origin>,
): CodeFinding[] {
  const findings: CodeFinding[] = [];
  const reported = new Set<TS.Node>();
  const visited = new Set<FunctionUnit>();
  for (const file of index.files) {
    for (const root of file.roots) {
      const entries = root.targets.flatMap((target) => index.unitsOf(file, target));
      const parent = new Map<FunctionUnit, FunctionUnit | undefined>();
      const queue: FunctionUnit[] = [];
      for (const entry of entries) {
        if (visited.has(entry)) continue;
        visited.add(entry);
        parent.set(entry, undefined);
        queue.push(entry);
      }
      for (let unit = queue.shift(); unit; unit = queue.shift()) {
        const origins = [...(perCall.get(unit) ?? [])];
        // A handler that returns a fresh pool makes it per request all the same.
        const returned = fresh.get(unit);
        if (returned && entries.includes(unit) && opens(returned, false)) {
          origins.push({ ...returned, chain: returned.chain.slice(1) });
        }
        for (const origin of origins) {
          if (reported.has(origin.site.node)) continue;
          reported.add(origin.site.node);
          findings.push(finding(origin, root, file, [...pathTo(unit, parent), ...origin.chain]));
        }
        const next = [...unit.nested, ...unit.calls.flatMap((call) => index.callees(unit.file, call))];
        for (const callee of next) {
          if (visited.has(callee)) continue;
          visited.add(callee);
          parent.set(callee, unit);
          queue.push(callee);
        }
      }
    }
  }
  return findings;
}

/** The functions from the handler (excluded) down to `unit`. */
function pathTo(unit: FunctionUnit, parent: Map<FunctionUnit, FunctionUnit | undefined>): FunctionUnit[] {
  const path: FunctionUnit[] = [];
  for (
    let current: FunctionUnit | undefined = unit;
    parent.get(current!) !== undefined;
    current = parent.get(current!)
  ) {
    path.unshift(current!);
  }
  return path;
}

function finding(
  origin: Origin,
  root: HandlerRoot,
  rootFile: FileModel,
  through: FunctionUnit[],
): CodeFinding {
  const { site, home } = origin;
  const { line, column } = positionOf(site.node, home.file.source);
  const handler = {
    framework: root.framework,
    name: root.name,
    file: rootFile.relativePath,
    line: root.line,
  };
  // Callbacks have no name worth printing; the named functions tell the story.
  const via = through
    .filter((unit) => unit.kind !== 'module' && unit.name !== 'anonymous function')
    .map((unit) => unit.name);
  const where = `the ${handler.framework} ${handler.name}`;
  const message =
    via.length === 0
      ? `${site.match.call} in ${where} opens ${site.match.opens} on every request`
      : `${site.match.call} in ${home.name === 'anonymous function' ? via.at(-1) : home.name} opens ${site.match.opens} on every request: ${where} (${handler.file}:${handler.line}) calls it via ${via.join(' → ')}`;
  return {
    rule: 'pool-per-request',
    severity: CODE_SEVERITIES['pool-per-request'],
    file: home.file.relativePath,
    line,
    column,
    message,
    fix: CODE_FIXES['pool-per-request'],
    call: site.match.call,
    handler,
    ...(via.length > 0 ? { via } : {}),
  };
}
