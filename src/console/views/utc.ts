// A time as the console's tables show it: `2026-01-31 09:30:00`, to the second, in UTC.
export function utc(at: Date | string): string {
  return (typeof at === 'string' ? at : at.toISOString()).slice(0, 19).replace('T', ' ');
}
