// A slot as people read its cron: the wall time in the job's own time zone, named.

/** `2026-12-07 03:00 Europe/Berlin`; seconds only when the slot has them (a one-second test cron). */
export function slotText(slot: Date, timezone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(slot)
      .map((part) => [part.type, part.value]),
  );
  const seconds = parts.second === '00' ? '' : `:${parts.second}`;
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}${seconds} ${timezone}`;
}
