import { describe, expect, it } from 'vitest';
import {
  ALPHABET,
  generateRecoverySecret,
  normalizeRecoverySecret,
  parseRecoverySecret,
} from './recovery-secret.js';

/** The secret with the character at `index` (dashes counted) replaced by another of the alphabet. */
const mistype = (secret: string, index: number): string =>
  secret.slice(0, index) +
  ALPHABET[(ALPHABET.indexOf(secret[index]!) + 7) % 32] +
  secret.slice(index + 1);

describe('recovery secrets', () => {
  it('reads a secret as people type it back from paper (issue 14: "must be typed in exact upper case with dashes")', () => {
    const secret = generateRecoverySecret();
    expect(secret).toMatch(/^([A-Z2-9]{6}-){5}[A-Z2-9]{6}$/);
    const bare = secret.replaceAll('-', '');
    for (const typed of [
      secret,
      secret.toLowerCase(),
      secret.replaceAll('-', ' '),
      bare,
      `  ${secret.toLowerCase()}\n`,
      secret.replaceAll('-', ' – '),
      `\u2068${secret}\u2069`,
      bare.replace(/[A-Z]/g, (c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0)),
    ]) {
      expect(parseRecoverySecret(typed), JSON.stringify(typed)).toEqual({
        form: 'checked',
        secret,
      });
    }
  });

  it('reports every single wrong character as a typo in its group, before anything else runs (issue 15)', () => {
    for (let round = 0; round < 20; round += 1) {
      const secret = generateRecoverySecret();
      for (let i = 0; i < secret.length; i += 1) {
        if (secret[i] === '-') continue;
        expect(parseRecoverySecret(mistype(secret, i).toLowerCase()), `${secret} at ${i}`).toEqual({
          form: 'typo',
          group: Math.floor(i / 7) + 1,
        });
      }
    }
    const secret = generateRecoverySecret();
    // A character left out or typed twice: the group that is not 6 long, or "somewhere" when typed without dashes.
    expect(parseRecoverySecret(secret.slice(0, 15) + secret.slice(16))).toEqual({
      form: 'typo',
      group: 3,
    });
    expect(parseRecoverySecret(`${secret}${secret.at(-1)}`)).toEqual({ form: 'typo', group: 6 });
    expect(parseRecoverySecret(secret.replaceAll('-', '').slice(1))).toEqual({ form: 'typo' });
  });

  it('catches a swap of two neighbours and a group typed in the wrong place, nearly always', () => {
    let caught = 0;
    let tried = 0;
    for (let round = 0; round < 50; round += 1) {
      const secret = generateRecoverySecret();
      const groups = secret.split('-');
      for (let i = 0; i + 1 < secret.length; i += 1) {
        if (secret[i] === '-' || secret[i + 1] === '-' || secret[i] === secret[i + 1]) continue;
        tried += 1;
        if (
          parseRecoverySecret(secret.slice(0, i) + secret[i + 1] + secret[i] + secret.slice(i + 2))
            .form === 'typo'
        )
          caught += 1;
      }
      tried += 1;
      if (parseRecoverySecret([groups[1], groups[0], ...groups.slice(2)].join('-')).form === 'typo')
        caught += 1;
    }
    expect(caught / tried).toBeGreaterThan(0.9);
  });

  it('reads the look-alikes O, 0, I and 1 as the character the check says was meant, and says typo when it cannot tell', () => {
    let resolved = 0;
    for (let round = 0; round < 200; round += 1) {
      const secret = generateRecoverySecret();
      const i = secret.search(/[DQLJ7]/);
      if (i < 0) continue;
      const lookAlike = 'DQ'.includes(secret[i]!) ? (round % 2 ? 'O' : '0') : round % 2 ? 'I' : '1';
      const reading = parseRecoverySecret(secret.slice(0, i) + lookAlike + secret.slice(i + 1));
      // Never a wrong secret: either the right one, or a typo to check against the paper.
      if (reading.form === 'checked') {
        expect(reading.secret).toBe(secret);
        resolved += 1;
      } else expect(reading).toEqual({ form: 'typo', group: Math.floor(i / 7) + 1 });
    }
    expect(resolved).toBeGreaterThan(100);
  });

  it('still reads legacy secrets (30 characters, no check) from backups made before, and maps Arabic-Indic digits', () => {
    const legacy = 'K7QM2-XD9PA-3H4JK-LTNWQ-MR8SS-FGH2Z';
    for (const typed of [
      legacy,
      ' k7qm2 xd9pa 3h4jk-ltnwq mr8ss fgh2z ',
      legacy.replaceAll('-', ''),
    ])
      expect(parseRecoverySecret(typed)).toEqual({ form: 'legacy', secret: legacy });
    expect(normalizeRecoverySecret('٢٣٤٥٦ ٧٨٩AB CDEFG HJKLM NPQRS TUVWX')).toBe(
      '23456-789AB-CDEFG-HJKLM-NPQRS-TUVWX',
    );
    // A legacy secret has no check to choose between look-alikes: O is not in the alphabet.
    expect(normalizeRecoverySecret('OOOOO-AAAAA-AAAAA-AAAAA-AAAAA-AAAAA')).toBeUndefined();
  });

  it('never takes a passphrase for a secret', () => {
    for (const typed of [
      'correct horse battery staple',
      'AAAAA-AAAAA-AAAAA-AAAAA-AAAAA',
      'amal keeps her own papers',
    ])
      expect(parseRecoverySecret(typed)).toEqual({ form: 'other' });
  });
});
