import { describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.js';
import { didKeyFromJwk } from '../did/did-key.js';
import { generateKeyPair, signerFromJwk } from '../keys.js';
import {
  loadTrustList,
  parseTrustList,
  signTrustList,
  type TrustListDocument,
} from './trust-list.js';

const issuerKey = await generateKeyPair();
const issuerDid = didKeyFromJwk(issuerKey.publicJwk);
const doc: TrustListDocument = {
  type: 'sanad-trust-list',
  version: 1,
  name: 'Clinics of the north',
  expires_at: '2030-01-01T00:00:00Z',
  issuers: [
    {
      id: issuerDid,
      name: 'Agency',
      credential_types: ['https://sanad.example/credentials/refugee-status'],
    },
    {
      id: 'https://issuer.example',
      credential_types: ['VaccinationCredential'],
      jwks: { keys: [{ ...issuerKey.publicJwk, kid: 'k1' }] },
    },
  ],
};

describe('trust lists', () => {
  it('authorises issuers per credential type and resolves their keys', async () => {
    const list = await loadTrustList(JSON.stringify(doc));
    expect(list.isAuthorized(issuerDid, 'https://sanad.example/credentials/refugee-status')).toBe(
      true,
    );
    expect(list.isAuthorized(issuerDid, 'VaccinationCredential')).toBe(false);
    expect(list.isAuthorized('did:key:zUnknown', 'x')).toBe(false);
    expect(await list.issuerKey(issuerDid, undefined)).toMatchObject({ x: issuerKey.publicJwk.x });
    expect(await list.issuerKey('https://issuer.example', 'k1')).toMatchObject({ kid: 'k1' });
    await expect(list.issuerKey('https://issuer.example', 'k2')).rejects.toMatchObject({
      code: 'ERR_ISSUER_KEY_NOT_FOUND',
    });
    await expect(list.issuerKey('did:key:zOther', undefined)).rejects.toMatchObject({
      code: 'ERR_ISSUER_UNTRUSTED',
    });
    const other = didKeyFromJwk((await generateKeyPair()).publicJwk);
    await expect(list.issuerKey(issuerDid, `${other}#x`)).rejects.toMatchObject({
      code: 'ERR_ISSUER_KEY_NOT_FOUND',
    });
  });

  it('checks the signature against the pinned authority key', async () => {
    const authority = await generateKeyPair();
    const jws = await signTrustList(doc, await signerFromJwk(authority.privateJwk));
    expect((await loadTrustList(jws, { pinnedKey: authority.publicJwk })).signed).toBe(true);
    expect(
      (await loadTrustList(jws, { pinnedKey: didKeyFromJwk(authority.publicJwk) })).signed,
    ).toBe(true);
    const impostor = await generateKeyPair();
    await expect(loadTrustList(jws, { pinnedKey: impostor.publicJwk })).rejects.toMatchObject({
      code: 'ERR_TRUST_LIST_SIGNATURE_INVALID',
    });
    await expect(loadTrustList(jws)).rejects.toMatchObject({
      code: 'ERR_TRUST_LIST_SIGNATURE_INVALID',
    });
    await expect(
      loadTrustList(JSON.stringify(doc), { pinnedKey: authority.publicJwk }),
    ).rejects.toMatchObject({ code: 'ERR_TRUST_LIST_SIGNATURE_INVALID' });
    const tampered = jws.split('.');
    tampered[1] = Buffer.from(JSON.stringify({ ...doc, issuers: [] })).toString('base64url');
    await expect(
      loadTrustList(tampered.join('.'), { pinnedKey: authority.publicJwk }),
    ).rejects.toMatchObject({ code: 'ERR_TRUST_LIST_SIGNATURE_INVALID' });
  });

  it('refuses expired and malformed lists', async () => {
    await expect(
      loadTrustList(JSON.stringify(doc), { clock: fixedClock('2031-01-01T00:00:00Z') }),
    ).rejects.toMatchObject({ code: 'ERR_TRUST_LIST_EXPIRED' });
    for (const bad of [
      {},
      { ...doc, version: 2 },
      { ...doc, issuers: [{ id: 'http://plain.example', credential_types: ['x'] }] },
      { ...doc, issuers: [{ id: 'https://query.example/?tenant=1', credential_types: ['x'] }] },
      { ...doc, issuers: [{ id: issuerDid, credential_types: 'x' }] },
      { ...doc, issuers: [doc.issuers[0], doc.issuers[0]] },
      {
        ...doc,
        issuers: [
          {
            id: 'https://x.example',
            credential_types: ['x'],
            jwks: { keys: [{ ...issuerKey.privateJwk }] },
          },
        ],
      },
      { ...doc, expires_at: 'soon' },
      { ...doc, trust_anchors: {} },
      { ...doc, trust_anchors: [{ certificate: 'not base64!', credential_types: ['x'] }] },
      {
        ...doc,
        trust_anchors: [
          { certificate: 'AAAA', credential_types: [] },
          { certificate: 'AAAA', credential_types: [] },
        ],
      },
      { ...doc, trust_anchors: [{ certificate: 'AAAA', credential_types: [''] }] },
    ]) {
      expect(() => parseTrustList(bad)).toThrow(
        expect.objectContaining({ code: 'ERR_TRUST_LIST_INVALID' }),
      );
    }
    // A base64 anchor that is no certificate is the list's fault, found when a chain is checked.
    const broken = await loadTrustList(
      JSON.stringify({ ...doc, trust_anchors: [{ certificate: 'AAAA', credential_types: ['x'] }] }),
    );
    await expect(broken.x509IssuerKey('https://x.example', ['AAAA'], 0)).rejects.toMatchObject({
      code: 'ERR_TRUST_LIST_INVALID',
    });
    await expect(loadTrustList('{not json')).rejects.toMatchObject({
      code: 'ERR_TRUST_LIST_INVALID',
    });
    await expect(loadTrustList('garbage')).rejects.toMatchObject({
      code: 'ERR_TRUST_LIST_INVALID',
    });
  });
});
