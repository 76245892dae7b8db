/**
 * W3C VC Data Model 2.0 with Data Integrity (`ldp_vc`): issued by Sanad's issuer with
 * ecdsa-sd-2023 or its BBS key (bbs-2023), held and derived by the wallet, verified by Sanad's
 * verifier with status; bbs-2023 derived proofs unlinkable.
 */
import { generateBbsKeyPair, ALGORITHMS } from '@digitalbazaar/bls12-381-multikey';
import {
  type CredentialBundle,
  createGuardedFetch,
  createGuardedHttpFetch,
  encodeBitstringStatusList,
  formatOf,
  issueDataIntegrity,
  type PresentationRequest,
  type PresentationResponse,
} from '@sanad/core';
import {
  createIssuer,
  createMemoryIssuerStore,
  generateBbsIssuerKey,
  refugeeStatusType,
} from '@sanad/issuer';
import { createMemoryNonceStore, createPresentationRequest, createVerifier } from '@sanad/verifier';
import { createMemoryStorage, createWallet, type Wallet } from '@sanad/wallet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Agency,
  amal,
  LOW_COST_WALLET,
  makeAgency,
  makeHolder,
  serve,
  trustFor,
} from './support/fixtures.js';

const CLINIC = 'https://clinic.example';
const PASS = 'correct horse battery staple';
const routes = new Map<string, string>();
let server: Awaited<ReturnType<typeof serve>>;
let agency: Agency;

const publish = async () => {
  for (const list of await agency.issuer.publishStatusLists())
    routes.set(`/status/${list.path}`, list.token);
};

beforeAll(async () => {
  server = await serve(routes);
  agency = await makeAgency(`${server.url}/status`);
});
afterAll(() => server.server.close());

async function holding(): Promise<{ wallet: Wallet; batchId: string; bundle: CredentialBundle }> {
  const wallet = await createWallet(createMemoryStorage(), PASS, LOW_COST_WALLET);
  const holders = await wallet.createHolderKeys(2);
  const { bundle, batchId } = await agency.issuer.issue({
    type: 'refugee-status',
    format: 'ldp_vc',
    claims: amal,
    holders,
  });
  await publish();
  await wallet.import(bundle);
  return { wallet, batchId, bundle };
}

const ask = (nonceStore = createMemoryNonceStore()) =>
  createPresentationRequest({
    clientId: CLINIC,
    purpose: { en: 'Confirm the patient is an adult' },
    credentials: [
      { id: 'q', format: 'ldp_vc', types: ['RefugeeStatusCredential'], claims: [['age_over_18']] },
    ],
    nonceStore,
  });

const verifierWith = (nonceStore = createMemoryNonceStore()) =>
  createVerifier({
    trustList: trustFor(agency),
    fetch: createGuardedFetch({ allowInsecure: true }),
    nonceStore,
  });

async function present(
  wallet: Wallet,
  request: PresentationRequest,
): Promise<PresentationResponse> {
  const proposal = wallet.propose(request);
  return wallet.present(wallet.decide(proposal, { approve: true }));
}

describe('ldp_vc: issue, hold, derive, verify', () => {
  it('shares only the requested claim, verified with its status; a revocation is seen', async () => {
    const { wallet, batchId } = await holding();
    const [card] = wallet.list();
    expect(card?.format).toBe('ldp_vc');
    const nonceStore = createMemoryNonceStore();
    const request = await ask(nonceStore);
    const proposal = wallet.propose(request);
    expect(proposal.items[0]!.sharesEverything).toBe(false);
    expect(proposal.items[0]!.shared.map((s) => s.path)).toEqual([['age_over_18']]);
    const response = await wallet.present(wallet.decide(proposal, { approve: true }));
    const vp = response.vp_token.q![0]!;
    // What left the phone: the claim asked for, none of the others.
    expect(vp).toContain('age_over_18');
    for (const withheld of ['Amal', 'Haddad', '1994-03-12', 'SYR', 'AMM-2026-044817'])
      expect(vp).not.toContain(withheld);
    const verifier = verifierWith(nonceStore);
    const result = await verifier.verify(response, { request });
    expect(result.errors).toEqual([]);
    expect(result).toMatchObject({
      verified: true,
      format: 'ldp_vp',
      issuer: agency.did,
      credentialType: 'RefugeeStatusCredential',
      claims: { age_over_18: true },
      status: 'valid',
    });
    // Once: the same answer again is a replay.
    const again = await verifier.verify(response, { request });
    expect(again.errors.map((e) => e.code)).toContain('ERR_NONCE_REPLAYED');

    await agency.issuer.revoke(batchId);
    await publish();
    // A fresh desk: the first one may reuse the list it fetched for the list's ttl.
    const later = await ask(nonceStore);
    const revoked = await verifierWith(nonceStore).verify(await present(wallet, later), {
      request: later,
    });
    expect(revoked.verified).toBe(false);
    expect(revoked.status).toBe('revoked');
    expect(revoked.errors.map((e) => e.code)).toContain('ERR_STATUS_REVOKED');
  });

  it('refuses an answer bound to another request or verifier', async () => {
    const { wallet } = await holding();
    const request = await ask();
    const response = await present(wallet, request);
    const other = await ask();
    const result = await verifierWith().verify(response, { request: other });
    expect(result.errors.map((e) => e.code)).toContain('ERR_NONCE_MISMATCH');
    const elsewhere = await verifierWith().verify(response, {
      nonce: request.nonce,
      audience: 'https://other.example',
    });
    expect(elsewhere.errors.map((e) => e.code)).toContain('ERR_AUDIENCE_MISMATCH');
  });
});

