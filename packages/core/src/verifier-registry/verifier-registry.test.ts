import { describe, expect, it } from 'vitest';
import { fixedClock } from '../clock.js';
import { didJwkFromJwk } from '../did/did-jwk.js';
import { didKeyFromJwk } from '../did/did-key.js';
import { generateKeyPair, signerFromJwk } from '../keys.js';
import {
  beyondRegistration,
  loadVerifierRegistry,
  parseVerifierRegistry,
  signVerifierRegistry,
  VerifierRegistry,
  type VerifierRegistryDocument,
} from './verifier-registry.js';

const REFUGEE = 'https://sanad.example/credentials/refugee-status';
const clinicDid = didJwkFromJwk((await generateKeyPair()).publicJwk);
const doc: VerifierRegistryDocument = {
  type: 'sanad-verifier-registry',
  version: 1,
  expires_at: '2030-01-01T00:00:00Z',
  verifiers: [
    {
      client_ids: [`decentralized_identifier:${clinicDid}`],
      names: { en: 'Al Noor Clinic', ar: 'عيادة النور' },
      purposes: [{ en: 'health partners, Jordan', ar: 'شركاء صحيون، الأردن' }],
      credentials: [
        {
          credential_type: REFUGEE,
          claims: [['given_name'], ['address', 'locality'], ['nationalities', null]],
        },
      ],
      valid_until: '2029-01-01T00:00:00Z',
    },
  ],
};
const at = (iso: string) => Date.parse(iso);

