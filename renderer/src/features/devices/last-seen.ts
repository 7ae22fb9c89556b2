/**
 * "Last seen" in words: the time alone for today, else the date and time, in the reader's locale.
 */
import type { Language } from '../../i18n/i18n';
import { readerLocale, timeOfDayFormat } from '../../i18n/formatters';

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

export function formatLastSeen(language: Language, at: number, now: number = Date.now()): string {
  const when = new Date(at);
  if (when.toDateString() === new Date(now).toDateString()) return timeOfDayFormat(language).format(when);
  const locale = readerLocale(language);
  let format = dateTimeFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' });
    dateTimeFormats.set(locale, format);
  }
  return format.format(when);
}
