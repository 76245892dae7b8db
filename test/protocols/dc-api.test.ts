/**
 * OpenID4VP over the Digital Credentials API (`dc_api.jwt`, OpenID4VP 1.0 appendix A), on
 * loopback: the verifier service builds a signed request by value with `expected_origins`; the
 * page hands it to a wallet (here Sanad's wallet library, standing in for the platform); the
 * encrypted answer comes back to the page, which posts it to the service with its Origin. The
 * service takes it only from the origin the request named; the wallet refuses a request that
 * does not list the page's origin.
 */
import { Openid4vpClient } from '@openid4vc/openid4vp';
import { decodeJwt } from '@sanad/core';
import { createMemoryIssuerStore } from '@sanad/issuer';
import { sanadCallbacks } from '@sanad/openid4vc';
import { createMemoryServiceStore } from '@sanad/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amal } from '../support/fixtures.js';
import {
  loopbackFetch as fetch,
  newWallet,
  OPERATOR_TOKEN,
  operator,
  type Services,
  startServices,
} from '../support/services.js';

let s: Services;
beforeAll(async () => {
  s = await startServices({
    issuer: createMemoryIssuerStore(),
    service: createMemoryServiceStore(),
    dump: async () => '',
  });
});
afterAll(() => s.close());

/** What the desk page does with the DigitalCredential's data: posts it, the browser adding Origin. */
const handOn = (sessionId: string, data: unknown, origin: string) =>
  fetch(`${s.verifierUrl}/operator/sessions/${sessionId}/dc-api`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${OPERATOR_TOKEN}`,
      'content-type': 'application/json',
      origin,
    },
    body: JSON.stringify({ response: data }),
  });

async function holder() {
  const { json } = await operator(s.issuerUrl, 'POST', '/offers', {
    type: 'refugee-status',
    claims: amal,
  });
  const wallet = await newWallet();
  await wallet.receive(String(json.offer_link), {
    fetch,
    txCode: async () => String(json.tx_code),
  });
  return wallet;
}

async function dcApiSession(origin?: string) {
  const { status, json } = await operator(s.verifierUrl, 'POST', '/sessions', {
    preset: 'over-18',
    response_mode: 'dc_api.jwt',
    ...(origin ? { origin } : {}),
  });
  expect(status).toBe(201);
  const request = JSON.parse(String(json.authorization_request)) as {
    protocol: string;
    data: { request: string; client_id?: string };
  };
  return { id: String(json.session_id), request };
}

describe('OpenID4VP over the Digital Credentials API', () => {
  it('builds a signed request by value for the desk origin, which a spec client resolves for that origin only', async () => {
    const origin = new URL(s.verifierUrl).origin;
    const { request } = await dcApiSession();
    expect(request.protocol).toBe('openid4vp-v1-signed');
    const { payload } = decodeJwt(request.data.request);
    expect(payload).toMatchObject({
      response_mode: 'dc_api.jwt',
      expected_origins: [origin],
      client_id: expect.stringMatching(/^decentralized_identifier:did:jwk:/),
    });
    expect(payload).not.toHaveProperty('response_uri');
    const client = new Openid4vpClient({ callbacks: sanadCallbacks() });
    const resolved = await client.resolveOpenId4vpAuthorizationRequest({
      authorizationRequestPayload: request.data as never,
      origin,
    });
    expect(resolved.jar).toBeDefined();
    await expect(
      client.resolveOpenId4vpAuthorizationRequest({
        authorizationRequestPayload: request.data as never,
        origin: 'https://phishing.example',
      }),
    ).rejects.toThrow();
  });

  it('a wallet answers through the platform; the desk hands the answer on and gets the verified claim', async () => {
    const wallet = await holder();
    const origin = new URL(s.verifierUrl).origin;
    const { id, request } = await dcApiSession();
    const opened = await wallet.openDcApiRequest(request.data, origin);
    const data = await wallet.respondDcApi(
      opened,
      wallet.decide(wallet.propose(opened.request), { approve: true }),
      origin,
    );
    expect(data).toMatchObject({
      response: expect.stringMatching(/^ey[^.]+\.[^.]*\.[^.]+\.[^.]+\.[^.]+$/),
    });
    const answered = await handOn(id, data, origin);
    expect(answered.status).toBe(200);
    expect(await answered.json()).toMatchObject({
      status: 'answered',
      outcome: 'valid',
      result: { verified: true, claims: { age_over_18: true } },
    });
  });

  it('takes the answer only from the origin the request named, and the wallet refuses another page', async () => {
    const wallet = await holder();
    const origin = new URL(s.verifierUrl).origin;
    const { id, request } = await dcApiSession();
    await expect(
      wallet.openDcApiRequest(request.data, 'https://phishing.example'),
    ).rejects.toMatchObject({
      code: 'ERR_REQUEST_INVALID',
    });
    const opened = await wallet.openDcApiRequest(request.data, origin);
    const data = await wallet.respondDcApi(
      opened,
      wallet.decide(wallet.propose(opened.request), { approve: true }),
      origin,
    );
    // The same answer handed on by another page: refused, and the session stays open for the real one.
    const elsewhere = await handOn(id, data, 'https://phishing.example');
    expect(elsewhere.status).toBe(400);
    expect(await elsewhere.json()).toMatchObject({ sanad_code: 'ERR_RESPONSE_REFUSED' });
    const real = await handOn(id, data, origin);
    expect(await real.json()).toMatchObject({ status: 'answered', outcome: 'valid' });
    // A declined request is noted, not a verdict.
    const second = await dcApiSession();
    const declined = await handOn(second.id, { error: 'access_denied' }, origin);
    expect(await declined.json()).toMatchObject({
      status: 'pending',
      declined: { error: 'access_denied' },
    });
  });

  it('refuses dc_api sessions it cannot serve: a bad origin, offline or with a redirect', async () => {
    for (const body of [
      { preset: 'over-18', response_mode: 'dc_api.jwt', origin: 'http://desk.example' },
      { preset: 'over-18', response_mode: 'dc_api.jwt', origin: 'https://desk.example/path' },
      { preset: 'over-18', response_mode: 'dc_api.jwt', offline: true },
      { preset: 'over-18', response_mode: 'dc_api.jwt', redirect_uri: 'https://desk.example/done' },
      { preset: 'over-18', origin: 'https://desk.example' },
    ]) {
      const { status, json } = await operator(s.verifierUrl, 'POST', '/sessions', body);
      expect(status, JSON.stringify(body)).toBe(400);
      expect(json).toMatchObject({ sanad_code: 'ERR_REQUEST_INVALID' });
    }
    const normal = await operator(s.verifierUrl, 'POST', '/sessions', { preset: 'over-18' });
    const { status } = await handOn(
      String(normal.json.session_id),
      { response: 'x' },
      'http://127.0.0.1',
    );
    expect(status).toBe(400);
  });
});
