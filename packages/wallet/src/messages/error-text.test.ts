import { describe, expect, it } from 'vitest';
import { detailedErrorText } from './error-text.js';
import { createTranslator } from './translator.js';

describe('detailedErrorText', () => {
  it('says how many tries are left, the last one apart, and the length a PIN must have', () => {
    const en = createTranslator('en');
    expect(
      detailedErrorText(en, { code: 'ERR_TX_CODE_INVALID', details: { attemptsLeft: 3 } }),
    ).toBe('The code is not right. 3 tries left.');
    expect(
      detailedErrorText(en, { code: 'ERR_TX_CODE_INVALID', details: { attemptsLeft: 1 } }),
    ).toBe('The code is not right. 1 try left: after that the offer is locked.');
    expect(detailedErrorText(en, { code: 'ERR_TX_CODE_MALFORMED', details: { length: 6 } })).toBe(
      'The code has 6 digits. It was not sent: no try was used.',
    );
    expect(
      detailedErrorText(createTranslator('fr'), {
        code: 'ERR_TX_CODE_INVALID',
        details: { attemptsLeft: 2 },
      }),
    ).toBe("Le code n'est pas bon. Il reste 2 essais.");
  });

  it('leaves errors without such details to their plain message', () => {
    const en = createTranslator('en');
    expect(detailedErrorText(en, { code: 'ERR_TX_CODE_INVALID' })).toBeUndefined();
    expect(
      detailedErrorText(en, { code: 'ERR_OFFER_EXPIRED', details: { attemptsLeft: 2 } }),
    ).toBeUndefined();
  });
});
