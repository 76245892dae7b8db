import { describe, expect, it } from 'vitest';
import {
  decodeDisclosure,
  decodeJwt,
  fromBase64url,
  generateKeyPair,
  isCanonicalBase64url,
  MAX_JSON_DEPTH,
  parseJsonBounded,
  parseJsonStrict,
  signerFromJwk,
  signJwt,
  toBase64url,
  tryParseJson,
  verifyDecodedJwt,
} from './index.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Sets the lowest unused bit of the last character: decoders ignore it, so the bytes are the same. */
const flipUnusedBit = (text: string): string =>
  `${text.slice(0, -1)}${ALPHABET[ALPHABET.indexOf(text.at(-1)!) ^ 1]}`;
const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('canonical base64url (RFC 4648 sections 3.5 and 5)', () => {
  it('accepts only the one encoding of each byte string', () => {
    for (const text of [
      '',
      'AA',
      'AAA',
      'AAAA',
      'QQ',
      'QUI',
      toBase64url(new Uint8Array([255, 254, 253, 252])),
    ])
      expect(isCanonicalBase64url(text)).toBe(true);
    // Padding, the base64 alphabet, spaces, a length of 1 mod 4, and non-zero unused bits.
    for (const text of [
      'AA==',
      'AAA=',
      'A+',
      'A/',
      'AA AA',
      'A',
      'AAAAA',
      'AB',
      'AAB',
      'QR',
      'QUJ',
      'é',
    ]) {
      expect(isCanonicalBase64url(text)).toBe(false);
      expect(() => fromBase64url(text)).toThrow(
        expect.objectContaining({ code: 'ERR_ENCODING_NONCANONICAL' }),
      );
    }
    expect(fromBase64url('QUI')).toEqual(new Uint8Array([0x41, 0x42]));
  });

  for (const alg of ['ES256', 'EdDSA'] as const) {
    it(`${alg}: a signature differing only in its unused bits is refused before it is checked`, async () => {
      const pair = await generateKeyPair(alg);
      const jwt = await signJwt(
        await signerFromJwk(pair.privateJwk),
        { typ: 'JWT' },
        { hello: 'world' },
      );
      await verifyDecodedJwt(decodeJwt(jwt), pair.publicJwk);
      const twin = flipUnusedBit(jwt);
      expect(twin).not.toBe(jwt);
      // 64 bytes in 86 characters: the last one carries 4 unused bits, so both strings decode alike.
      let refusal: unknown;
      try {
        decodeJwt(twin);
      } catch (err) {
        refusal = err;
      }
      expect(refusal).toMatchObject({
        code: 'ERR_JWT_MALFORMED',
        cause: { code: 'ERR_ENCODING_NONCANONICAL' },
      });
    });
  }

  it('refuses a disclosure differing only in its unused bits', () => {
    const encoded = toBase64url(JSON.stringify(['c2FsdHNhbHRzYWx0c2FsdA', 'given_name', 'Amal']));
    expect(encoded.length % 4).not.toBe(0);
    expect(decodeDisclosure(encoded).name).toBe('given_name');
    expect(() => decodeDisclosure(flipUnusedBit(encoded))).toThrow(
      expect.objectContaining({ code: 'ERR_SDJWT_DISCLOSURE_MALFORMED' }),
    );
  });
});

describe('bounded JSON', () => {
  it('a 60,000-deep array is a typed refusal, not a stack overflow', () => {
    expect(() => parseJsonBounded(nested(60_000))).toThrow(
      expect.objectContaining({ code: 'ERR_INPUT_TOO_DEEP' }),
    );
    expect(() => parseJsonStrict(nested(60_000))).toThrow(
      expect.objectContaining({ code: 'ERR_INPUT_TOO_DEEP' }),
    );
    expect(tryParseJson(nested(60_000))).toBeUndefined();
    const deepPayload = `${toBase64url('{"alg":"ES256"}')}.${toBase64url(`{"a":${nested(60_000)}}`)}.AAAA`;
    expect(() => decodeJwt(deepPayload)).toThrow(
      expect.objectContaining({
        code: 'ERR_JWT_MALFORMED',
        cause: expect.objectContaining({ code: 'ERR_INPUT_TOO_DEEP' }),
      }),
    );
  });

  it(`allows ${MAX_JSON_DEPTH} levels, counts brackets outside strings only, and caps the size`, () => {
    expect(parseJsonBounded(nested(MAX_JSON_DEPTH))).toBeInstanceOf(Array);
    expect(() => parseJsonBounded(nested(MAX_JSON_DEPTH + 1))).toThrow(
      expect.objectContaining({ code: 'ERR_INPUT_TOO_DEEP' }),
    );
    expect(
      parseJsonBounded(JSON.stringify({ text: '['.repeat(1000), escaped: '\\"[[[[' })),
    ).toMatchObject({ escaped: '\\"[[[[' });
    expect(() => parseJsonBounded(nested(3), { maxDepth: 2 })).toThrow(
      expect.objectContaining({ code: 'ERR_INPUT_TOO_DEEP' }),
    );
    expect(() => parseJsonBounded('"0123456789"', { maxLength: 11 })).toThrow(
      expect.objectContaining({ code: 'ERR_INPUT_TOO_LARGE' }),
    );
    expect(() => parseJsonBounded(`"${'x'.repeat(1_048_577)}"`)).toThrow(
      expect.objectContaining({ code: 'ERR_INPUT_TOO_LARGE' }),
    );
    expect(() => parseJsonBounded('{"a":')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_JSON' }),
    );
    expect(() => parseJsonBounded(1 as unknown as string)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_JSON' }),
    );
  });

  it('a wide array is checked for duplicate members without overflowing the stack', () => {
    expect(parseJsonStrict(`[${'0,'.repeat(150_000)}0]`)).toHaveLength(150_001);
    expect(() => parseJsonStrict('{"a":1,"a":2}')).toThrow(SyntaxError);
  });

  it('finds where each string ends through escaped quotes and backslashes, so member names are counted exactly', () => {
    expect(() => parseJsonStrict(String.raw`{"a\"":1,"a\"":2}`)).toThrow(SyntaxError);
    expect(() => parseJsonStrict(String.raw`{"k":"\\","k":1}`)).toThrow(SyntaxError);
    expect(parseJsonStrict(String.raw`{"k":"\\\":[{","m":{"n":"\\"}}`)).toEqual({
      k: '\\":[{',
      m: { n: '\\' },
    });
    expect(parseJsonStrict(String.raw`{"x":"a\"b:c","y":"\\\\"}`)).toEqual({
      x: 'a"b:c',
      y: '\\\\',
    });
  });

  it('counts a parsed "__proto__" as the member it is, at every level and inside arrays', () => {
    expect(() => parseJsonStrict('{"__proto__":1,"__proto__":2}')).toThrow(SyntaxError);
    expect(() => parseJsonStrict('[{"a":{"__proto__":{},"__proto__":null}}]')).toThrow(SyntaxError);
    const parsed = parseJsonStrict('{"__proto__":{"admin":true},"b":[{"c":1},2,null]}') as Record<
      string,
      unknown
    >;
    expect(Object.hasOwn(parsed, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});
