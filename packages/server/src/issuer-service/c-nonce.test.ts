/** Stateless c_nonces: minted without a row, accepted once before expiry, refused when forged, expired or replayed. */
import { fromBase64url, toBase64url } from '@sanad/core';
import { describe, expect, it } from 'vitest';
import { createMemoryServiceStore } from '../store/service-store.js';
import { createCNonces } from './c-nonce.js';

const now = 1_800_000_000;
const refused = { status: 400, error: 'invalid_nonce', code: 'ERR_NONCE_INVALID' };

describe('c_nonce', () => {
  it('is accepted once, then refused as replayed  [OpenID4VCI 1.0 section 13.5 (proof replay)]', async () => {
    const store = createMemoryServiceStore();
    const nonces = createCNonces(store, 300);
    const nonce = await nonces.mint(now);
    expect(await store.count('c_nonce', now)).toBe(0);
    await nonces.redeem(nonce, now + 10);
    expect(await store.count('c_nonce', now + 10)).toBe(1);
    await expect(nonces.redeem(nonce, now + 11)).rejects.toMatchObject(refused);
    // The used-nonce row goes when the nonce would have expired anyway.
    expect(await store.count('c_nonce', now + 300)).toBe(0);
  });

  it('is refused once expired', async () => {
    const nonces = createCNonces(createMemoryServiceStore(), 300);
    const nonce = await nonces.mint(now);
    await expect(nonces.redeem(nonce, now + 300)).rejects.toMatchObject(refused);
  });

  it('is refused when forged: another key, a changed byte, a later expiry, a variant spelling, garbage', async () => {
    const store = createMemoryServiceStore();
    const nonces = createCNonces(store, 300);
    const other = await createCNonces(createMemoryServiceStore(), 300).mint(now);
    const nonce = await nonces.mint(now);
    const bytes = fromBase64url(nonce);
    const flipped = Uint8Array.from(bytes);
    flipped[10] = (flipped[10] ?? 0) ^ 1;
    const later = Uint8Array.from(bytes);
    later[3] = (later[3] ?? 0) + 1;
    // 36 bytes are 48 characters with no spare bits; one more character is a different length.
    const forged = [
      other,
      toBase64url(flipped),
      toBase64url(later),
      `${nonce}A`,
      nonce.slice(0, -1),
      'not base64url!',
      '',
      'x'.repeat(10_000),
    ];
    for (const value of forged)
      await expect(nonces.redeem(value, now + 1)).rejects.toMatchObject(refused);
    // None of the forgeries cost the real nonce its one use.
    await nonces.redeem(nonce, now + 1);
  });

  it('shares one key between instances on one store, created by whichever asks first', async () => {
    const store = createMemoryServiceStore();
    const [a, b] = [createCNonces(store, 300), createCNonces(store, 300)];
    const [fromA, fromB] = await Promise.all([a.mint(now), b.mint(now)]);
    await b.redeem(fromA, now + 1);
    await a.redeem(fromB, now + 1);
    expect(await store.count('service_key', now)).toBe(1);
  });
});
