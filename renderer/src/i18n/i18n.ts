/**
 * A small typed translator. Keys come from `en`; a missing translation is a type error, so both
 * languages ship complete. `{name}` placeholders are filled from the params.
 */
import type { LanguageChoice } from '../../../contracts/settings';
import { en, type MessageKey } from './en';
import { zhCN } from './zh-CN';

export type Language = Exclude<LanguageChoice, 'system'>;
export type { MessageKey };
export type Translate = (key: MessageKey, params?: Readonly<Record<string, string | number>>) => string;

const catalogs: Record<Language, Record<MessageKey, string>> = { en, 'zh-CN': zhCN };

/** 'system' follows the browser's or OS's preferred languages: any Chinese → 简体中文, else English. */
export function resolveLanguage(choice: LanguageChoice, preferred: readonly string[]): Language {
  if (choice !== 'system') return choice;
  for (const tag of preferred) {
    const lower = tag.toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

export function createTranslator(language: Language): Translate {
  const catalog = catalogs[language];
  return (key, params) => {
    const template = catalog[key];
    if (!params) return template;
    return template.replace(/\{(\w+)\}/g, (match, name: string) => {
      const value = params[name];
      return value === undefined ? match : String(value);
    });
  };
}
