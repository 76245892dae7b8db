/** The behaviour every service store must have; run against memory, SQLite and PostgreSQL. */
import { describe, expect, it } from 'vitest';
import type { ServiceStore } from './service-store.js';

export function describeServiceStoreContract(
  name: string,
  open: () => Promise<ServiceStore>,
): void {
  describe(`service store contract: ${name}`, () => {
    const now = 1_800_000_000;

    it('puts once and reads back', async () => {
      const store = await open();
      expect(await store.put('offer', 'a', { n: 1 }, now + 60, now)).toBe(true);
      expect(await store.put('offer', 'a', { n: 2 }, now + 60, now)).toBe(false);
      expect(await store.get('offer', 'a', now)).toEqual({
        value: { n: 1 },
        version: 1,
        expiresAt: now + 60,
      });
      // Kinds are separate namespaces.
      expect(await store.get('session', 'a', now)).toBeUndefined();
      await store.close();
    });

    it('hides expired records and lets their id be reused', async () => {
      const store = await open();
      await store.put('c_nonce', 'n', {}, now + 10, now);
      expect(await store.get('c_nonce', 'n', now + 10)).toBeUndefined();
      expect(await store.take('c_nonce', 'n', now + 10)).toBeUndefined();
      await store.put('c_nonce', 'm', { old: true }, now + 10, now);
      expect(await store.put('c_nonce', 'm', { old: false }, now + 100, now + 20)).toBe(true);
      expect((await store.get('c_nonce', 'm', now + 20))?.value).toEqual({ old: false });
      await store.close();
    });

    it('replaces only at the expected version', async () => {
      const store = await open();
      await store.put('session', 's', { step: 'created' }, now + 60, now);
      expect(await store.replace('session', 's', 1, { step: 'answered' }, now + 30)).toBe(true);
      expect(await store.replace('session', 's', 1, { step: 'twice' }, now + 30)).toBe(false);
      expect(await store.get('session', 's', now)).toEqual({
        value: { step: 'answered' },
        version: 2,
        expiresAt: now + 30,
      });
      expect(await store.replace('session', 'missing', 1, {}, now)).toBe(false);
      await store.close();
    });

    it('gives a record to exactly one of many concurrent takers', async () => {
      const store = await open();
      await store.put('access_token', 't', { claims: 'sealed' }, now + 60, now);
      const taken = await Promise.all(
        Array.from({ length: 8 }, () => store.take('access_token', 't', now)),
      );
      expect(taken.filter((v) => v !== undefined)).toEqual([{ claims: 'sealed' }]);
      expect(await store.get('access_token', 't', now)).toBeUndefined();
      await store.close();
    });

    it('lets exactly one of many concurrent writers win a compare-and-set', async () => {
      const store = await open();
      await store.put('session', 'cas', { step: 0 }, now + 60, now);
      const wins = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          store.replace('session', 'cas', 1, { step: i + 1 }, now + 60),
        ),
      );
      expect(wins.filter(Boolean)).toHaveLength(1);
      await store.close();
    });

    it('counts attempts atomically: of 40 concurrent attempts exactly max are numbered, each number once', async () => {
      const store = await open();
      await store.put('offer', 'pin', { sealed: true }, now + 60, now);
      const numbers = await Promise.all(
        Array.from({ length: 40 }, () => store.countAttempt('offer', 'pin', 5, now)),
      );
      expect(numbers.filter((n) => n !== undefined).sort()).toEqual([1, 2, 3, 4, 5]);
      expect(await store.countAttempt('offer', 'pin', 5, now)).toBeUndefined();
      // A replace keeps the count; missing and expired records count nothing.
      expect(await store.replace('offer', 'pin', 1, { sealed: 'again' }, now + 60)).toBe(true);
      expect(await store.countAttempt('offer', 'pin', 5, now)).toBeUndefined();
      expect(await store.countAttempt('offer', 'missing', 5, now)).toBeUndefined();
      await store.put('offer', 'old', {}, now + 10, now);
      expect(await store.countAttempt('offer', 'old', 5, now + 10)).toBeUndefined();
      // An id reused after expiry starts again from zero.
      expect(await store.put('offer', 'old', {}, now + 100, now + 20)).toBe(true);
      expect(await store.countAttempt('offer', 'old', 5, now + 20)).toBe(1);
      await store.close();
    });

    it('counts the live records of one kind', async () => {
      const store = await open();
      await store.put('offer', 'live-1', {}, now + 60, now);
      await store.put('offer', 'live-2', {}, now + 60, now);
      await store.put('offer', 'expired', {}, now - 1, now - 100);
      await store.put('session', 'other-kind', {}, now + 60, now);
      expect(await store.count('offer', now)).toBe(2);
      expect(await store.count('offer', now + 60)).toBe(0);
      expect(await store.count('c_nonce', now)).toBe(0);
      await store.close();
    });

    it('purges what expired and deletes on request', async () => {
      const store = await open();
      await store.put('vp_nonce', 'old', {}, now - 1, now - 100);
      await store.put('vp_nonce', 'new', {}, now + 100, now);
      await store.put('vp_nonce', 'gone', {}, now + 100, now);
      await store.delete('vp_nonce', 'gone');
      expect(await store.purgeExpired(now)).toBeGreaterThanOrEqual(1);
      expect(await store.get('vp_nonce', 'new', now)).toBeDefined();
      expect(await store.get('vp_nonce', 'gone', now)).toBeUndefined();
      await store.close();
    });
  });
}
