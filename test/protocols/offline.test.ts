/**
 * Offline presentation at the desk, over real HTTP on loopback: the signed request travels in a
 * small QR code (`SANADR1:`), the wallet opens and answers it with no network at all, and the desk posts the
 * holder's `SANAD1:` code to the verifier service.
 */
import { parseOpenid4vpAuthorizationRequest } from '@openid4vc/openid4vp';
import { decodeJwt, encodeOfflinePresentation, expandOfflineRequest } from '@sanad/core';
import { createMemoryIssuerStore } from '@sanad/issuer';
import { createMemoryServiceStore } from '@sanad/server';
import { createMemoryStorage, createWallet, type Wallet } from '@sanad/wallet';
import QRCode from 'qrcode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amal, LOW_COST_WALLET } from '../support/fixtures.js';
import { loopbackFetch, operator, type Services, startServices } from '../support/services.js';

/** The holder's phone has no network: any fetch fails the test. */
const noNetwork = (async () => {
  throw new Error('The wallet tried to use the network.');
}) as typeof fetch;

let s: Services;
let wallet: Wallet;
let offerId: string;

beforeAll(async () => {
  s = await startServices({
    issuer: createMemoryIssuerStore(),
    service: createMemoryServiceStore(),
    dump: async () => '',
  });
  const { json } = await operator(s.issuerUrl, 'POST', '/offers', {
    type: 'refugee-status',
    claims: amal,
  });
  offerId = String(json.offer_id);
  wallet = await createWallet(
    createMemoryStorage(),
    'correct horse battery staple',
    LOW_COST_WALLET,
  );
  // Issued while online (copies: one per presentation below).
  await wallet.receive(String(json.offer_link), {
    fetch: loopbackFetch,
    txCode: async () => String(json.tx_code),
    copies: 4,
  });
});
afterAll(() => s.close());

async function offlineSession(preset = 'over-18'): Promise<{ id: string; uri: string }> {
  const { status, json } = await operator(s.verifierUrl, 'POST', '/sessions', {
    preset,
    offline: true,
  });
  expect(status).toBe(201);
  return { id: String(json.session_id), uri: String(json.authorization_request) };
}

/** What the holder's wallet shows as a QR code: its approved answer to `uri`, made offline. */
async function holderCode(uri: string): Promise<string> {
  const opened = await wallet.openRequest(uri, { fetch: noNetwork });
  const response = await wallet.present(
    wallet.decide(wallet.propose(opened.request), { approve: true }),
  );
  const [presentation] = Object.values(response.vp_token).flat();
  return encodeOfflinePresentation(presentation!);
}

const postOffline = (sessionId: string, presentation: unknown) =>
  operator(s.verifierUrl, 'POST', `/sessions/${sessionId}/offline`, { presentation });

