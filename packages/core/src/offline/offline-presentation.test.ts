import { zlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { amal, makeAgency, makeHolder, presentSdJwt } from '../../../../test/support/fixtures.js';
import { fromBase45, toBase45 } from './base45.js';
import { decodeOfflinePresentation, encodeOfflinePresentation } from './offline-presentation.js';

describe('base45 (RFC 9285 section 4.3 examples)', () => {
  const vectors: Array<[string, string]> = [
    ['AB', 'BB8'],
    ['Hello!!', '%69 VD92EX0'],
    ['base-45', 'UJCLQE7W581'],
    ['ietf!', 'QED8WEX0'],
  ];
  for (const [plain, encoded] of vectors) {
    it(`${JSON.stringify(plain)} <-> ${encoded}`, () => {
      expect(toBase45(new TextEncoder().encode(plain))).toBe(encoded);
      expect(new TextDecoder().decode(fromBase45(encoded))).toBe(plain);
    });
  }
  it('refuses text that is not base45', () => {
    expect(() => fromBase45('GGW')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_INPUT' })); // 65535 < n: out of range
    expect(() => fromBase45('abc')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_INPUT' }));
    expect(() => fromBase45('AAAA')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_INPUT' }),
    );
  });
});

describe('offline presentation packing', () => {
  it('round-trips a real SD-JWT presentation exactly and makes it smaller', async () => {
    const agency = await makeAgency();
    const holder = await makeHolder();
    const { bundle } = await agency.issuer.issue({
      type: 'refugee-status',
      claims: amal,
      holders: [holder],
    });
    const presentation = await presentSdJwt(
      bundle.credentials[0]!,
      holder.signer,
      ['age_over_18', 'given_name'],
      { nonce: 'n'.repeat(22), aud: 'did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169' },
    );
    const packed = encodeOfflinePresentation(presentation);
    expect(packed).toMatch(/^SANAD1:[0-9A-Z $%*+\-./:]+$/);
    expect(packed.length).toBeLessThan(presentation.length);
    expect(decodeOfflinePresentation(packed)).toBe(presentation);
    // Without a KB-JWT the trailing "~" survives too.
    const noKb = presentation.slice(0, presentation.lastIndexOf('~') + 1);
    expect(decodeOfflinePresentation(encodeOfflinePresentation(noKb))).toBe(noKb);
  });

  it('round-trips a JSON (ldp_vp) presentation exactly, and refuses one that is not UTF-8', () => {
    const presentation = JSON.stringify({
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      type: ['VerifiablePresentation'],
      holder: 'did:key:zDnaea3Lf8Cd49MB9NfzvXnx9AnGRkPZ1kzXxEfLzrxD8GBpH',
      note: 'Ḥaddād, حداد',
    });
    const packed = encodeOfflinePresentation(presentation);
    expect(packed).toMatch(/^SANAD1:[0-9A-Z $%*+\-./:]+$/);
    expect(decodeOfflinePresentation(packed)).toBe(presentation);
    const notUtf8 = `SANAD1:${toBase45(zlibSync(Uint8Array.from([0, 0x7b, 0xff, 0x7d])))}`;
    expect(() => decodeOfflinePresentation(notUtf8)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_INPUT' }),
    );
  });

  it('refuses damaged, truncated or inflated-bomb payloads with a typed error', () => {
    const packed = encodeOfflinePresentation('eyJhbGciOiJFUzI1NiJ9.e30.AAAA~');
    expect(() => decodeOfflinePresentation(packed.slice(0, -3))).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_INPUT' }),
    );
    expect(() => decodeOfflinePresentation(`${packed}a`)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_INPUT' }),
    );
    // 1 MiB of zeros squeezed into a few hundred characters.
    const bomb = `SANAD1:${toBase45(zlibSync(new Uint8Array(1024 * 1024), { level: 9 }))}`;
    expect(bomb.length).toBeLessThan(3000);
    expect(() => decodeOfflinePresentation(bomb)).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_INPUT' }),
    );
    expect(() => decodeOfflinePresentation('HC1:ABC')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_INPUT' }),
    );
    expect(() => encodeOfflinePresentation('not base64url!.x')).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_INPUT' }),
    );
  });
});
