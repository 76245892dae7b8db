/**
 * Interop for W3C VCDM 2.0 with Data Integrity, both directions, against Digital Bazaar's own
 * `@digitalbazaar/vc` (the library path other wallets and verifiers on these suites run):
 * - Sanad issues (ecdsa-sd-2023), Sanad's wallet derives and signs the VP (ecdsa-rdfc-2019),
 *   and `vc.verify` accepts it; a claim changed, another nonce or another verifier it refuses.
 * - Digital Bazaar issues with its own keys (`@digitalbazaar/ecdsa-multikey`), derives, and
 *   signs the VP: Sanad's verifier accepts it, and Sanad's wallet holds the base credential and
 *   presents from it.
 * Digital Bazaar's verifier gets Sanad's pinned loader: the credentials use Sanad's vocabulary.
 * The status lists are Sanad's (test/ldp-vc.test.ts); here `checkStatus` only lets it through.
 */
import { cryptosuite as ecdsaRdfc } from '@digitalbazaar/ecdsa-rdfc-2019-cryptosuite';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import * as ecdsaMultikey from '@digitalbazaar/ecdsa-multikey';
import * as ecdsaSd from '@digitalbazaar/ecdsa-sd-2023-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import {
  type CredentialBundle,
  createGuardedFetch,
  documentLoader,
  SANAD_CONTEXT,
  VC_V2_CONTEXT,
} from '@sanad/core';
import { createMemoryNonceStore, createPresentationRequest, createVerifier } from '@sanad/verifier';
import { createMemoryStorage, createWallet } from '@sanad/wallet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Agency,
  amal,
  LOW_COST_WALLET,
  makeAgency,
  serve,
  trustFor,
} from './support/fixtures.js';

const CLINIC = 'https://clinic.example';
const PASS = 'correct horse battery staple';
const routes = new Map<string, string>();
let server: Awaited<ReturnType<typeof serve>>;
let agency: Agency;

beforeAll(async () => {
  server = await serve(routes);
  agency = await makeAgency(`${server.url}/status`);
});
afterAll(() => server.server.close());

const publish = async () => {
  for (const list of await agency.issuer.publishStatusLists())
    routes.set(`/status/${list.path}`, list.token);
};

const ask = (nonceStore: ReturnType<typeof createMemoryNonceStore>) =>
  createPresentationRequest({
    clientId: CLINIC,
    purpose: { en: 'Confirm the patient is an adult' },
    credentials: [
      { id: 'q', format: 'ldp_vc', types: ['RefugeeStatusCredential'], claims: [['age_over_18']] },
    ],
    nonceStore,
  });

/** Digital Bazaar's verification of a VP: the derived credential and the holder's proof. */
const dbVerify = (presentation: object, challenge: string, domain: string) =>
  vc.verify({
    presentation,
    challenge,
    domain,
    suite: [
      new DataIntegrityProof({ cryptosuite: ecdsaSd.createVerifyCryptosuite() }),
      new DataIntegrityProof({ cryptosuite: ecdsaRdfc }),
    ],
    documentLoader,
    checkStatus: async () => ({ verified: true }),
  });

/** A P-256 did:key pair from Digital Bazaar's Multikey library. */
async function dbKey() {
  const key = await ecdsaMultikey.generate({ curve: 'P-256' });
  const did = `did:key:${key.publicKeyMultibase}`;
  key.controller = did;
  key.id = `${did}#${key.publicKeyMultibase}`;
  return { key, did };
}

/** A wallet holding one Sanad-issued ldp_vc copy, and its base credential. */
async function sanadHolding() {
  const wallet = await createWallet(createMemoryStorage(), PASS, LOW_COST_WALLET);
  const { bundle } = await agency.issuer.issue({
    type: 'refugee-status',
    format: 'ldp_vc',
    claims: amal,
    holders: await wallet.createHolderKeys(1),
  });
  await publish();
  await wallet.import(bundle);
  return { wallet, base: JSON.parse(bundle.credentials[0]!) as object };
}

describe('Sanad -> Digital Bazaar', () => {
  it("Sanad's derived credential and VP verify in @digitalbazaar/vc; tampering, another nonce or verifier do not", async () => {
    const { wallet } = await sanadHolding();
    const request = await ask(createMemoryNonceStore());
    const proposal = wallet.propose(request);
    const response = await wallet.present(wallet.decide(proposal, { approve: true }));
    const vp = response.vp_token.q![0]! as unknown;
    const presentation = (typeof vp === 'string' ? JSON.parse(vp) : vp) as Record<string, unknown>;

    const accepted = await dbVerify(presentation, request.nonce, request.client_id);
    expect(accepted.error).toBeUndefined();
    expect(accepted.verified).toBe(true);
    expect(accepted.credentialResults.every((r) => r.verified)).toBe(true);
    const [derived] = presentation.verifiableCredential as Array<Record<string, unknown>>;
    expect(derived!.credentialSubject).toMatchObject({ age_over_18: true });
    expect(Object.keys(derived!.credentialSubject as object).sort()).toEqual(['age_over_18', 'id']);

    expect((await dbVerify(presentation, 'another-nonce', request.client_id)).verified).toBe(false);
    expect((await dbVerify(presentation, request.nonce, 'https://other.example')).verified).toBe(
      false,
    );
    const changed = structuredClone(presentation);
    const [inner] = changed.verifiableCredential as Array<{ credentialSubject: object }>;
    inner!.credentialSubject = { ...inner!.credentialSubject, age_over_18: false };
    expect((await dbVerify(changed, request.nonce, request.client_id)).verified).toBe(false);
  });

  it("Sanad's base credential, derived by Digital Bazaar, verifies in vc.verifyCredential", async () => {
    const { base } = await sanadHolding();
    const derived = await vc.derive({
      verifiableCredential: base,
      suite: new DataIntegrityProof({
        cryptosuite: ecdsaSd.createDiscloseCryptosuite({
          selectivePointers: ['/credentialSubject/nationality'],
        }),
      }),
      documentLoader,
    });
    expect(derived.credentialSubject).toMatchObject({ nationality: 'SYR' });
    expect(derived.credentialSubject).not.toHaveProperty('given_name');
    const result = await vc.verifyCredential({
      credential: derived,
      suite: new DataIntegrityProof({ cryptosuite: ecdsaSd.createVerifyCryptosuite() }),
      documentLoader,
      checkStatus: async () => ({ verified: true }),
    });
    expect(result.error).toBeUndefined();
    expect(result.verified).toBe(true);
  });
});

