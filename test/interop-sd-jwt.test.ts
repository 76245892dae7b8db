/**
 * SD-JWT VC interop with the reference TypeScript implementation (@sd-jwt/sd-jwt-vc 0.20):
 * its credentials verify in Sanad, Sanad's verify in it, and both reject a flipped disclosure.
 */
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import {
  createGuardedFetch,
  didKeyFromJwk,
  type JWK,
  didKeyMultibase,
  fromBase64url,
  fromUtf8,
  generateKeyPair,
  sha256,
  signerFromJwk,
  toBase64url,
  utf8,
  verifySignature,
} from '@sanad/core';
import { createMemoryNonceStore, createPresentationRequest, createVerifier } from '@sanad/verifier';
import { createMemoryStorage, createWallet } from '@sanad/wallet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Agency,
  amal,
  makeAgency,
  makeHolder,
  registrationType,
  serve,
  trustFor,
  VCT,
  LOW_COST_WALLET as LOW,
} from './support/fixtures.js';

const CLINIC = 'https://clinic.example';
const hasher = (data: string | ArrayBuffer): Uint8Array =>
  sha256(typeof data === 'string' ? utf8(data) : new Uint8Array(data));

let server: Awaited<ReturnType<typeof serve>>;
let agency: Agency;
const routes = new Map<string, string>();
beforeAll(async () => {
  server = await serve(routes);
  agency = await makeAgency(`${server.url}/status`);
});
afterAll(() => server.server.close());

/** Flips the value inside the first disclosure, keeping it well-formed. */
function flipFirstDisclosure(presentation: string): string {
  const parts = presentation.split('~');
  const decoded = fromUtf8(fromBase64url(parts[1]!));
  parts[1] = toBase64url(
    utf8(
      decoded.includes('true')
        ? decoded.replace('true', 'false')
        : decoded.replace(/"([^"]*)"\]$/, '"X$1"]'),
    ),
  );
  return parts.join('~');
}

describe('@sd-jwt/sd-jwt-vc -> Sanad', () => {
  it('verifies an SD-JWT VC issued and presented by @sd-jwt/sd-jwt-vc', async () => {
    const issuerKey = await generateKeyPair();
    const holderKey = await generateKeyPair();
    const issuerSigner = await signerFromJwk(issuerKey.privateJwk);
    const holderSigner = await signerFromJwk(holderKey.privateJwk);
    const did = didKeyFromJwk(issuerKey.publicJwk);
    const peer = new SDJwtVcInstance({
      signer: async (data: string) => toBase64url(await issuerSigner.sign(utf8(data))),
      signAlg: 'ES256',
      kbSigner: async (data: string) => toBase64url(await holderSigner.sign(utf8(data))),
      kbSignAlg: 'ES256',
      hasher,
      hashAlg: 'sha-256',
      saltGenerator: () => toBase64url(crypto.getRandomValues(new Uint8Array(16))),
    });
    const credential = await peer.issue(
      {
        iss: did,
        iat: Math.floor(Date.now() / 1000),
        vct: VCT,
        cnf: { jwk: holderKey.publicJwk },
        given_name: 'Amal',
        age_over_18: true,
      },
      { _sd: ['given_name', 'age_over_18'] },
      { header: { kid: `${did}#${didKeyMultibase(did)}` } },
    );
    const nonceStore = createMemoryNonceStore();
    const request = await createPresentationRequest({
      clientId: CLINIC,
      purpose: { en: 'Adult check' },
      credentials: [{ format: 'dc+sd-jwt', types: [VCT], claims: [['age_over_18']] }],
      nonceStore,
    });
    const presentation = await peer.present(
      credential,
      { age_over_18: true },
      {
        kb: { payload: { iat: Math.floor(Date.now() / 1000), aud: CLINIC, nonce: request.nonce } },
      },
    );
    const verifier = createVerifier({ trustList: trustFor({ did }), nonceStore });
    const result = await verifier.verify(presentation, { request });
    expect(result).toMatchObject({
      verified: true,
      issuer: did,
      credentialType: VCT,
      claims: { age_over_18: true },
      status: 'valid',
    });

    // CVE-2026-62374: a tampered disclosure must be rejected, not dropped.
    const tampered = await createVerifier({ trustList: trustFor({ did }) }).verify(
      flipFirstDisclosure(presentation),
      { nonce: request.nonce, audience: CLINIC },
    );
    expect(tampered.verified).toBe(false);
    expect(tampered.errors.map((e) => e.code)).toContain('ERR_SDJWT_DISCLOSURE_UNREFERENCED');
  });
});

