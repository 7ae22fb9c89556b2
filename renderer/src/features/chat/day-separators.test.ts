import { describe, expect, it } from 'vitest';
import { dayKey, dayName } from './day-separators';

describe('date separators', () => {
  const noon = new Date(2026, 11, 6, 12, 0).getTime();
  it('names today, yesterday, and older days by date', () => {
    expect(dayName(new Date(2026, 11, 6, 0, 1).getTime(), noon)).toEqual({ kind: 'today' });
    expect(dayName(new Date(2026, 11, 5, 23, 59).getTime(), noon)).toEqual({ kind: 'yesterday' });
    expect(dayName(new Date(2026, 11, 4, 23, 59).getTime(), noon)).toEqual({ kind: 'date' });
    // Across a month boundary too.
    expect(dayName(new Date(2026, 10, 30, 9).getTime(), new Date(2026, 11, 1, 9).getTime())).toEqual({
      kind: 'yesterday',
    });
  });

  it('tells days apart at local midnight', () => {
    expect(dayKey(new Date(2026, 0, 1, 23, 59).getTime())).not.toBe(
      dayKey(new Date(2026, 0, 2, 0, 0).getTime()),
    );
    expect(dayKey(new Date(2026, 0, 1, 0, 0).getTime())).toBe(dayKey(new Date(2026, 0, 1, 23, 59).getTime()));
  });
});
