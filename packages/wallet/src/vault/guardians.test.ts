import { describe, expect, it } from 'vitest';
import { combineGuardianShares, parseGuardianShare, splitRecoverySecret } from './guardians.js';
import { generateRecoverySecret } from './recovery-secret.js';

describe('guardians (Shamir shares of the recovery secret)', () => {
  it('rebuilds the secret from any K of N shares, typed leniently, for every K and N from 2 to 10', async () => {
    for (let shares = 2; shares <= 10; shares += 1) {
      for (let threshold = 2; threshold <= shares; threshold += 1) {
        const secret = generateRecoverySecret();
        const made = await splitRecoverySecret(secret, { shares, threshold });
        expect(made).toHaveLength(shares);
        for (const share of made) expect(share).toMatch(/^([A-Z2-9]{6}-){7}[A-Z2-9]{6}$/);
        // The last K, in reverse order, in lower case with spaces.
        const some = made
          .slice(-threshold)
          .reverse()
          .map((s) => s.toLowerCase().replaceAll('-', ' '));
        expect(await combineGuardianShares(some), `${threshold} of ${shares}`).toBe(secret);
        expect(await combineGuardianShares(made), `all ${shares}`).toBe(secret);
      }
    }
  });

  it('refuses K-1 shares by name, even with one given twice: they reveal nothing', async () => {
    const made = await splitRecoverySecret(generateRecoverySecret(), { shares: 5, threshold: 3 });
    await expect(combineGuardianShares(made.slice(0, 2))).rejects.toMatchObject({
      code: 'ERR_GUARDIAN_SHARES_TOO_FEW',
      message: 'These shares need 3 different guardians; 2 given.',
    });
    await expect(
      combineGuardianShares([made[0]!, made[1]!, made[0]!.toLowerCase()]),
    ).rejects.toMatchObject({ code: 'ERR_GUARDIAN_SHARES_TOO_FEW' });
    await expect(combineGuardianShares([])).rejects.toMatchObject({
      code: 'ERR_GUARDIAN_SHARES_TOO_FEW',
    });
  });

  it('refuses shares of two different splits, a share with a typo (by its group), and what is not a share', async () => {
    const secret = generateRecoverySecret();
    const first = await splitRecoverySecret(secret, { shares: 3, threshold: 2 });
    const second = await splitRecoverySecret(secret, { shares: 3, threshold: 2 });
    await expect(combineGuardianShares([first[0]!, second[1]!])).rejects.toMatchObject({
      code: 'ERR_GUARDIAN_SHARES_MIXED',
    });
    const typo = `${first[1]!.slice(0, 10)}${first[1]![10] === 'A' ? 'B' : 'A'}${first[1]!.slice(11)}`;
    expect(parseGuardianShare(typo)).toEqual({ form: 'typo', group: 2 });
    await expect(combineGuardianShares([first[0]!, typo])).rejects.toMatchObject({
      code: 'ERR_GUARDIAN_SHARE_INVALID',
      message: 'Share 2 has a typo in group 2 or is not a guardian share.',
    });
    await expect(combineGuardianShares([first[0]!, secret])).rejects.toMatchObject({
      code: 'ERR_GUARDIAN_SHARE_INVALID',
    });
  });

  it('splits only checked secrets, into 2 to 10 shares with a threshold from 2 to N', async () => {
    const secret = generateRecoverySecret();
    for (const [shares, threshold] of [
      [1, 1],
      [3, 1],
      [3, 4],
      [11, 2],
      [2.5, 2],
    ] as const) {
      await expect(
        splitRecoverySecret(secret, { shares, threshold }),
        `${threshold} of ${shares}`,
      ).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
    }
    await expect(
      splitRecoverySecret('K7QM2-XD9PA-3H4JK-LTNWQ-MR8SS-FGH2Z', { shares: 3, threshold: 2 }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
  });
});
