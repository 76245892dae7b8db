import { describe, expect, it } from 'vitest';
import {
  decodeJwt,
  didJwkFromJwk,
  didKeyFromJwk,
  generateKeyPair,
  jwkFromDidJwk,
  jwkFromDidKey,
  resolveDidKey,
  SanadError,
  signerFromJwk,
  signJwt,
  verifyDecodedJwt,
} from './index.js';

describe('keys, JWTs and key-based DIDs', () => {
  for (const alg of ['ES256', 'EdDSA'] as const) {
    it(`${alg}: a signed JWT verifies with the public key and fails when one byte changes`, async () => {
      const pair = await generateKeyPair(alg);
      const jwt = await signJwt(
        await signerFromJwk(pair.privateJwk),
        { typ: 'JWT' },
        { hello: 'world' },
      );
      await verifyDecodedJwt(decodeJwt(jwt), pair.publicJwk);
      const tampered = decodeJwt(jwt);
      tampered.signature[3]! ^= 1;
      await expect(verifyDecodedJwt(tampered, pair.publicJwk)).rejects.toMatchObject({
        code: 'ERR_SIGNATURE_INVALID',
      });
      // A character whose low byte is the one it replaces ('Ł' is U+0141, 'A' 0x41): signed bytes are its UTF-8, never a truncation.
      const lookalike = decodeJwt(jwt);
      const first = lookalike.signingInput.charCodeAt(0);
      lookalike.signingInput = String.fromCharCode(0x100 + first) + lookalike.signingInput.slice(1);
      await expect(verifyDecodedJwt(lookalike, pair.publicJwk)).rejects.toMatchObject({
        code: 'ERR_SIGNATURE_INVALID',
      });
    });

    it(`${alg}: did:key and did:jwk round-trip the public key and resolve to it`, async () => {
      const { publicJwk } = await generateKeyPair(alg);
      const didKey = didKeyFromJwk(publicJwk);
      expect(jwkFromDidKey(didKey)).toEqual(publicJwk);
      expect(await resolveDidKey(didKey)).toEqual(publicJwk);
      const didJwk = didJwkFromJwk(publicJwk);
      expect(jwkFromDidJwk(didJwk)).toEqual(publicJwk);
      expect(await resolveDidKey(`${didJwk}#0`)).toEqual(publicJwk);
    });
  }

  it('refuses a key used with another algorithm', async () => {
    const ed = await generateKeyPair('EdDSA');
    const p256 = await generateKeyPair('ES256');
    const jwt = await signJwt(await signerFromJwk(ed.privateJwk), {}, {});
    await expect(verifyDecodedJwt(decodeJwt(jwt), p256.publicJwk)).rejects.toBeInstanceOf(
      SanadError,
    );
  });

  it('refuses alg none and malformed JWTs with typed errors', async () => {
    const none = `${btoa('{"alg":"none"}').replace(/=/g, '')}.${btoa('{}').replace(/=/g, '')}.AAAA`;
    const { publicJwk } = await generateKeyPair();
    await expect(verifyDecodedJwt(decodeJwt(none), publicJwk)).rejects.toMatchObject({
      code: 'ERR_JWT_ALG_NOT_ALLOWED',
    });
    expect(() => decodeJwt('a.b')).toThrow(expect.objectContaining({ code: 'ERR_JWT_MALFORMED' }));
    expect(() => decodeJwt('!!.e30.e30')).toThrow(
      expect.objectContaining({ code: 'ERR_JWT_MALFORMED' }),
    );
  });

  it('rejects malformed did:key and did:jwk identifiers', () => {
    expect(() => jwkFromDidKey('did:key:z111')).toThrow(SanadError);
    expect(() => jwkFromDidJwk('did:jwk:notjson')).toThrow(
      expect.objectContaining({ code: 'ERR_DID_INVALID' }),
    );
  });
});