describe('offline sessions  [OpenID4VP 1.0 section 5.1 (request by value); RFC 9101 section 5.1]', () => {
  it('puts the signed request object in a small QR code (SANADR1:) that expands to the standard request by value', async () => {
    const { id, uri } = await offlineSession();
    expect(uri).toMatch(/^SANADR1:[0-9A-Z $%*+\-./:]+$/);
    const expanded = expandOfflineRequest(uri);
    const parsed = parseOpenid4vpAuthorizationRequest({
      authorizationRequest: expanded.authorizationRequest,
    });
    // Without a did option the service's client id is already its did:jwk: the same online and offline.
    expect(parsed).toMatchObject({
      type: 'jar',
      params: { client_id: s.verifierService.clientId },
    });
    const { header, payload } = decodeJwt(expanded.requestObject);
    expect(header.typ).toBe('oauth-authz-req+jwt');
    expect(payload).toMatchObject({
      client_id: s.verifierService.clientId,
      response_mode: 'direct_post',
      response_uri: `${s.verifierUrl}/responses/${id}`,
    });
    const { version } = QRCode.create(uri, { errorCorrectionLevel: 'L' });
    console.info(
      `offline request: ${uri.length} characters, QR version ${version} (the same request by value: ${expanded.authorizationRequest.length} characters, version ${QRCode.create(expanded.authorizationRequest, { errorCorrectionLevel: 'L' }).version})`,
    );
    expect(version).toBeLessThanOrEqual(15);
  });

  it('verifies the holder code and returns only the requested claims, once', async () => {
    const { id, uri } = await offlineSession();
    const code = await holderCode(uri);
    expect(code).toMatch(/^SANAD1:/);
    const first = await postOffline(id, code);
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({
      status: 'answered',
      preset: 'over-18',
      outcome: 'valid',
      result: { verified: true, status: 'valid', issuer: s.issuerDid, issuerName: 'Test agency' },
    });
    expect((first.json.result as { claims: object }).claims).toEqual({ age_over_18: true });
    // The session reads the same, with its outcome.
    expect((await operator(s.verifierUrl, 'GET', `/sessions/${id}`)).json).toMatchObject({
      status: 'answered',
      outcome: 'valid',
    });
    const again = await postOffline(id, code);
    expect(again.status).toBe(400);
    expect(again.json).toMatchObject({
      error: 'invalid_request',
      sanad_code: 'ERR_REQUEST_INVALID',
    });
  });

  it('refuses a code made for another session, and the session waits for the right one  [OpenID4VP 1.0 section 14.1 (replay)]', async () => {
    const other = await offlineSession();
    const code = await holderCode(other.uri);
    const { id, uri } = await offlineSession();
    expect(await postOffline(id, code)).toMatchObject({
      status: 400,
      json: { error: 'invalid_request', sanad_code: 'ERR_NONCE_MISMATCH' },
    });
    const read = await operator(s.verifierUrl, 'GET', `/sessions/${id}`);
    expect(read.json).toMatchObject({
      status: 'pending',
      outcome: 'pending',
      refusedAnswers: 1,
      lastRefusal: { code: 'ERR_NONCE_MISMATCH', outcome: 'invalid' },
    });
    expect(await postOffline(id, await holderCode(uri))).toMatchObject({
      status: 200,
      json: { status: 'answered', outcome: 'valid', refusedAnswers: 1 },
    });
  });

  it('refuses codes for online sessions, garbage and unknown sessions', async () => {
    const online = await operator(s.verifierUrl, 'POST', '/sessions', { preset: 'over-18' });
    const refused = await postOffline(String(online.json.session_id), 'SANAD1:AAAA');
    expect(refused).toMatchObject({ status: 400, json: { sanad_code: 'ERR_REQUEST_INVALID' } });
    expect((await postOffline('no-such-session', 'SANAD1:AAAA')).json).toMatchObject({
      sanad_code: 'ERR_SESSION_NOT_FOUND',
    });
    expect((await postOffline((await offlineSession()).id, 42)).status).toBe(400);
    expect((await postOffline((await offlineSession()).id, { toString: 1 })).json).toMatchObject({
      sanad_code: 'ERR_INVALID_INPUT',
    });
    const garbage = await postOffline((await offlineSession()).id, 'SANAD1:not base45 at all');
    expect(garbage).toMatchObject({ status: 400, json: { sanad_code: 'ERR_INVALID_INPUT' } });
    expect(
      (
        await operator(s.verifierUrl, 'POST', '/sessions', {
          preset: 'over-18',
          offline: true,
          response_mode: 'direct_post.jwt',
        })
      ).status,
    ).toBe(400);
  });

  it('keeps the offline sessions behind the operator token', async () => {
    const { id } = await offlineSession();
    expect(
      (
        await operator(
          s.verifierUrl,
          'POST',
          `/sessions/${id}/offline`,
          { presentation: 'SANAD1:AAAA' },
          'x'.repeat(40),
        )
      ).status,
    ).toBe(401);
  });

  it('refuses a revoked credential, saying so, and records nothing  [draft-ietf-oauth-status-list section 8]', async () => {
    const { id, uri } = await offlineSession('registered-refugee');
    const code = await holderCode(uri);
    expect((await operator(s.issuerUrl, 'POST', `/credentials/${offerId}/revoke`)).status).toBe(
      200,
    );
    expect(await postOffline(id, code)).toMatchObject({
      status: 400,
      json: { sanad_code: 'ERR_STATUS_REVOKED' },
    });
    const { json } = await operator(s.verifierUrl, 'GET', `/sessions/${id}`);
    expect(json).toMatchObject({
      status: 'pending',
      refusedAnswers: 1,
      lastRefusal: { code: 'ERR_STATUS_REVOKED', outcome: 'revoked' },
    });
    expect(json).not.toHaveProperty('result');
  });
});
