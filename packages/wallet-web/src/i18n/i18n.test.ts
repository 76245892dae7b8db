import { describe, expect, it } from 'vitest';
import { catalog, language, languages, pickLanguage, t } from './i18n.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('wallet messages', () => {
  it('has English, French, Arabic and Spanish, each naming itself and its direction', () => {
    expect(languages.map((l) => l.code)).toEqual(['ar', 'en', 'es', 'fr']);
    expect(catalog.ar!._dir).toBe('rtl');
    for (const code of ['en', 'es', 'fr']) expect(catalog[code]!._dir).toBe('ltr');
  });

  it('every language has every English key, with the same placeholders, and nothing else', () => {
    const english = catalog.en!;
    for (const [code, messages] of Object.entries(catalog)) {
      expect(Object.keys(messages).sort(), code).toEqual(Object.keys(english).sort());
      for (const [key, text] of Object.entries(english))
        expect(placeholders(messages[key]!), `${code} ${key}`).toEqual(placeholders(text));
    }
  });

  it('every error code the wallet translates exists in the core', async () => {
    const { ERROR_CODES } = await import('@sanad/core');
    const own = new Set(['ERR_CAMERA_UNAVAILABLE']); // from @sanad/web-qr
    for (const key of Object.keys(catalog.en!).filter((k) => k.startsWith('error.ERR_'))) {
      const code = key.slice('error.'.length);
      expect(code in ERROR_CODES || own.has(code), key).toBe(true);
    }
  });

  it('picks the first browser language it has by primary subtag, else English', () => {
    expect(pickLanguage(['ar-SY', 'en'])).toBe('ar');
    expect(pickLanguage(['de-DE', 'fr-CA'])).toBe('fr');
    expect(pickLanguage(['de', 'ru'])).toBe('en');
  });

  it('fills placeholders and falls back to English, then to the key', () => {
    language.value = 'fr';
    expect(t('card.issuer', { issuer: 'HCR' })).toBe('Délivrée par HCR');
    catalog.fr!['home.title'] = undefined as never;
    expect(t('home.title')).toBe('My credentials');
    expect(t('no.such.key')).toBe('no.such.key');
  });
});
