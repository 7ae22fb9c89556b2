import { describe, expect, it } from 'vitest';
import { en } from './en';
import { createTranslator, resolveLanguage } from './i18n';
import { zhCN } from './zh-CN';

describe('i18n', () => {
  it('has every English key translated to Simplified Chinese, and no extra keys', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    for (const value of Object.values(zhCN)) expect(value.trim()).not.toBe('');
  });

  it('keeps the same placeholders in both languages', () => {
    const placeholders = (text: string) => (text.match(/\{\w+\}/g) ?? []).sort();
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(zhCN[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it('fills placeholders', () => {
    expect(createTranslator('en')('pair.status.connected', { name: 'Ada' })).toBe('Connected to Ada');
    expect(createTranslator('zh-CN')('pair.status.connected', { name: 'Ada' })).toBe('已连接到 Ada');
  });

  it('follows the system language unless the user chose one', () => {
    expect(resolveLanguage('system', ['zh-TW', 'en'])).toBe('zh-CN');
    expect(resolveLanguage('system', ['fr-FR', 'en-GB'])).toBe('en');
    expect(resolveLanguage('system', ['de-DE'])).toBe('en');
    expect(resolveLanguage('en', ['zh-CN'])).toBe('en');
    expect(resolveLanguage('zh-CN', ['en-US'])).toBe('zh-CN');
  });
});
