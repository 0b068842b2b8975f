// objects.isolation: the environment's objects are its own. Its folder or bucket prefix carries
// launchdb's marker naming this environment, and no other environment of the project resolves to
// the same place, or to one inside or around it.
import type { Check } from '../../../core/checks/check.js';
import type { Environment } from '../../../core/project.js';
import { readObjectsMarker } from '../marker.js';
import { type ObjectsTarget, resolveObjectsTarget } from '../target.js';
import type { ObjectsCheckContext } from './context.js';

export const isolation: Check<ObjectsCheckContext> = {
  id: 'objects.isolation',
  area: 'objects',
  title: 'The environment’s objects are its own',
  severity: 'fail',
  async run(ctx) {
    const store = await ctx.objects.objects();
    const marker = await readObjectsMarker(store);
    const attach = `run \`launchdb attach objects --env ${ctx.env.name}\``;
    if (!marker) {
      return {
        status: 'fail',
        summary: `${store.location} carries no launchdb marker: it was never attached`,
        fix: attach,
      };
    }
    if (marker.project !== ctx.project.name || marker.environment !== ctx.env.name) {
      return {
        status: 'fail',
        summary: `${store.location} is marked for environment "${marker.environment}" of project "${marker.project}", not ${ctx.env.name}`,
        details: { marker },
        fix: `give ${ctx.env.name} its own bucket or prefix (objects.bucket, objects.prefix), then ${attach}`,
      };
    }
    const here = placeOf(ctx.objects.target);
    const shared: string[] = [];
    const unresolved: string[] = [];
    for (const name of ctx.project.environmentNames()) {
      if (name === ctx.env.name) continue;
      const other = otherTarget(ctx.project.environment(name));
      if (other === 'unresolved') unresolved.push(name);
      else if (other && overlaps(here, placeOf(other))) shared.push(`${name} (${other.location})`);
    }
    if (shared.length > 0) {
      return {
        status: 'fail',
        summary: `${store.location} is shared with ${shared.join(', ')}`,
        details: { marker, shared },
        fix: 'give each environment its own bucket, or its own prefix in a shared one, none inside another',
      };
    }
    return {
      status: 'pass',
      summary: `${store.location} is marked for ${ctx.env.name}, and no other environment resolves to it`,
      details: { marker, ...(unresolved.length > 0 ? { unresolved } : {}) },
    };
  },
};

/** Another environment's objects; one whose config reads an unset variable cannot be compared. */
function otherTarget(env: Environment): ObjectsTarget | 'unresolved' | undefined {
  try {
    return resolveObjectsTarget(env);
  } catch {
    return 'unresolved';
  }
}

/** Where a target's objects live, as a path: the folder, or `host:port/bucket/prefix/`. */
function placeOf(target: ObjectsTarget): string {
  return target.backing === 'embedded'
    ? `${target.folder}/`
    : `${target.host}:${target.port}/${[target.bucket, target.prefix].filter(Boolean).join('/')}/`;
}

function overlaps(a: string, b: string): boolean {
  return a.startsWith(b) || b.startsWith(a);
}
