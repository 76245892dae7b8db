import { zlibSync, gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { toBase64url } from '../encoding.js';
import { generateKeyPair, signerFromJwk } from '../keys.js';
import { verifyDecodedJwt } from '../jwt.js';
import {
  bitstringEntriesOf,
  decodeBitstringStatusList,
  encodeBitstringStatusList,
} from './bitstring-status-list.js';
import {
  createStatusListJwt,
  decodeTokenStatusList,
  encodeTokenStatusList,
  parseStatusListJwt,
  statusListReferenceOf,
} from './token-status-list.js';

describe('Token Status List', () => {
  it('round-trips 1, 2, 4 and 8 bits per entry, least significant bits first', () => {
    for (const bits of [1, 2, 4, 8] as const) {
      const statuses = Array.from({ length: 1000 }, (_, i) => (i * 7) % 2 ** bits);
      const view = decodeTokenStatusList(encodeTokenStatusList(statuses, bits));
      expect(statuses.every((s, i) => view.get(i) === s)).toBe(true);
    }
    // index 0 sits in the lowest bit of byte 0 (draft section 4.1)
    expect(
      decodeTokenStatusList({
        bits: 1,
        lst: toBase64url(zlibSync(new Uint8Array([0b00000001]))),
      }).get(0),
    ).toBe(1);
  });

  it('refuses bad bits, bad base64url, non-zlib data, a decompression bomb and out-of-range indexes', () => {
    expect(() => decodeTokenStatusList({ bits: 3, lst: 'eNo' })).toThrow(
      expect.objectContaining({ code: 'ERR_STATUS_LIST_INVALID' }),
    );
    expect(() => decodeTokenStatusList({ bits: 1, lst: '***' })).toThrow(
      expect.objectContaining({ code: 'ERR_STATUS_LIST_INVALID' }),
    );
    expect(() =>
      decodeTokenStatusList({ bits: 1, lst: toBase64url(new Uint8Array([1, 2, 3, 4])) }),
    ).toThrow(expect.objectContaining({ code: 'ERR_STATUS_LIST_INVALID' }));
    const bomb = toBase64url(zlibSync(new Uint8Array(64 * 1024 * 1024), { level: 9 }));
    expect(bomb.length).toBeLessThan(200_000);
    expect(() => decodeTokenStatusList({ bits: 1, lst: bomb })).toThrow(
      expect.objectContaining({ code: 'ERR_STATUS_LIST_INVALID' }),
    );
    const view = decodeTokenStatusList(encodeTokenStatusList([0, 1], 1));
    expect(() => view.get(view.size)).toThrow(
      expect.objectContaining({ code: 'ERR_STATUS_INDEX_OUT_OF_RANGE' }),
    );
    expect(() => view.get(-1)).toThrow(
      expect.objectContaining({ code: 'ERR_STATUS_INDEX_OUT_OF_RANGE' }),
    );
  });

  it('signs a statuslist+jwt that parses back with its URI and times', async () => {
    const keys = await generateKeyPair();
    const jwt = await createStatusListJwt(await signerFromJwk(keys.privateJwk), {
      uri: 'https://a.example/tsl/1',
      issuer: 'did:example:a',
      statuses: [0, 2, 1],
      bits: 2,
      iat: 1000,
      exp: 2000,
      ttl: 60,
    });
    const parsed = parseStatusListJwt(jwt);
    await verifyDecodedJwt(parsed.jwt, keys.publicJwk, 'ERR_STATUS_LIST_INVALID');
    expect(parsed).toMatchObject({
      uri: 'https://a.example/tsl/1',
      issuer: 'did:example:a',
      iat: 1000,
      exp: 2000,
      ttl: 60,
    });
    expect([0, 1, 2].map((i) => parsed.view.get(i))).toEqual([0, 2, 1]);
    expect(() => parseStatusListJwt('x.y.z')).toThrow(
      expect.objectContaining({ code: 'ERR_STATUS_LIST_INVALID' }),
    );
  });

  it('reads the status reference of a credential', () => {
    expect(
      statusListReferenceOf({ status: { status_list: { idx: 3, uri: 'https://a' } } }),
    ).toEqual({ idx: 3, uri: 'https://a' });
    expect(statusListReferenceOf({})).toBeUndefined();
    expect(() =>
      statusListReferenceOf({ status: { status_list: { idx: -1, uri: 'https://a' } } }),
    ).toThrow(expect.objectContaining({ code: 'ERR_STATUS_LIST_INVALID' }));
  });
});

describe('W3C Bitstring Status List', () => {
  it('puts index 0 in the most significant bit of byte 0 and pads to 16 KB', () => {
    const encoded = encodeBitstringStatusList([1, 0, 0, 0, 0, 0, 0, 1]);
    expect(encoded.startsWith('u')).toBe(true);
    const view = decodeBitstringStatusList(encoded);
    expect(view.size).toBe(131_072);
    expect([view.get(0), view.get(1), view.get(7), view.get(8)]).toEqual([1, 0, 1, 0]);
    const manual = `u${toBase64url(gzipSync(new Uint8Array([0b10000000])))}`;
    expect(decodeBitstringStatusList(manual).get(0)).toBe(1);
  });

  it('refuses a list without the multibase prefix and malformed entries', () => {
    expect(() => decodeBitstringStatusList('H4sI')).toThrow(
      expect.objectContaining({ code: 'ERR_STATUS_LIST_INVALID' }),
    );
    expect(() =>
      bitstringEntriesOf({
        credentialStatus: {
          type: 'BitstringStatusListEntry',
          statusPurpose: 'revocation',
          statusListIndex: 'x',
          statusListCredential: 'https://a',
        },
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_STATUS_LIST_INVALID' }));
    expect(bitstringEntriesOf({})).toEqual([]);
  });
});