describe('Sanad -> @sd-jwt/sd-jwt-vc', () => {
  it("verifies Sanad's issued and wallet-presented SD-JWT VC (key binding, nonce, status) and rejects a flipped disclosure (CVE-2026-62374)", async () => {
    const wallet = await createWallet(createMemoryStorage(), 'interop passphrase', LOW);
    const { bundle } = await agency.issuer.issue({
      type: 'refugee-status',
      claims: amal,
      holders: await wallet.createHolderKeys(1),
    });
    for (const list of await agency.issuer.publishStatusLists())
      routes.set(`/status/${list.path}`, list.token);
    await wallet.import(bundle);
    const request = await createPresentationRequest({
      clientId: CLINIC,
      purpose: { en: 'Adult check' },
      credentials: [{ id: 'q', format: 'dc+sd-jwt', types: [VCT], claims: [['age_over_18']] }],
    });
    const response = await wallet.present(
      wallet.decide(wallet.propose(request), { approve: true }),
    );
    const presentation = response.vp_token.q![0]!;

    const issuerVerifier = (data: string, sig: string): Promise<boolean> =>
      verifySignature(agency.publicJwk, 'ES256', utf8(data), fromBase64url(sig));
    const peer = new SDJwtVcInstance({
      hasher,
      verifier: issuerVerifier,
      statusVerifier: issuerVerifier,
      statusListFetcher: async (uri: string) =>
        fromUtf8((await createGuardedFetch({ allowInsecure: true })(uri)).body),
      kbVerifier: async (data: string, sig: string, payload) =>
        verifySignature(payload.cnf!.jwk as JWK, 'ES256', utf8(data), fromBase64url(sig)),
    });
    const verified = await peer.verify(presentation, {
      keyBindingNonce: request.nonce,
      requiredClaimKeys: ['age_over_18'],
    } as never);
    expect(verified.payload).toMatchObject({ vct: VCT, age_over_18: true, iss: agency.did });
    expect(verified.payload).not.toHaveProperty('given_name');
    expect(verified.kb?.payload).toMatchObject({ aud: CLINIC, nonce: request.nonce });

    // The credential itself (no KB-JWT, so no sd_hash to catch it): 0.19 accepted this silently.
    const flipped = flipFirstDisclosure(bundle.credentials[0]!);
    await expect(peer.verify(bundle.credentials[0]!)).resolves.toBeDefined();
    await expect(peer.verify(flipped)).rejects.toThrow(/disclosure|digest/i);
    const sanad = await createVerifier({
      trustList: trustFor(agency),
      fetch: createGuardedFetch({ allowInsecure: true }),
    }).verify(flipFirstDisclosure(presentation), { nonce: request.nonce, audience: CLINIC });
    expect(sanad.errors.map((e) => e.code)).toContain('ERR_SDJWT_DISCLOSURE_UNREFERENCED');
  });

  it('reads nested-object and array-element disclosures (with decoys) of a Sanad credential as Sanad does', async () => {
    const nested = await makeAgency(`${server.url}/status`, 'ES256', [registrationType]);
    const holder = await makeHolder();
    const claims = {
      household_size: 4,
      address: { locality: 'Mafraq', camp: 'Zaatari', country: 'JO' },
      nationalities: ['SYR', 'IRQ'],
    };
    const credential = (
      await nested.issuer.issue({ type: 'registration', claims, holders: [holder] })
    ).bundle.credentials[0]!;
    for (const list of await nested.issuer.publishStatusLists())
      routes.set(`/status/${list.path}`, list.token);
    const issuerVerifier = (data: string, sig: string): Promise<boolean> =>
      verifySignature(nested.publicJwk, 'ES256', utf8(data), fromBase64url(sig));
    const peer = new SDJwtVcInstance({
      hasher,
      verifier: issuerVerifier,
      statusVerifier: issuerVerifier,
      statusListFetcher: async (uri: string) =>
        fromUtf8((await createGuardedFetch({ allowInsecure: true })(uri)).body),
    });
    const { payload } = await peer.verify(credential);
    expect(payload).toMatchObject(claims);
    // Two nested members, two array elements and the household size: five disclosures, each once.
    expect(credential.split('~').filter(Boolean)).toHaveLength(1 + 5);
  });
});
