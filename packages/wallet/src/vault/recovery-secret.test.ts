import { describe, expect, it } from 'vitest';
import { generateRecoverySecret, normalizeRecoverySecret } from './recovery-secret.js';

describe('recovery secrets', () => {
  it('reads a secret as people type it back from paper (issue 14: "must be typed in exact upper case with dashes")', () => {
    const secret = generateRecoverySecret();
    expect(secret).toMatch(/^([A-Z2-9]{5}-){5}[A-Z2-9]{5}$/);
    const bare = secret.replaceAll('-', '');
    for (const typed of [secret, secret.toLowerCase(), secret.replaceAll('-', ' '), bare, `  ${secret.toLowerCase()}\n`, secret.replaceAll('-', ' – '), `\u2068${secret}\u2069`, bare.replace(/[A-Z]/g, (c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0))]) {
      expect(normalizeRecoverySecret(typed), JSON.stringify(typed)).toBe(secret);
    }
  });

  it('maps Arabic-Indic digits, and refuses what is not 30 characters of the alphabet', () => {
    expect(normalizeRecoverySecret('٢٣٤٥٦ ٧٨٩AB CDEFG HJKLM NPQRS TUVWX')).toBe('23456-789AB-CDEFG-HJKLM-NPQRS-TUVWX');
    expect(normalizeRecoverySecret('correct horse battery staple')).toBeUndefined();
    expect(normalizeRecoverySecret('AAAAA-AAAAA-AAAAA-AAAAA-AAAAA')).toBeUndefined();
    expect(normalizeRecoverySecret('OOOOO-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA')).toBeUndefined(); // O is not in the alphabet
  });
});
