/**
 * W3C VCDM 2.0 with Data Integrity (`ldp_vc`) over the protocols, on loopback: the issuer
 * service advertises and issues it over OpenID4VCI, the wallet holds it, the verifier service
 * asks for it with a DCQL `ldp_vc` query and receives only the derived claim; a revocation made
 * through the operator API is seen, and the wallet's own status check sees it too.
 */
import { parseOpenid4vpAuthorizationRequest } from '@openid4vc/openid4vp';
import { decodeJwt } from '@sanad/core';
import { createMemoryIssuerStore } from '@sanad/issuer';
import { createMemoryServiceStore, standardPresets, type VerifierPreset } from '@sanad/server';
import { DcqlQuery } from 'dcql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amal } from '../support/fixtures.js';
import {
  loopbackFetch as fetch,
  newWallet,
  operator,
  type Services,
  startServices,
} from '../support/services.js';

const opts = { fetch };
const LDP_OVER_18: VerifierPreset = {
  id: 'over-18-w3c',
  name: { en: 'Over 18 (W3C credential)' },
  purpose: { en: 'Confirm that you are an adult' },
  purposeClaims: ['age_over_18'],
  credentials: [
    {
      id: 'refugee-status',
      format: 'ldp_vc',
      types: ['RefugeeStatusCredential'],
      claims: [['age_over_18']],
    },
  ],
};

let s: Services;
beforeAll(async () => {
  s = await startServices(
    {
      issuer: createMemoryIssuerStore(),
      service: createMemoryServiceStore(),
      dump: async () => '',
    },
    { presets: [...standardPresets('urn:unused'), LDP_OVER_18], bbs: true },
  );
});
afterAll(() => s.close());

async function holderOfLdpVc(cryptosuite?: 'bbs-2023') {
  const { status, json } = await operator(s.issuerUrl, 'POST', '/offers', {
    type: 'refugee-status',
    claims: amal,
    format: 'ldp_vc',
    ...(cryptosuite ? { cryptosuite } : {}),
  });
  expect(status).toBe(201);
  const wallet = await newWallet();
  const card = await wallet.receive(String(json.offer_link), {
    ...opts,
    txCode: async () => String(json.tx_code),
    copies: 2,
  });
  return { wallet, card, offerId: String(json.offer_id) };
}

async function askOver18() {
  const { status, json } = await operator(s.verifierUrl, 'POST', '/sessions', {
    preset: LDP_OVER_18.id,
  });
  expect(status).toBe(201);
  return { id: String(json.session_id), uri: String(json.authorization_request) };
}

