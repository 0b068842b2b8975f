// A status's counts as a reader wants them: the first always (`5 applied`), the others only when
// there are any, so a healthy state reads short.
export function countsInWords(counts: readonly (readonly [count: number, words: string])[]): string {
  return counts
    .filter(([count], index) => index === 0 || count > 0)
    .map(([count, words]) => `${count} ${words}`)
    .join(', ');
}
