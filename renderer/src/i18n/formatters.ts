/**
 * Intl formatters, made once per language and kept. Constructing one costs far more than using it
 * (it loads locale data), and the conversation formats a time or a size for every line it draws,
 * several times a second while a transfer's progress changes.
 */
import type { Language } from './i18n';

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function cached<F extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => F): F {
  let formatter = cache.get(key) as F | undefined;
  if (!formatter) {
    formatter = make();
    cache.set(key, formatter);
  }
  return formatter;
}

/** Numbers with at most `fractionDigits` digits after the point. */
export function numberFormat(language: Language, fractionDigits: number): Intl.NumberFormat {
  return cached(
    `number:${language}:${fractionDigits}`,
    () =>
      new Intl.NumberFormat(language, { maximumFractionDigits: fractionDigits, minimumFractionDigits: 0 }),
  );
}

/** Hours and minutes, as a chat line shows when it was sent. */
export function timeOfDayFormat(language: Language): Intl.DateTimeFormat {
  return cached(
    `time:${language}`,
    () => new Intl.DateTimeFormat(language, { hour: '2-digit', minute: '2-digit' }),
  );
}
