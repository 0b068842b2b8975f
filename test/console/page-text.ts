// What a console page says, read from its HTML as a person reads it: the text of the element with an
// id, tags removed, entities decoded and spaces collapsed. For tests of pages over HTTP.

/** The text of the element `id="…"` (its tag must not nest inside itself); undefined when absent. */
export function textOf(html: string, id: string): string | undefined {
  const open = new RegExp(`<(\\w+)[^>]*\\sid="${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"[^>]*>`).exec(
    html,
  );
  if (!open) return undefined;
  const end = html.indexOf(`</${open[1]}>`, open.index);
  return plain(html.slice(open.index, end === -1 ? undefined : end));
}

/** The ids of the elements whose id starts with `prefix`, in page order: `event-` → ['event-12', …]. */
export function idsOf(html: string, prefix: string): string[] {
  return [...html.matchAll(new RegExp(`\\sid="(${prefix}[^"]*)"`, 'g'))].map((match) => match[1]!);
}

/** A page's visible text: tags removed, entities decoded, spaces collapsed. */
export function plain(html: string): string {
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}
