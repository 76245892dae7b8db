import { readdirSync } from 'node:fs';
import { ERROR_CODES } from '@sanad/core';
import { describe, expect, it } from 'vitest';
import { catalog, languages } from './catalog.js';

const en = catalog.en!;
/** Keys the terminal and the consent summary use (the web wallet's were translated with it). */
const holderKeys = Object.keys(en).filter((k) => k.startsWith('cli.') || k.startsWith('summary.'));
/** Pure layout, the same in several languages. */
const SAME_EVERYWHERE = new Set(['cli.show.claim']);

describe('the shared holder messages', () => {
  it('lists every language file of the folder in the catalog (a new xx.json needs its import line in catalog.ts)', () => {
    const files = readdirSync(import.meta.dirname)
      .filter((f) => f.endsWith('.json'))
      .map((f) => f.slice(0, -5))
      .sort();
    expect(Object.keys(catalog).sort()).toEqual(files);
    expect(languages.map((l) => [l.code, l.dir])).toEqual([
      ['ar', 'rtl'],
      ['en', 'ltr'],
      ['es', 'ltr'],
      ['fr', 'ltr'],
    ]);
  });

  it('translates the terminal and consent-summary messages into every language instead of copying the English', () => {
    expect(holderKeys.length).toBeGreaterThan(30);
    for (const [code, messages] of Object.entries(catalog)) {
      if (code === 'en') continue;
      for (const key of holderKeys) {
        expect(messages[key], `${code} ${key}`).toBeTypeOf('string');
        if (!SAME_EVERYWHERE.has(key))
          expect(messages[key], `${code} ${key} is the English text`).not.toBe(en[key]);
      }
    }
    // Arabic is written in Arabic script, not transliterated.
    for (const key of holderKeys.filter((k) => !SAME_EVERYWHERE.has(k)))
      expect(catalog.ar![key], key).toMatch(/\p{Script=Arabic}/u);
  });

  it('names only real error codes in the terminal error messages', () => {
    for (const key of Object.keys(en).filter((k) => k.startsWith('cli.error.')))
      expect(key.slice('cli.error.'.length) in ERROR_CODES, key).toBe(true);
  });
});
