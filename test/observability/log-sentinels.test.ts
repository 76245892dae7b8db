/**
 * Sentinel test for the services' logs: a full issue -> receive -> present -> verify run over
 * loopback HTTP with planted, unique claim values, a wrong and a right PIN, a same-device
 * result read with its response code and a malformed answer; every JSON line both services
 * write is captured, and none may hold a claim value, the PIN, the pre-authorized code, the
 * access token, the c_nonce, the request nonce or state, the response code, or any fragment of
 * the credential or the vp_token.
 */
import { randomBytes, toBase64url } from '@sanad/core';
import { createMemoryIssuerStore } from '@sanad/issuer';
import { createMemoryServiceStore } from '@sanad/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amal } from '../support/fixtures.js';
import {
  loopbackFetch,
  newWallet,
  operator,
  type Services,
  startServices,
} from '../support/services.js';

const unique = (label: string): string =>
  `${label}${toBase64url(randomBytes(6)).replace(/[-_]/g, 'x')}`;

/** Every string member, at any depth, of a JSON value. */
const stringsIn = (value: unknown): string[] =>
  typeof value === 'string'
    ? [value]
    : value !== null && typeof value === 'object'
      ? Object.values(value).flatMap(stringsIn)
      : [];

/** The pieces of a JWT or SD-JWT worth looking for: each segment and disclosure of 16 characters or more. */
const fragmentsOf = (token: string): string[] =>
  token.split(/[~.]/).filter((part) => part.length >= 16);

