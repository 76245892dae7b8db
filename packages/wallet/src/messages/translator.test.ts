import { describe, expect, it } from 'vitest';
import { cleanText, DisplayText } from './display-text.js';
import { createTranslator } from './translator.js';

const FSI = '\u2068';
const PDI = '\u2069';

describe('createTranslator', () => {
  it('fills placeholders in the language, with dates and lists through Intl', () => {
    const fr = createTranslator('fr');
    const date = '2027-03-12T00:00:00Z';
    expect(fr.t('card.validUntil', { date: fr.date(date) })).toBe(
      `Valable jusqu'au ${new Intl.DateTimeFormat('fr', { dateStyle: 'long' }).format(new Date(date))}`,
    );
    expect(fr.list(['Nom', 'Prénom', 'Nationalité']).text).toBe('Nom, Prénom et Nationalité');
    expect(fr.value(true).text).toBe('Oui');
    expect(createTranslator('es').value([false, 'x']).text).toBe('No, x');
  });

  it('picks a language by its primary subtag and falls back to English for one it does not have', () => {
    expect(createTranslator('fr_CA.UTF-8').language).toBe('fr');
    expect(createTranslator('ar-SY').dir).toBe('rtl');
    const unknown = createTranslator('de');
    expect([unknown.language, unknown.t('cli.delete.kept')]).toEqual([
      'en',
      'Nothing was deleted.',
    ]);
  });

  it('isolates every value in an Arabic sentence, and right-to-left values in an English one', () => {
    const ar = createTranslator('ar');
    expect(ar.t('consent.purpose', { purpose: 'Adult check' })).toBe(
      `السبب: ${FSI}Adult check${PDI}`,
    );
    const en = createTranslator('en');
    expect(en.t('consent.sent', { verifier: 'Al Noor Clinic' })).toBe(
      'Shared with Al Noor Clinic.',
    );
    expect(en.t('consent.sent', { verifier: 'عيادة النور' })).toBe(
      `Shared with ${FSI}عيادة النور${PDI}.`,
    );
  });

  it('strips terminal escapes and bidi controls from names it is given  [CVE-2021-42574 (Trojan Source); ECMA-48 control sequences]', () => {
    const hostile = 'Clinic\u001b[2K\u001b]0;x\u0007\u202eevil\u2066\u2069\u200f\nnext';
    const shown = createTranslator('en').t('consent.sent', { verifier: hostile });
    expect(shown).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u200e\u200f]/);
    expect(shown).toBe('Shared with Clinic[2K]0;xevil next.');
    // A right-to-left sentence cannot be broken out of: the only isolates are ours, and balanced.
    const ar = createTranslator('ar').t('consent.sent', { verifier: hostile });
    expect([...ar].filter((c) => c === FSI)).toHaveLength(1);
    expect([...ar].filter((c) => c === PDI)).toHaveLength(1);
    expect(cleanText('a\tb')).toBe('a b');
    expect(createTranslator('en').text(new DisplayText(`${FSI}kept${PDI}`))).toBe(
      `${FSI}kept${PDI}`,
    );
  });
});