describe('Digital Bazaar -> Sanad', () => {
  /** A Sanad-vocabulary credential issued by Digital Bazaar's library with its own key. */
  async function dbIssue(holderDid: string) {
    const issuer = await dbKey();
    const now = Date.now();
    const credential = await vc.issue({
      credential: {
        '@context': [VC_V2_CONTEXT, SANAD_CONTEXT],
        type: ['VerifiableCredential', 'RefugeeStatusCredential'],
        issuer: issuer.did,
        validFrom: new Date(now - 60_000).toISOString(),
        validUntil: new Date(now + 86_400_000).toISOString(),
        credentialSubject: { id: holderDid, ...amal },
      },
      suite: new DataIntegrityProof({
        signer: issuer.key.signer(),
        cryptosuite: ecdsaSd.createSignCryptosuite({
          mandatoryPointers: ['/issuer', '/validFrom', '/validUntil', '/credentialSubject/id'],
        }),
      }),
      documentLoader,
    });
    return { issuer, credential };
  }

  it("a credential issued, derived and presented by Digital Bazaar's library verifies in Sanad's verifier", async () => {
    const holder = await dbKey();
    const { issuer, credential } = await dbIssue(holder.did);
    const derived = await vc.derive({
      verifiableCredential: credential,
      suite: new DataIntegrityProof({
        cryptosuite: ecdsaSd.createDiscloseCryptosuite({
          selectivePointers: ['/credentialSubject/age_over_18'],
        }),
      }),
      documentLoader,
    });
    const nonceStore = createMemoryNonceStore();
    const request = await ask(nonceStore);
    const presentation = await vc.signPresentation({
      presentation: vc.createPresentation({
        verifiableCredential: [derived],
        holder: holder.did,
        version: 2.0,
      }),
      suite: new DataIntegrityProof({ signer: holder.key.signer(), cryptosuite: ecdsaRdfc }),
      challenge: request.nonce,
      domain: request.client_id,
      documentLoader,
    });
    const verifier = createVerifier({
      trustList: trustFor({ did: issuer.did }),
      fetch: createGuardedFetch({ allowInsecure: true }),
      nonceStore,
    });
    const result = await verifier.verify(
      { vp_token: { q: [JSON.stringify(presentation)] } },
      { request },
    );
    expect(result.errors).toEqual([]);
    expect(result).toMatchObject({
      verified: true,
      format: 'ldp_vp',
      issuer: issuer.did,
      credentialType: 'RefugeeStatusCredential',
      claims: { age_over_18: true },
    });

    // Another issuer's key in the trust list: the same answer is not trusted.
    const other = await dbKey();
    const untrusted = await createVerifier({
      trustList: trustFor({ did: other.did }),
      fetch: createGuardedFetch({ allowInsecure: true }),
      nonceStore: createMemoryNonceStore(),
    }).verify({ vp_token: { q: [JSON.stringify(presentation)] } }, { request });
    expect(untrusted.verified).toBe(false);
  });

  it("Sanad's wallet holds a Digital Bazaar credential and presents only the asked claim from it", async () => {
    const wallet = await createWallet(createMemoryStorage(), PASS, LOW_COST_WALLET);
    const [holder] = await wallet.createHolderKeys(1);
    const { issuer, credential } = await dbIssue(holder!.did);
    // The type's display metadata, as an issuer hands it over with the credential.
    const { metadata } = await agency.issuer
      .issue({
        type: 'refugee-status',
        format: 'ldp_vc',
        claims: amal,
        holders: [holder!],
      })
      .then((r) => r.bundle);
    const bundle: CredentialBundle = {
      type: 'sanad-credential-bundle',
      version: 1,
      format: 'ldp_vc',
      credentials: [JSON.stringify(credential)],
      metadata,
    };
    await wallet.import(bundle);
    const [card] = wallet.list();
    expect(card).toMatchObject({ format: 'ldp_vc', issuer: issuer.did });

    const nonceStore = createMemoryNonceStore();
    const request = await ask(nonceStore);
    const proposal = wallet.propose(request);
    expect(proposal.items[0]!.shared.map((s) => s.path)).toEqual([['age_over_18']]);
    const response = await wallet.present(wallet.decide(proposal, { approve: true }));
    const result = await createVerifier({
      trustList: trustFor({ did: issuer.did }),
      fetch: createGuardedFetch({ allowInsecure: true }),
      nonceStore,
    }).verify(response, { request });
    expect(result.errors).toEqual([]);
    expect(result).toMatchObject({
      verified: true,
      issuer: issuer.did,
      claims: { age_over_18: true },
    });
  });
});