describe('the services never log personal data or secrets', () => {
  const lines: string[] = [];
  const sentinels = new Map<string, string>();
  const plant = (what: string, value: string | undefined): void => {
    expect(value, what).toBeTruthy();
    sentinels.set(value!, what);
  };
  let s: Services;

  beforeAll(async () => {
    s = await startServices(
      {
        issuer: createMemoryIssuerStore(),
        service: createMemoryServiceStore(),
        dump: async () => '',
      },
      { logs: { write: (line) => void lines.push(line) } },
    );
  });
  afterAll(() => s.close());

  it('in a full run: planted values, a wrong PIN, a result read by response code, a malformed answer', async () => {
    const claims = {
      ...amal,
      given_name: unique('Givenname'),
      family_name: unique('Familyname'),
      case_number: `SNT-2026-${Date.now() % 1_000_000}`,
    };
    for (const [name, value] of Object.entries(claims))
      if (typeof value === 'string' && value.length >= 6) plant(`claim ${name}`, value);

    // What the wallet sends and receives, to learn the tokens and nonces the services handed out.
    const exchanged: { url: string; sent: string; received: string }[] = [];
    const fetch: typeof globalThis.fetch = async (input, init) => {
      const response = await loopbackFetch(input, init);
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const sent =
        typeof init?.body === 'string'
          ? init.body
          : init?.body instanceof URLSearchParams
            ? init.body.toString()
            : '';
      exchanged.push({ url, sent, received: await response.clone().text() });
      return response;
    };

    const { status, json: created } = await operator(s.issuerUrl, 'POST', '/offers', {
      type: 'refugee-status',
      claims,
    });
    expect(status).toBe(201);
    const offerUri = String(created.offer_link);
    const pin = String(created.tx_code);
    const grants = JSON.parse(new URL(offerUri).searchParams.get('credential_offer')!).grants;
    plant('PIN', pin);
    plant(
      'pre-authorized code',
      grants['urn:ietf:params:oauth:grant-type:pre-authorized_code']['pre-authorized_code'],
    );

    const wallet = await newWallet();
    const wrongPin = pin === '000000' ? '111111' : '000000';
    await expect(
      wallet.receive(offerUri, { fetch, txCode: async () => wrongPin }),
    ).rejects.toMatchObject({
      code: 'ERR_TX_CODE_INVALID',
    });
    await wallet.receive(offerUri, { fetch, txCode: async () => pin, copies: 2 });

    const token = exchanged.find(
      (e) => e.url.endsWith('/token') && e.received.includes('access_token'),
    )!;
    plant('access token', JSON.parse(token.received).access_token);
    const nonce = exchanged.find((e) => e.url.endsWith('/nonce'))!;
    plant('c_nonce', JSON.parse(nonce.received).c_nonce);
    const credential = exchanged.find((e) => e.url.endsWith('/credential'))!;
    for (const issued of stringsIn(JSON.parse(credential.received).credentials))
      for (const f of fragmentsOf(issued)) plant('credential fragment', f);

    // Same-device presentation: the holder's browser comes back with a response code.
    const { json: session } = await operator(s.verifierUrl, 'POST', '/sessions', {
      preset: 'registered-refugee',
      response_mode: 'direct_post',
      redirect_uri: 'https://clinic.example/done',
    });
    const sessionId = String(session.session_id);
    const opened = await wallet.openRequest(String(session.authorization_request), { fetch });
    plant('request nonce', String(opened.authorizationRequest.nonce));
    plant('request state', String(opened.authorizationRequest.state));
    const { redirectUri } = await wallet.respond(
      opened,
      wallet.decide(wallet.propose(opened.request), { approve: true }),
      { fetch },
    );
    const answer = exchanged.find((e) => e.url.endsWith(`/responses/${sessionId}`))!;
    const vpToken = JSON.parse(new URLSearchParams(answer.sent).get('vp_token')!);
    for (const presented of stringsIn(vpToken))
      for (const f of fragmentsOf(presented)) plant('vp_token fragment', f);
    const responseCode = new URL(redirectUri!).hash.slice('#response_code='.length);
    plant('response code', responseCode);
    const result = await (
      await loopbackFetch(`${s.verifierUrl}/results/${sessionId}?response_code=${responseCode}`)
    ).json();
    expect(result).toMatchObject({
      status: 'answered',
      result: { verified: true, claims: { case_number: claims.case_number } },
    });
    const { json: view } = await operator(s.verifierUrl, 'GET', `/sessions/${sessionId}`);
    expect(view).toMatchObject({ result: { verified: true } });

    // A malformed answer to a second session, and a wrong response code in a query string.
    const { json: other } = await operator(s.verifierUrl, 'POST', '/sessions', {
      preset: 'over-18',
      response_mode: 'direct_post',
    });
    const garbage = unique('Garbagepresentation');
    plant('malformed vp_token', garbage);
    const refused = await loopbackFetch(`${s.verifierUrl}/responses/${String(other.session_id)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        vp_token: JSON.stringify({ q: [`${garbage}~${garbage}~`] }),
      }).toString(),
    });
    expect(refused.status).toBe(400);
    const wrongCode = unique('Wrongresponsecode');
    plant('query string', wrongCode);
    expect(
      (await loopbackFetch(`${s.verifierUrl}/results/${sessionId}?response_code=${wrongCode}`))
        .status,
    ).toBe(404);

    // The logs were written (the run is not vacuous) ...
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const routes = new Set(
      parsed
        .filter((l) => l.msg === 'request')
        .map((l) => `${l.service} ${l.method} ${l.route} ${l.status}`),
    );
    for (const expected of [
      'issuer POST /token 400',
      'issuer POST /token 200',
      'issuer POST /nonce 200',
      'issuer POST /credential 200',
      'verifier GET /requests/:id 200',
      'verifier POST /responses/:id 200',
      'verifier POST /responses/:id 400',
      'verifier GET /results/:id 200',
      'verifier GET /results/:id 404',
      'verifier GET /operator/sessions/:id 200',
    ]) {
      expect(routes, expected).toContain(expected);
    }
    expect(
      parsed.some(
        (l) =>
          l.service === 'verifier' &&
          typeof l.msg === 'string' &&
          l.msg.includes(': verified') &&
          typeof l.req_id === 'string',
      ),
    ).toBe(true);
    // ... and hold none of the sentinels.
    const all = lines.join('\n');
    const found = [...sentinels].filter(([value]) => all.includes(value)).map(([, what]) => what);
    expect(found).toEqual([]);
    expect(sentinels.size).toBeGreaterThan(15);
  });
});
