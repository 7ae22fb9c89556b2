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

/**
 * The reader's own locale within the interface language: an English interface on a British
 * system formats times as en-GB does (24 h), on an American one as en-US (12 h).
 */
export function readerLocale(
  language: Language,
  preferred: readonly string[] = navigatorLanguages(),
): string {
  const primary = language.split('-')[0]?.toLowerCase() ?? language;
  return preferred.find((tag) => tag.split('-')[0]?.toLowerCase() === primary) ?? language;
}

function navigatorLanguages(): readonly string[] {
  return typeof navigator === 'undefined' ? [] : navigator.languages;
}

/** Hours and minutes, as a chat line shows when it was sent, in the reader's 12/24 h habit. */
export function timeOfDayFormat(language: Language): Intl.DateTimeFormat {
  const locale = readerLocale(language);
  return cached(
    `time:${locale}`,
    () => new Intl.DateTimeFormat(locale, { hour: 'numeric', minute: '2-digit' }),
  );
}

/** A day, as the conversation's date separators name it. */
export function dayFormat(language: Language): Intl.DateTimeFormat {
  const locale = readerLocale(language);
  return cached(
    `day:${locale}`,
    () =>
      new Intl.DateTimeFormat(locale, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }),
  );
}
