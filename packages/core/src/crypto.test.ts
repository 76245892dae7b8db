import * as nodeCrypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  cryptoProvider,
  nodeCryptoProvider,
  setCryptoProvider,
  webCryptoProvider,
} from './crypto.js';
import { toBase64url, utf8, utf8Transient } from './encoding.js';
import { sha256Base64url } from './hash.js';
import { generateKeyPair, type SignatureAlgorithm } from './keys.js';

const node = nodeCryptoProvider(nodeCrypto);
const web = webCryptoProvider();
const data = utf8('eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0');

describe('crypto providers', () => {
  it('uses node:crypto in Node', () => {
    expect(cryptoProvider().name).toBe('node:crypto');
  });

  it("the one-shot text digest is SHA-256 of the text's UTF-8, as the portable path computes it", () => {
    expect(node.sha256Base64url).toBeTypeOf('function');
    expect(web.sha256Base64url).toBeUndefined();
    // RFC 9901, "Hashing Disclosures": the digest the specification prints (test/vectors/sd-jwt-spec).
    const disclosure = 'WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0';
    for (const text of [disclosure, 'Möbius ✓ 𝄞', '']) {
      const portable = toBase64url(web.sha256(utf8(text)));
      expect(node.sha256Base64url!(text)).toBe(portable);
      const previous = setCryptoProvider(web);
      try {
        expect(sha256Base64url(text)).toBe(portable);
      } finally {
        setCryptoProvider(previous);
      }
    }
    expect(sha256Base64url(disclosure)).toBe('X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0');
  });

  it('utf8Transient gives the same bytes as utf8, for ASCII and for any other text', () => {
    for (const text of [
      'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0',
      'Łódź Möbius ✓ 𝄞',
      '\ud800',
      ''.padEnd(5000, 'é'),
    ]) {
      expect([...utf8Transient(text)]).toEqual([...utf8(text)]);
    }
  });

  for (const alg of ['ES256', 'EdDSA'] as SignatureAlgorithm[]) {
    it(`${alg}: each verifies the other's signatures and refuses a changed byte`, async () => {
      const { publicJwk, privateJwk } = await generateKeyPair(alg);
      for (const [signer, verifier] of [
        [node, web],
        [web, node],
      ] as const) {
        const signature = await (await signer.importSigner(privateJwk, alg))(data);
        expect(await verifier.verify(publicJwk, alg, data, signature)).toBe(true);
        const changed = signature.slice();
        changed[5]! ^= 1;
        expect(await verifier.verify(publicJwk, alg, data, changed)).toBe(false);
        expect(await verifier.verify(publicJwk, alg, data, signature.slice(0, 10))).toBe(false);
      }
    });
  }

  it('both refuse to import a P-256 point that is not on the curve', async () => {
    const { publicJwk } = await generateKeyPair('ES256');
    const offCurve = { ...publicJwk, y: publicJwk.x! };
    const signature = new Uint8Array(64);
    expect(() => node.verify(offCurve, 'ES256', data, signature)).toThrow();
    await expect(web.verify(offCurve, 'ES256', data, signature)).rejects.toThrow();
  });

  it('agree on SHA-256', () => {
    for (const text of ['', 'abc', 'x'.repeat(10_000)])
      expect(node.sha256(utf8(text))).toEqual(web.sha256(utf8(text)));
    expect(Buffer.from(node.sha256(utf8('abc'))).toString('hex')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
  });
});
