/**
 * Claim values waiting for a wallet are kept only sealed under the secret the wallet will
 * present (the pre-authorized code, then the access token). The database never holds them
 * in the clear and never holds the secret (only its hash), so a copy of the database alone
 * reveals no claim values; the sealed record is deleted once the credential is issued.
 */
import { fromBase64url, fromUtf8, randomBytes, sha256, toBase64url, utf8 } from '@sanad/core';

async function keyFor(secret: string, purpose: string): Promise<CryptoKey> {
  const ikm = await globalThis.crypto.subtle.importKey(
    'raw',
    utf8(secret) as BufferSource,
    'HKDF',
    false,
    ['deriveKey'],
  );
  return globalThis.crypto.subtle.deriveKey(
    {
      name: 'HKDF',
      hash: 'SHA-256',
      salt: new Uint8Array(0),
      info: utf8(`sanad-sealed/${purpose}`) as BufferSource,
    },
    ikm,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
}

/** The lookup id for a secret: its SHA-256, so the secret itself is never stored. */
export const secretId = (secret: string): string => toBase64url(sha256(secret));

export async function seal(secret: string, purpose: string, value: unknown): Promise<string> {
  const iv = randomBytes(12);
  const ct = await globalThis.crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: iv as BufferSource },
    await keyFor(secret, purpose),
    utf8(JSON.stringify(value)) as BufferSource,
  );
  return `${toBase64url(iv)}.${toBase64url(new Uint8Array(ct))}`;
}

export async function unseal(secret: string, purpose: string, sealed: string): Promise<unknown> {
  const [iv, ct] = sealed.split('.') as [string, string];
  const pt = await globalThis.crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: fromBase64url(iv) as BufferSource },
    await keyFor(secret, purpose),
    fromBase64url(ct) as BufferSource,
  );
  return JSON.parse(fromUtf8(new Uint8Array(pt)));
}
