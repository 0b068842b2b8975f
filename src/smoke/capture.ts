// Reads a value out of a JSON response by JSON Pointer (`/order/id`, RFC 6901) or dot path
// (`order.id`, `items.0.id`). Deliberately no JSONPath and nothing evaluated: a spec is data.

/** How many keys a "no value" message lists before it stops. */
const LISTED_KEYS = 10;

export type CaptureRead = { found: true; value: unknown } | { found: false; reason: string };

/** A path starting with `/` is a JSON Pointer; anything else is a dot path. */
export function readCapture(json: unknown, path: string): CaptureRead {
  const pointer = path.startsWith('/') || path === '';
  const segments = pointer ? pointerSegments(path) : path.split('.');
  const shown = (depth: number) =>
    pointer ? pointerOf(segments, depth) : segments.slice(0, depth).join('.');
  if (json === undefined)
    return { found: false, reason: `no value at ${path} (the response has no JSON body)` };
  let value: unknown = json;
  for (const [depth, segment] of segments.entries()) {
    const next = childOf(value, segment);
    if (!next.found) {
      const where = depth === 0 ? 'the response' : shown(depth);
      return { found: false, reason: `no value at ${path} (${where} ${next.has})` };
    }
    value = next.value;
  }
  return { found: true, value };
}

/** RFC 6901: `/a~1b/c~0d` is `a/b` then `c~d`; `~1` is undone before `~0`, so `~01` stays `~1`. */
function pointerSegments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function pointerOf(segments: string[], depth: number): string {
  return segments
    .slice(0, depth)
    .map((segment) => `/${segment.replace(/~/g, '~0').replace(/\//g, '~1')}`)
    .join('');
}

type Child = { found: true; value: unknown } | { found: false; has: string };

/** One step down; when there is nothing there, what there is instead. Own keys only, never the prototype's. */
function childOf(value: unknown, segment: string): Child {
  if (Array.isArray(value)) {
    // RFC 6901 array indexes: `0` or digits without a leading zero; `-` (past the end) is never a value.
    const index = /^(0|[1-9][0-9]*)$/.test(segment) ? Number(segment) : undefined;
    if (index !== undefined && index < value.length) return { found: true, value: value[index] };
    return { found: false, has: `is an array of ${value.length} ${value.length === 1 ? 'item' : 'items'}` };
  }
  if (value !== null && typeof value === 'object') {
    if (Object.hasOwn(value, segment))
      return { found: true, value: (value as Record<string, unknown>)[segment] };
    const keys = Object.keys(value);
    if (keys.length === 0) return { found: false, has: 'is an empty object' };
    const listed = keys.slice(0, LISTED_KEYS).join(', ');
    return { found: false, has: `has keys: ${listed}${keys.length > LISTED_KEYS ? ', …' : ''}` };
  }
  return { found: false, has: `is ${value === null ? 'null' : `a ${typeof value}`}, not an object` };
}
