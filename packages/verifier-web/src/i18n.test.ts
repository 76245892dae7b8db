import { describe, expect, it } from 'vitest';
import { catalog, languages, pickLanguage } from './i18n.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('desk messages', () => {
  it('speaks the wallet languages, each naming itself, Arabic right to left', () => {
    expect(languages.map((l) => [l.code, l.name])).toEqual([
      ['ar', 'العربية'],
      ['en', 'English'],
      ['es', 'Español'],
      ['fr', 'Français'],
    ]);
    for (const [code, messages] of Object.entries(catalog)) {
      expect(messages._lang).toBe(code);
      expect(messages._dir).toBe(code === 'ar' ? 'rtl' : 'ltr');
    }
  });

  it('every language has every English key, translated, with the same placeholders', () => {
    const english = catalog.en!;
    for (const [code, messages] of Object.entries(catalog)) {
      expect(Object.keys(messages).sort(), code).toEqual(Object.keys(english).sort());
      for (const [key, text] of Object.entries(english)) {
        expect(placeholders(messages[key]!), `${code} ${key}`).toEqual(placeholders(text));
        if (code === 'ar' && !key.startsWith('_'))
          expect(messages[key], key).toMatch(/\p{Script=Arabic}/u);
      }
    }
  });

  it('picks the first browser language it has by primary subtag, else English', () => {
    expect(pickLanguage(['ar-JO', 'en'])).toBe('ar');
    expect(pickLanguage(['de-DE', 'es-MX'])).toBe('es');
    expect(pickLanguage(['de'])).toBe('en');
  });
});
