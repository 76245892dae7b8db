import { describe, expect, it } from 'vitest';
import { chooseLanguage } from './choose-language.js';

const AVAILABLE = ['ar', 'en', 'es', 'fr'];

describe('chooseLanguage (the app and its shell)', () => {
  it("takes the holder's saved choice first, when it is one we have", () => {
    expect(chooseLanguage('fr', ['ar-SY'], AVAILABLE, 'en')).toBe('fr');
    expect(chooseLanguage('de', ['ar-SY'], AVAILABLE, 'en')).toBe('ar');
  });

  it("else the first of the browser's languages by primary subtag, else the fallback", () => {
    expect(chooseLanguage(null, ['de-DE', 'ES-419'], AVAILABLE, 'en')).toBe('es');
    expect(chooseLanguage(null, ['de', 'ru'], AVAILABLE, 'en')).toBe('en');
  });

  it('uses no outer name, so the build can write its source into the shell script', () => {
    const standalone = new Function(
      `return (${chooseLanguage.toString()})`,
    )() as typeof chooseLanguage;
    expect(standalone(null, ['fr-CA'], AVAILABLE, 'en')).toBe('fr');
  });
});