describe('ldp_vc over OpenID4VCI and OpenID4VP', () => {
  it('advertises an ldp_vc credential configuration a spec-following wallet can read  [OpenID4VCI 1.0 appendix A.1.2]', async () => {
    const meta = await (await fetch(`${s.issuerUrl}/.well-known/openid-credential-issuer`)).json();
    const ldp = meta.credential_configurations_supported['refugee-status.ldp-vc'] as Record<
      string,
      unknown
    >;
    expect(ldp).toMatchObject({
      format: 'ldp_vc',
      cryptographic_binding_methods_supported: expect.arrayContaining(['did:key']),
      credential_signing_alg_values_supported: ['ecdsa-sd-2023'],
      credential_definition: {
        '@context': expect.arrayContaining(['https://www.w3.org/ns/credentials/v2']),
        type: ['VerifiableCredential', 'RefugeeStatusCredential'],
      },
    });
    // The holder proves its key with a JWT proof, as for the other formats.
    expect(Object.keys(ldp!.proof_types_supported as object)).toContain('jwt');
  });

  it('issues ldp_vc copies over OpenID4VCI, each bound to its own did:key, with the issuer register keeping no claims', async () => {
    const { card, offerId } = await holderOfLdpVc();
    expect(card).toMatchObject({ format: 'ldp_vc', copies: 2, issuer: s.issuerDid });
    const records = (await s.issuer.listCredentials()).filter((r) => r.batchId === offerId);
    expect(records.map((r) => r.format)).toEqual(['ldp_vc', 'ldp_vc']);
    expect(JSON.stringify(records)).not.toContain(amal.given_name);
  });

  it('presents cross-device to a DCQL ldp_vc query: only the requested claim is derived and received', async () => {
    const { wallet } = await holderOfLdpVc();
    const { id, uri } = await askOver18();
    const parsed = parseOpenid4vpAuthorizationRequest({ authorizationRequest: uri });
    expect(parsed.type).toBe('jar');
    const requestObject = await (await fetch(`${s.verifierUrl}/requests/${id}`)).text();
    const { payload } = decodeJwt(requestObject);
    const query = DcqlQuery.parse(payload.dcql_query as DcqlQuery.Input);
    expect(() => DcqlQuery.validate(query)).not.toThrow();
    expect(query.credentials[0]).toMatchObject({
      format: 'ldp_vc',
      meta: { type_values: [['VerifiableCredential', 'RefugeeStatusCredential']] },
      claims: [{ path: ['credentialSubject', 'age_over_18'] }],
    });
    // The verifier says which Data Integrity suites it takes (OpenID4VP 1.0 appendix B.1.3.2.2).
    const vpFormats = (payload.client_metadata as { vp_formats_supported: Record<string, unknown> })
      .vp_formats_supported;
    expect(vpFormats.ldp_vc).toBeDefined();

    const opened = await wallet.openRequest(uri, opts);
    const proposal = wallet.propose(opened.request);
    expect(proposal.items[0]!.shared.map((c) => c.path)).toEqual([['age_over_18']]);
    expect(proposal.items[0]!.withheld).toContain('Case number');
    expect(await wallet.respond(opened, wallet.decide(proposal, { approve: true }), opts)).toEqual({
      shared: true,
    });
    const { json } = await operator(s.verifierUrl, 'GET', `/sessions/${id}`);
    expect(json).toMatchObject({
      status: 'answered',
      result: {
        verified: true,
        credentialType: 'RefugeeStatusCredential',
        claims: { age_over_18: true },
        status: 'valid',
        issuer: s.issuerDid,
      },
    });
    expect(Object.keys((json.result as { claims: object }).claims)).toEqual(['age_over_18']);
  });

  it('sends the ldp_vp in vp_token as a JSON object, not a string  [OpenID4VP 1.0 section 8.1]', async () => {
    const { wallet } = await holderOfLdpVc();
    const { json } = await operator(s.verifierUrl, 'POST', '/sessions', {
      preset: LDP_OVER_18.id,
      response_mode: 'direct_post',
    });
    let posted: URLSearchParams | undefined;
    const watching: typeof fetch = async (input, init) => {
      if (init?.method === 'POST') posted = new URLSearchParams(String(init.body));
      return fetch(input, init);
    };
    const opened = await wallet.openRequest(String(json.authorization_request), opts);
    await wallet.respond(opened, wallet.decide(wallet.propose(opened.request), { approve: true }), {
      fetch: watching,
    });
    const vpToken = JSON.parse(posted!.get('vp_token')!) as Record<string, unknown[]>;
    const [presentation] = vpToken['refugee-status']!;
    expect(presentation).toMatchObject({
      type: expect.arrayContaining(['VerifiablePresentation']),
      proof: { challenge: opened.request.nonce },
    });
    const { json: answered } = await operator(
      s.verifierUrl,
      'GET',
      `/sessions/${String(json.session_id)}`,
    );
    expect(answered).toMatchObject({ status: 'answered', result: { verified: true } });
  });

  it('sees a revocation made through the operator API, at the desk and in the wallet', async () => {
    const { wallet, card, offerId } = await holderOfLdpVc();
    const { status } = await operator(s.issuerUrl, 'POST', `/credentials/${offerId}/revoke`);
    expect(status).toBe(200);
    const { id, uri } = await askOver18();
    const opened = await wallet.openRequest(uri, opts);
    await wallet
      .respond(opened, wallet.decide(wallet.propose(opened.request), { approve: true }), opts)
      .catch(() => undefined);
    const { json } = await operator(s.verifierUrl, 'GET', `/sessions/${id}`);
    expect(JSON.stringify(json)).toContain('ERR_STATUS_REVOKED');
    const [refreshed] = (await wallet.refreshStatus(opts)).filter(
      (r) => r.credentialId === card.id,
    );
    expect(refreshed?.status?.value).toBe('revoked');
  });
});