describe('verifier registry', () => {
  it('finds a registration by client_id, bare DID or prefixed, while it is valid', async () => {
    const registry = await loadVerifierRegistry(JSON.stringify(doc), {
      clock: fixedClock(at('2027-01-01T00:00:00Z')),
    });
    expect(
      registry.find(`decentralized_identifier:${clinicDid}`, at('2027-01-01T00:00:00Z'))?.names.en,
    ).toBe('Al Noor Clinic');
    expect(registry.find(clinicDid, at('2027-01-01T00:00:00Z'))?.names.en).toBe('Al Noor Clinic');
    expect(registry.find(clinicDid, at('2029-06-01T00:00:00Z'))).toBeUndefined();
    expect(
      registry.find('decentralized_identifier:did:jwk:other', at('2027-01-01T00:00:00Z')),
    ).toBeUndefined();
    expect(
      registry.find('x509_san_dns:clinic.example', at('2027-01-01T00:00:00Z')),
    ).toBeUndefined();
  });

  it('finds a certified verifier by its x509_san_dns or x509_hash client_id (HAIP)', () => {
    const hash = 'x509_hash:' + 'A'.repeat(43);
    const registry = new VerifierRegistry(
      parseVerifierRegistry({
        ...doc,
        verifiers: [
          { ...doc.verifiers[0]!, client_ids: ['x509_san_dns:desk.clinic.example', hash] },
        ],
      }),
    );
    const now = at('2027-01-01T00:00:00Z');
    expect(registry.find('x509_san_dns:desk.clinic.example', now)?.names.en).toBe('Al Noor Clinic');
    expect(registry.find(hash, now)?.names.en).toBe('Al Noor Clinic');
    expect(registry.find('x509_san_dns:other.clinic.example', now)).toBeUndefined();
    expect(registry.find('desk.clinic.example', now)).toBeUndefined();
  });

  it('computes the claims asked beyond the registration on nested paths', () => {
    const entry = doc.verifiers[0]!;
    expect(
      beyondRegistration(entry, REFUGEE, [
        ['given_name'],
        ['address', 'locality'],
        ['nationalities', 0],
        ['nationalities', null],
      ]),
    ).toEqual([]);
    // The whole address reveals more than its locality; a name is not a family name.
    expect(
      beyondRegistration(entry, REFUGEE, [
        ['address'],
        ['address', 'street_address'],
        ['family_name'],
      ]),
    ).toEqual([['address'], ['address', 'street_address'], ['family_name']]);
    // A type it is not registered for: everything asked is beyond.
    expect(beyondRegistration(entry, 'VaccinationCredential', [['given_name']])).toEqual([
      ['given_name'],
    ]);
    const broad = { ...entry, credentials: [{ credential_type: REFUGEE, claims: [['address']] }] };
    expect(beyondRegistration(broad, REFUGEE, [['address', 'locality']])).toEqual([]);
  });

  it('checks the signature against any pinned authority key and refuses another', async () => {
    const authority = await generateKeyPair();
    const next = await generateKeyPair();
    const jws = await signVerifierRegistry(doc, await signerFromJwk(authority.privateJwk));
    const clock = fixedClock(at('2027-01-01T00:00:00Z'));
    expect(
      (await loadVerifierRegistry(jws, { pinnedKey: didKeyFromJwk(authority.publicJwk), clock }))
        .signed,
    ).toBe(true);
    expect(
      (await loadVerifierRegistry(jws, { pinnedKey: [next.publicJwk, authority.publicJwk], clock }))
        .signed,
    ).toBe(true);
    await expect(
      loadVerifierRegistry(jws, { pinnedKey: next.publicJwk, clock }),
    ).rejects.toMatchObject({ code: 'ERR_VERIFIER_REGISTRY_SIGNATURE_INVALID' });
    await expect(loadVerifierRegistry(jws, { clock })).rejects.toMatchObject({
      code: 'ERR_VERIFIER_REGISTRY_SIGNATURE_INVALID',
    });
    await expect(
      loadVerifierRegistry(JSON.stringify(doc), { pinnedKey: authority.publicJwk, clock }),
    ).rejects.toMatchObject({ code: 'ERR_VERIFIER_REGISTRY_SIGNATURE_INVALID' });
    await expect(
      loadVerifierRegistry(jws, { pinnedKey: authority.privateJwk, clock }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_KEY' });
    const [header, , signature] = jws.split('.');
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...doc, verifiers: [] })).toString('base64url')}.${signature}`;
    await expect(
      loadVerifierRegistry(tampered, { pinnedKey: authority.publicJwk, clock }),
    ).rejects.toMatchObject({ code: 'ERR_VERIFIER_REGISTRY_SIGNATURE_INVALID' });
  });

  it('refuses an expired registry, or keeps it for a wallet to say so', async () => {
    const authority = await generateKeyPair();
    const jws = await signVerifierRegistry(doc, await signerFromJwk(authority.privateJwk));
    const clock = fixedClock(at('2031-01-01T00:00:00Z'));
    await expect(
      loadVerifierRegistry(jws, { pinnedKey: authority.publicJwk, clock }),
    ).rejects.toMatchObject({ code: 'ERR_VERIFIER_REGISTRY_EXPIRED' });
    const kept = await loadVerifierRegistry(jws, {
      pinnedKey: authority.publicJwk,
      clock,
      keepExpired: true,
    });
    expect(kept.expired(clock.now())).toBe(true);
  });

  it('refuses malformed registries with ERR_VERIFIER_REGISTRY_INVALID', () => {
    const entry = doc.verifiers[0]!;
    const withEntry = (changes: Record<string, unknown>) => ({
      ...doc,
      verifiers: [{ ...entry, ...changes }],
    });
    for (const bad of [
      { ...doc, type: 'sanad-trust-list' },
      { ...doc, verifiers: {} },
      { ...doc, expires_at: 'soon' },
      withEntry({ client_ids: [] }),
      withEntry({ client_ids: ['https://clinic.example'] }),
      withEntry({ client_ids: ['did:jwk:not-base64!'] }),
      withEntry({ client_ids: [clinicDid, `decentralized_identifier:${clinicDid}`] }),
      withEntry({ client_ids: ['x509_san_dns:Desk.Clinic.Example'] }),
      withEntry({ client_ids: ['x509_san_dns:'] }),
      withEntry({ client_ids: ['x509_hash:tooshort'] }),
      withEntry({ client_ids: ['x509_san_uri:https://clinic.example'] }),
      withEntry({ names: {} }),
      withEntry({ names: { English: 'Clinic' } }),
      withEntry({ purposes: [] }),
      withEntry({ purposes: [{ en: ' ' }] }),
      withEntry({ credentials: [{ credential_type: REFUGEE, claims: [[]] }] }),
      withEntry({ credentials: [{ credential_type: REFUGEE, claims: [['a', -1]] }] }),
      withEntry({
        credentials: [
          { credential_type: REFUGEE, claims: [] },
          { credential_type: REFUGEE, claims: [] },
        ],
      }),
      withEntry({ valid_until: 'never' }),
    ]) {
      expect(() => parseVerifierRegistry(bad), JSON.stringify(bad).slice(0, 120)).toThrow(
        expect.objectContaining({ code: 'ERR_VERIFIER_REGISTRY_INVALID' }),
      );
    }
  });
});
