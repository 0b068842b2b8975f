// Text quoted in a message, cut to a length a line can hold.

/** `text` as it is when at most `max` characters, else its first `max` and `…`. */
export function shorten(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