describe("bbs-2023 over OpenID4VCI and OpenID4VP: the issuer's BBS key", () => {
  it('advertises a bbs-2023 ldp_vc configuration beside the ecdsa-sd-2023 one', async () => {
    const meta = await (await fetch(`${s.issuerUrl}/.well-known/openid-credential-issuer`)).json();
    expect(meta.credential_configurations_supported['refugee-status.ldp-vc-bbs']).toMatchObject({
      format: 'ldp_vc',
      credential_signing_alg_values_supported: ['bbs-2023'],
      credential_definition: { type: ['VerifiableCredential', 'RefugeeStatusCredential'] },
    });
  });

  it('issues bbs-2023 copies by the BBS key; the desk receives only the derived claim with its status; a revocation is seen', async () => {
    const { wallet, card, offerId } = await holderOfLdpVc('bbs-2023');
    expect(card).toMatchObject({ format: 'ldp_vc', copies: 2, issuer: s.bbsIssuerDid });
    const { id, uri } = await askOver18();
    const opened = await wallet.openRequest(uri, opts);
    await wallet.respond(
      opened,
      wallet.decide(wallet.propose(opened.request), { approve: true }),
      opts,
    );
    const { json } = await operator(s.verifierUrl, 'GET', `/sessions/${id}`);
    expect(json).toMatchObject({
      status: 'answered',
      result: {
        verified: true,
        issuer: s.bbsIssuerDid,
        claims: { age_over_18: true },
        status: 'valid',
      },
    });
    // The list the desk read: the BBS key's own status list credential, served as a VCDM 2.0 document.
    const { json: published } = await operator(s.issuerUrl, 'GET', '/status-lists');
    const bbsList = (published.lists as Array<{ path: string; token: string }>).find(
      (l) => l.token.startsWith('{') && JSON.parse(l.token).issuer === s.bbsIssuerDid,
    );
    const served = await fetch(`${s.issuerUrl}/status/${bbsList!.path}`);
    expect(served.headers.get('content-type')).toBe('application/vc');
    expect(JSON.parse(await served.text())).toMatchObject({
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      proof: { cryptosuite: 'bbs-2023' },
    });

    expect((await operator(s.issuerUrl, 'POST', `/credentials/${offerId}/revoke`)).status).toBe(
      200,
    );
    const later = await askOver18();
    const again = await wallet.openRequest(later.uri, opts);
    await wallet
      .respond(again, wallet.decide(wallet.propose(again.request), { approve: true }), opts)
      .catch(() => undefined);
    const { json: revoked } = await operator(s.verifierUrl, 'GET', `/sessions/${later.id}`);
    expect(JSON.stringify(revoked)).toContain('ERR_STATUS_REVOKED');
    const [refreshed] = (await wallet.refreshStatus(opts)).filter(
      (r) => r.credentialId === card.id,
    );
    expect(refreshed?.status?.value).toBe('revoked');
  });

  it('refuses bbs-2023 for another format, and an unknown suite, with their codes', async () => {
    const sdJwt = await operator(s.issuerUrl, 'POST', '/offers', {
      type: 'refugee-status',
      claims: amal,
      format: 'dc+sd-jwt',
      cryptosuite: 'bbs-2023',
    });
    expect(sdJwt).toMatchObject({ status: 400, json: { sanad_code: 'ERR_INVALID_INPUT' } });
    const unknown = await operator(s.issuerUrl, 'POST', '/offers', {
      type: 'refugee-status',
      claims: amal,
      format: 'ldp_vc',
      cryptosuite: 'bbs-2099',
    });
    expect(unknown).toMatchObject({ status: 400, json: { sanad_code: 'ERR_INVALID_INPUT' } });
  });
});
