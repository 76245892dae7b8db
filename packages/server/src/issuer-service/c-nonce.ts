/**
 * Stateless single-use nonces: `c_nonce`s (OpenID4VCI 1.0 section 7) and DPoP nonces (RFC 9449
 * section 8). Minting stores nothing, so an anonymous client asking for nonces in a loop costs
 * CPU, never memory or rows. A nonce is its expiry and 16 random bytes, authenticated with
 * HMAC-SHA256 under a service key of its purpose. Redeeming checks the MAC and the expiry, then
 * records the nonce as used until it expires: a used one is refused, so a replayed proof is too.
 *
 * The service key is created once in the shared service store (put-if-absent), so every instance
 * on one database accepts the nonces of the others. Someone who can read that database can mint
 * nonces; a nonce only proves that a key proof is fresh, so that gains them nothing.
 */
import { fromBase64url, randomBytes, SanadError, toBase64url } from '@sanad/core';
import { HttpError } from '../http/errors.js';
import type { ServiceStore } from '../store/service-store.js';

const EXPIRY_BYTES = 4;
const RANDOM_BYTES = 16;
const MAC_BYTES = 16;
const NONCE_BYTES = EXPIRY_BYTES + RANDOM_BYTES + MAC_BYTES;
/** The key lives a year; nonces minted under the previous key are refused after a rotation (they live minutes). */
const KEY_TTL_SECONDS = 365 * 24 * 3600;

export type NoncePurpose = 'c_nonce' | 'dpop_nonce';

export interface SingleUseNonces {
  /** A fresh nonce valid until `now + ttl`. */
  mint(now: number): Promise<string>;
  /** True the first time `nonce` is redeemed before its expiry; false for anything else. */
  redeem(nonce: string, now: number): Promise<boolean>;
}

export interface CNonces {
  /** A fresh c_nonce valid until `now + ttl`. */
  mint(now: number): Promise<string>;
  /** Accepts `nonce` once before its expiry, else throws `ERR_NONCE_INVALID`. */
  redeem(nonce: string, now: number): Promise<void>;
}

const refused = (): HttpError =>
  new HttpError(
    400,
    'invalid_nonce',
    'The c_nonce is unknown, expired or already used: ask the nonce endpoint for a new one.',
    'ERR_NONCE_INVALID',
  );

export function createCNonces(store: ServiceStore, ttlSeconds: number): CNonces {
  const nonces = createSingleUseNonces(store, ttlSeconds, 'c_nonce');
  return {
    mint: nonces.mint,
    async redeem(nonce, now) {
      if (!(await nonces.redeem(nonce, now))) throw refused();
    },
  };
}

export function createSingleUseNonces(
  store: ServiceStore,
  ttlSeconds: number,
  purpose: NoncePurpose,
): SingleUseNonces {
  let key: { cryptoKey: Promise<CryptoKey>; expiresAt: number } | undefined;

  const importKey = (raw: string): Promise<CryptoKey> =>
    globalThis.crypto.subtle.importKey(
      'raw',
      fromBase64url(raw) as BufferSource,
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );

  const keyAt = (now: number): Promise<CryptoKey> => {
    if (!key || now >= key.expiresAt) {
      const entry = {
        cryptoKey: Promise.resolve(undefined as unknown as CryptoKey),
        expiresAt: now + KEY_TTL_SECONDS,
      };
      entry.cryptoKey = (async () => {
        // Of several instances starting at once, the first write wins and all read it back.
        await store.put(
          'service_key',
          purpose,
          toBase64url(randomBytes(32)),
          now + KEY_TTL_SECONDS,
          now,
        );
        const stored = await store.get<unknown>('service_key', purpose, now);
        if (!stored || typeof stored.value !== 'string')
          throw new SanadError('ERR_STORAGE', `The ${purpose} key could not be stored.`);
        entry.expiresAt = stored.expiresAt;
        return importKey(stored.value);
      })();
      entry.cryptoKey.catch(() => (key = undefined));
      key = entry;
    }
    return key.cryptoKey;
  };

  const mac = async (body: Uint8Array, now: number): Promise<Uint8Array> =>
    new Uint8Array(
      await globalThis.crypto.subtle.sign('HMAC', await keyAt(now), body as BufferSource),
    ).slice(0, MAC_BYTES);

  return {
    async mint(now) {
      const body = new Uint8Array(EXPIRY_BYTES + RANDOM_BYTES);
      new DataView(body.buffer).setUint32(0, now + ttlSeconds);
      body.set(randomBytes(RANDOM_BYTES), EXPIRY_BYTES);
      const tag = await mac(body, now);
      const out = new Uint8Array(NONCE_BYTES);
      out.set(body);
      out.set(tag, body.length);
      return toBase64url(out);
    },
    async redeem(nonce, now) {
      let bytes: Uint8Array;
      try {
        bytes = fromBase64url(nonce);
      } catch {
        return false;
      }
      // fromBase64url accepts one spelling per value, so a variant cannot dodge the used-nonce row.
      if (bytes.length !== NONCE_BYTES) return false;
      const body = bytes.slice(0, EXPIRY_BYTES + RANDOM_BYTES);
      const expiresAt = new DataView(body.buffer).getUint32(0);
      const expected = await mac(body, now);
      // Compared in full, with no early exit at the first differing byte.
      let diff = 0;
      for (let i = 0; i < MAC_BYTES; i += 1)
        diff |= (expected[i] ?? 0) ^ (bytes[EXPIRY_BYTES + RANDOM_BYTES + i] ?? 0);
      if (diff !== 0 || expiresAt <= now || expiresAt > now + ttlSeconds) return false;
      // Used once: the row lives as long as the nonce could be replayed.
      return store.put(purpose, nonce, {}, expiresAt, now);
    },
  };
}
