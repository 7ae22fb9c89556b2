/**
 * Where a conversation crosses midnight (in the reader's time zone), and what to call that day:
 * "Today", "Yesterday", else a date in the reader's locale.
 */
export function dayKey(time: number): string {
  const date = new Date(time);
  return `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
}

export type DayName = { readonly kind: 'today' } | { readonly kind: 'yesterday' } | { readonly kind: 'date' };

export function dayName(time: number, now: number): DayName {
  if (dayKey(time) === dayKey(now)) return { kind: 'today' };
  const yesterday = new Date(now);
  yesterday.setDate(yesterday.getDate() - 1);
  if (dayKey(time) === dayKey(yesterday.getTime())) return { kind: 'yesterday' };
  return { kind: 'date' };
}
