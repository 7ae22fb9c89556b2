/** Sizes, speeds and times left, in the reader's language. */
import { numberFormat } from '../../i18n/formatters';
import type { Language, Translate } from '../../i18n/i18n';

const UNITS = ['B', 'kB', 'MB', 'GB', 'TB'] as const;

/** 1 234 567 → "1.2 MB" (decimal units, as file managers and download pages show them). */
export function formatBytes(bytes: number, language: Language): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${numberFormat(language, digits).format(value)} ${UNITS[unit]}`;
}

/** Seconds left → "45 s", "3 min", "1 h 20 min". */
export function formatDuration(seconds: number, t: Translate): string {
  const whole = Math.max(1, Math.round(seconds));
  if (whole < 60) return t('transfer.time.seconds', { n: whole });
  const minutes = Math.round(whole / 60);
  if (minutes < 60) return t('transfer.time.minutes', { n: minutes });
  return t('transfer.time.hours', { h: Math.floor(minutes / 60), m: minutes % 60 });
}

/** "1 file, 3 MB" / "12 files, 1.4 GB". */
export function formatSummary(
  fileCount: number,
  totalBytes: number,
  language: Language,
  t: Translate,
): string {
  const size = formatBytes(totalBytes, language);
  return fileCount === 1
    ? t('transfer.summary.one', { size })
    : t('transfer.summary.many', { count: fileCount, size });
}