// The hostile ldp_vc presentations, each with its code, are in the adversarial corpus
// (test/adversarial/presentation-corpus.ts, `ldp-vc/…`), run by the library and `sanad verify`.

describe('bbs-2023: unlinkable derived proofs', () => {
  it('two derivations of one credential share no proof bytes beyond chance', async () => {
    const key = await generateBbsKeyPair({ algorithm: ALGORITHMS.BBS_BLS12381_SHA256 });
    const issuerDid = `did:key:${key.publicKeyMultibase}`;
    const holder = await makeHolder();
    const raw = await issueDataIntegrity(
      {
        signer: holder.signer, // unused: the BBS signer below signs
        issuer: { id: issuerDid, kid: `${issuerDid}#${key.publicKeyMultibase}` },
        type: {
          id: 'refugee-status',
          vct: 'https://sanad.example/credentials/refugee-status',
          vcType: 'RefugeeStatusCredential',
          selectivelyDisclosable: Object.keys(amal),
        },
        claims: amal,
        holder,
        credentialId: 'bbs-1',
        iat: 1_790_000_000,
        nbf: 1_790_000_000,
        exp: 2_000_000_000,
        status: { index: 7, uri: (purpose) => `https://agency.example/status/bsl/1/${purpose}` },
      },
      'bbs-2023',
      { ...key.signer(), id: `${issuerDid}#${key.publicKeyMultibase}` },
    );
    const format = formatOf('ldp_vc');
    const checked = await format.check(raw);
    expect(checked).toMatchObject({ issuer: issuerDid, issuerSignatureChecked: true });
    const signer = { ...holder.signer, kid: holder.kid };
    const presentOnce = async () =>
      JSON.parse(
        await format.present({
          raw,
          holderDid: holder.did,
          signer,
          shared: [['age_over_18']],
          nonce: 'n',
          audience: CLINIC,
          now: 1_790_000_100,
        }),
      ).verifiableCredential[0];
    const [a, b] = [await presentOnce(), await presentOnce()];
    const { proof: proofA, ...restA } = a;
    const { proof: proofB, ...restB } = b;
    // The disclosed document is the same; the proofs are fresh.
    expect(restA).toEqual(restB);
    expect(restA.credentialSubject.given_name).toBeUndefined();
    // The BBS proof is the first member of the CBOR array after the 3-byte header: a byte
    // string with a 2-byte length (its size grows with the undisclosed messages).
    const bbsProof = (proofValue: string) => {
      const bytes = Buffer.from(proofValue.slice(1), 'base64url');
      expect([...bytes.subarray(0, 5)]).toEqual([0xd9, 0x5d, 0x03, 0x85, 0x59]);
      return bytes.subarray(7, 7 + bytes.readUInt16BE(5));
    };
    const bytesA = bbsProof(proofA.proofValue);
    const bytesB = bbsProof(proofB.proofValue);
    let longest = 0;
    for (let i = 0; i < bytesA.length; i++)
      for (let j = 0; j < bytesB.length; j++) {
        let k = 0;
        while (i + k < bytesA.length && j + k < bytesB.length && bytesA[i + k] === bytesB[j + k])
          k++;
        longest = Math.max(longest, k);
      }
    // Chance alone gives runs of 2 or 3 bytes in two random 400-byte strings.
    expect(longest).toBeLessThan(6);
  });
});

