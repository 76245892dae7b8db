import * as nodeCrypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { cryptoProvider, nodeCryptoProvider, webCryptoProvider } from './crypto.js';
import { utf8 } from './encoding.js';
import { generateKeyPair, type SignatureAlgorithm } from './keys.js';

const node = nodeCryptoProvider(nodeCrypto);
const web = webCryptoProvider();
const data = utf8('eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0');

describe('crypto providers', () => {
  it('uses node:crypto in Node', () => {
    expect(cryptoProvider().name).toBe('node:crypto');
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
    const offCurve = { ...publicJwk, y: publicJwk.x };
    const signature = new Uint8Array(64);
    expect(() => node.verify(offCurve, 'ES256', data, signature)).toThrow();
    await expect(web.verify(offCurve, 'ES256', data, signature)).rejects.toThrow();
  });

  it('agree on SHA-256', () => {
    for (const text of ['', 'abc', 'x'.repeat(10_000)]) expect(node.sha256(utf8(text))).toEqual(web.sha256(utf8(text)));
    expect(Buffer.from(node.sha256(utf8('abc'))).toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
