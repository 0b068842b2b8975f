// Where a path of a YAML document is written: the line of its key (or of its item in a list), so a
// problem found in the parsed value can be reported at its place in the file.
import { type Document, isAlias, isMap, isScalar, isSeq, type LineCounter } from 'yaml';
import type { ValuePath } from './template.js';

/**
 * A function from a path (`['steps', 2, 'http', 'path']`) to its 1-based line. A path that is not in
 * the file (a key the value misses) gives the line of the nearest part that is: the step that lacks it.
 */
export function yamlLineOf(
  document: Document,
  counter: LineCounter,
): (path: ValuePath) => number | undefined {
  const lineOfNode = (node: unknown): number | undefined => {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? counter.linePos(range[0]).line : undefined;
  };
  return (path) => {
    let node: unknown = document.contents;
    let line = lineOfNode(node);
    for (const segment of path) {
      if (isAlias(node)) node = node.resolve(document);
      if (isMap(node)) {
        const pair = node.items.find(
          (item) => isScalar(item.key) && String(item.key.value) === String(segment),
        );
        if (!pair) break;
        line = lineOfNode(pair.key) ?? line;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number' && node.items[segment] !== undefined) {
        node = node.items[segment];
        line = lineOfNode(node) ?? line;
      } else break;
    }
    return line;
  };
}
