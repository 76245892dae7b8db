/**
 * W3C VC-JWT / VP-JWT interop: credentials and presentations from did-jwt-vc and from a Veramo 7
 * agent verify in Sanad; Sanad's verify in did-jwt-vc.
 */
import {
  createAgent,
  type ICredentialPlugin,
  type IDIDManager,
  type IKeyManager,
  type IResolver,
} from '@veramo/core';
import { CredentialProviderJWT } from '@veramo/credential-jwt';
import { CredentialPlugin } from '@veramo/credential-w3c';
import { DIDManager, MemoryDIDStore } from '@veramo/did-manager';
import { getDidKeyResolver, KeyDIDProvider } from '@veramo/did-provider-key';
import { DIDResolverPlugin } from '@veramo/did-resolver';
import { KeyManager, MemoryKeyStore, MemoryPrivateKeyStore } from '@veramo/key-manager';
import { KeyManagementSystem } from '@veramo/kms-local';
import {
  createVerifiableCredentialJwt,
  createVerifiablePresentationJwt,
  verifyCredential,
  verifyPresentation,
} from 'did-jwt-vc';
import { Resolver } from 'did-resolver';
import { createGuardedFetch, toDidResolverRegistry } from '@sanad/core';
import { base64urlSigner } from '@sanad/issuer';
import { createVerifier } from '@sanad/verifier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agency, amal, makeAgency, makeHolder, serve, trustFor } from './support/fixtures.js';

const CLINIC = 'https://clinic.example';
const NONCE = 'interop-nonce-0123456789';
const expectation = { nonce: NONCE, audience: CLINIC };

describe('did-jwt-vc -> Sanad', () => {
  it('verifies a VP-JWT with a VC-JWT made by did-jwt-vc (EdDSA and ES256)', async () => {
    for (const alg of ['EdDSA', 'ES256'] as const) {
      const issuer = await makeHolder(alg);
      const holder = await makeHolder(alg);
      const vc = await createVerifiableCredentialJwt(
        {
          sub: holder.did,
          nbf: Math.floor(Date.now() / 1000),
          vc: {
            '@context': ['https://www.w3.org/2018/credentials/v1'],
            type: ['VerifiableCredential', 'RefugeeStatusCredential'],
            credentialSubject: { age_over_18: true, given_name: 'Amal' },
          },
        },
        { did: issuer.did, signer: base64urlSigner(issuer.signer), alg },
      );
      const vp = await createVerifiablePresentationJwt(
        {
          vp: {
            '@context': ['https://www.w3.org/2018/credentials/v1'],
            type: ['VerifiablePresentation'],
            verifiableCredential: [vc],
          },
          nonce: NONCE,
          aud: CLINIC,
        },
        { did: holder.did, signer: base64urlSigner(holder.signer), alg },
      );
      const result = await createVerifier({
        trustList: trustFor({ did: issuer.did, types: ['RefugeeStatusCredential'] }),
      }).verify(vp, expectation);
      expect(result).toMatchObject({
        verified: true,
        format: 'jwt_vp',
        issuer: issuer.did,
        credentialType: 'RefugeeStatusCredential',
        claims: { age_over_18: true, given_name: 'Amal' },
      });
    }
  });
});

describe('Veramo agent -> Sanad', () => {
  it('verifies a VC and VP created by a Veramo 7 agent with JWT proofs', async () => {
    const agent = createAgent<IKeyManager & IDIDManager & IResolver & ICredentialPlugin>({
      plugins: [
        new KeyManager({
          store: new MemoryKeyStore(),
          kms: { local: new KeyManagementSystem(new MemoryPrivateKeyStore()) },
        }),
        new DIDManager({
          store: new MemoryDIDStore(),
          defaultProvider: 'did:key',
          providers: { 'did:key': new KeyDIDProvider({ defaultKms: 'local' }) },
        }),
        new DIDResolverPlugin({ ...getDidKeyResolver() }),
        new CredentialPlugin([new CredentialProviderJWT()]),
      ],
    });
    const issuer = await agent.didManagerCreate({
      provider: 'did:key',
      options: { keyType: 'Ed25519' },
    });
    const holder = await agent.didManagerCreate({
      provider: 'did:key',
      options: { keyType: 'Ed25519' },
    });
    const credential = await agent.createVerifiableCredential({
      credential: {
        issuer: { id: issuer.did },
        type: ['VerifiableCredential', 'RefugeeStatusCredential'],
        credentialSubject: { id: holder.did, age_over_18: true },
      },
      proofFormat: 'jwt',
    });
    const presentation = await agent.createVerifiablePresentation({
      presentation: { holder: holder.did, verifiableCredential: [credential] },
      proofFormat: 'jwt',
      challenge: NONCE,
      domain: CLINIC,
    });
    const vp = presentation.proof.jwt as string;
    const result = await createVerifier({
      trustList: trustFor({ did: issuer.did, types: ['RefugeeStatusCredential'] }),
    }).verify(vp, expectation);
    expect(result.errors).toEqual([]);
    expect(result).toMatchObject({
      verified: true,
      issuer: issuer.did,
      claims: { age_over_18: true },
    });
    // Veramo checks its own presentation the same way.
    expect(
      (await agent.verifyPresentation({ presentation: vp, challenge: NONCE, domain: CLINIC }))
        .verified,
    ).toBe(true);
  });
});

describe('Sanad -> did-jwt-vc', () => {
  let server: Awaited<ReturnType<typeof serve>>;
  let agency: Agency;
  const routes = new Map<string, string>();
  beforeAll(async () => {
    server = await serve(routes);
    agency = await makeAgency(`${server.url}/status`, 'EdDSA');
  });
  afterAll(() => server.server.close());

  it("verifies Sanad's VC-JWT and a VP-JWT around it in did-jwt-vc, and in Sanad", async () => {
    const holder = await makeHolder('EdDSA');
    const { bundle } = await agency.issuer.issue({
      type: 'refugee-status',
      format: 'jwt_vc_json',
      claims: amal,
      holders: [holder],
    });
    for (const list of await agency.issuer.publishStatusLists())
      routes.set(`/status/${list.path}`, list.token);
    const resolver = new Resolver(toDidResolverRegistry());
    const vc = await verifyCredential(bundle.credentials[0]!, resolver);
    expect(vc.issuer).toBe(agency.did);
    const vp = await createVerifiablePresentationJwt(
      {
        vp: {
          '@context': ['https://www.w3.org/2018/credentials/v1'],
          type: ['VerifiablePresentation'],
          verifiableCredential: [bundle.credentials[0]!],
        },
        nonce: NONCE,
        aud: CLINIC,
      },
      { did: holder.did, signer: base64urlSigner(holder.signer), alg: 'EdDSA' },
      { header: { kid: holder.kid } },
    );
    const peer = await verifyPresentation(vp, resolver, { challenge: NONCE, audience: CLINIC });
    expect(peer.verified).toBe(true);
    const sanad = await createVerifier({
      trustList: trustFor(agency),
      fetch: createGuardedFetch({ allowInsecure: true }),
    }).verify(vp, expectation);
    expect(sanad).toMatchObject({ verified: true, status: 'valid' });
  });
});