describe("bbs-2023 through the issuer: a BBS key beside the register's key", () => {
  it('issues, presents, verifies with status from its own Data Integrity lists, sees a revocation', async () => {
    const { key: bbs } = await generateBbsIssuerKey();
    expect(bbs.issuerId).toMatch(/^did:key:zUC7/);
    const issuer = await createIssuer({
      store: createMemoryIssuerStore(),
      signer: agency.signer,
      issuerId: agency.did,
      kid: `${agency.did}#${agency.did.slice('did:key:'.length)}`,
      statusBaseUrl: `${server.url}/status`,
      types: [refugeeStatusType],
      bbs,
    });
    const publishBbs = async () => {
      for (const list of await issuer.publishStatusLists())
        routes.set(`/status/${list.path}`, list.token);
    };
    const wallet = await createWallet(createMemoryStorage(), PASS, LOW_COST_WALLET);
    const { bundle, batchId } = await issuer.issue({
      type: 'refugee-status',
      format: 'ldp_vc',
      cryptosuite: 'bbs-2023',
      claims: amal,
      holders: await wallet.createHolderKeys(1),
    });
    const issued = JSON.parse(bundle.credentials[0]!);
    expect(issued.issuer).toBe(bbs.issuerId);
    expect(issued.proof.cryptosuite).toBe('bbs-2023');
    await publishBbs();
    const lists = await issuer.publishStatusLists();
    // The BBS key's lists are W3C status list credentials with a derived bbs-2023 proof.
    const list = JSON.parse(lists.find((l) => l.kind === 'bitstring')!.token);
    expect(list).toMatchObject({
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer: bbs.issuerId,
      proof: { cryptosuite: 'bbs-2023' },
      credentialSubject: { type: 'BitstringStatusList', ttl: 3_600_000 },
    });
    await wallet.import(bundle);

    const nonceStore = createMemoryNonceStore();
    const verifier = () =>
      createVerifier({
        trustList: trustFor({ did: bbs.issuerId }),
        fetch: createGuardedFetch({ allowInsecure: true }),
        nonceStore,
        statusListReuseSeconds: 0,
      });
    const request = await ask(nonceStore);
    const result = await verifier().verify(await present(wallet, request), { request });
    expect(result.errors).toEqual([]);
    expect(result).toMatchObject({
      verified: true,
      issuer: bbs.issuerId,
      claims: { age_over_18: true },
      status: 'valid',
    });

    // A list changed on the way (every entry set, a well-formed list) is refused, not read.
    const path = lists.find((l) => l.kind === 'bitstring')!.path;
    const tampered = structuredClone(list);
    tampered.credentialSubject.encodedList = encodeBitstringStatusList(
      new Uint8Array(131_072).fill(1),
    );
    routes.set(`/status/${path}`, JSON.stringify(tampered));
    const again = await ask(nonceStore);
    const refused = await verifier().verify(await present(wallet, again), { request: again });
    expect(refused.verified).toBe(false);
    expect(refused.errors.map((e) => e.code)).toEqual(['ERR_STATUS_LIST_INVALID']);

    await issuer.revoke(batchId);
    await publishBbs();
    const later = await ask(nonceStore);
    const revoked = await verifier().verify(await present(wallet, later), { request: later });
    expect(revoked.status).toBe('revoked');
    expect(revoked.errors.map((e) => e.code)).toContain('ERR_STATUS_REVOKED');
    // The wallet sees it too, from the same list.
    await wallet.refreshStatus({ fetch: createGuardedHttpFetch({ allowInsecure: true }) });
    expect(wallet.list()[0]?.status?.value).toBe('revoked');
  });

  it('without a BBS key, bbs-2023 is a typed refusal; a cryptosuite for another format too', async () => {
    const { did, jwk } = await makeHolder();
    const holders = [{ did, jwk }];
    await expect(
      agency.issuer.issue({
        type: 'refugee-status',
        format: 'ldp_vc',
        cryptosuite: 'bbs-2023',
        claims: amal,
        holders,
      }),
    ).rejects.toMatchObject({ code: 'ERR_BBS_KEY_MISSING' });
    await expect(
      agency.issuer.issue({
        type: 'refugee-status',
        format: 'dc+sd-jwt',
        cryptosuite: 'bbs-2023',
        claims: amal,
        holders,
      }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
  });
});
