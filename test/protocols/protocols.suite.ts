/**
 * OpenID4VCI and OpenID4VP end to end over real HTTP on loopback: the same suite runs on every
 * storage backend (SQLite, PostgreSQL).
 */
import { parseOpenid4vpAuthorizationRequest } from '@openid4vc/openid4vp';
import { decodeJwt } from '@sanad/core';
import { refugeeStatusType } from '@sanad/issuer';
import { DcqlQuery } from 'dcql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amal } from '../support/fixtures.js';
import {
  loopbackFetch as fetchOpt,
  newWallet,
  operator,
  type Services,
  type Stores,
  startServices,
} from '../support/services.js';

const fetch = fetchOpt;
const opts = { fetch };

async function offer(
  s: Services,
  body: Record<string, unknown> = {},
): Promise<{ uri: string; pin: string; id: string }> {
  const { status, json } = await operator(s.issuerUrl, 'POST', '/offers', {
    type: 'refugee-status',
    claims: amal,
    ...body,
  });
  expect(status).toBe(201);
  return {
    uri: String(json.offer_link),
    pin: String(json.tx_code),
    id: String(json.offer_id),
  };
}

async function session(
  s: Services,
  body: Record<string, unknown> = {},
): Promise<{ id: string; uri: string }> {
  const { status, json } = await operator(s.verifierUrl, 'POST', '/sessions', {
    preset: 'over-18',
    ...body,
  });
  expect(status).toBe(201);
  return { id: String(json.session_id), uri: String(json.authorization_request) };
}

const postToken = (s: Services, form: Record<string, string>) =>
  fetch(`${s.issuerUrl}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });

const preAuthorizedCodeOf = (offerUri: string): string => {
  const offerJson = JSON.parse(new URL(offerUri).searchParams.get('credential_offer')!);
  return offerJson.grants['urn:ietf:params:oauth:grant-type:pre-authorized_code'][
    'pre-authorized_code'
  ];
};

export function describeProtocols(name: string, openStores: () => Promise<Stores>): void {
  describe(`OpenID4VCI + OpenID4VP over HTTP (${name})`, () => {
    let s: Services;
    beforeAll(async () => {
      s = await startServices(await openStores());
    });
    afterAll(() => s.close());

    it('issues a batch with a pre-authorized code and a PIN, one fresh key per copy', async () => {
      const o = await offer(s);
      expect(o.pin).toMatch(/^\d{6}$/);
      expect(o.uri).toMatch(/^openid-credential-offer:\/\/\?credential_offer=/);
      // The PIN travels out of band: it is not in the offer.
      expect(o.uri).not.toContain(o.pin);
      const wallet = await newWallet();
      const card = await wallet.receive(o.uri, {
        ...opts,
        txCode: async (prompt) => (expect(prompt.length).toBe(6), o.pin),
        copies: 3,
      });
      expect(card).toMatchObject({ copies: 3, name: 'Refugee status', issuer: s.issuerDid });
      const details = wallet.show(card.id);
      expect(details.claims.map((c) => c.label)).toContain('Over 18');
      // The copies are bound to three different keys and sit in the register under the offer id.
      const records = await s.issuer.listCredentials();
      expect(records.filter((r) => r.batchId === o.id)).toHaveLength(3);
    });

    it('issues VC-JWT copies too, each bound to its own did:key', async () => {
      const o = await offer(s, { format: 'jwt_vc_json' });
      const wallet = await newWallet();
      const card = await wallet.receive(o.uri, { ...opts, txCode: async () => o.pin, copies: 2 });
      expect(card).toMatchObject({ format: 'jwt_vc_json', copies: 2, issuer: s.issuerDid });
      const records = (await s.issuer.listCredentials()).filter((r) => r.batchId === o.id);
      expect(records.map((r) => r.format)).toEqual(['jwt_vc_json', 'jwt_vc_json']);
    });

    it('serves metadata a wallet from another vendor can read', async () => {
      const meta = await (
        await fetch(`${s.issuerUrl}/.well-known/openid-credential-issuer`)
      ).json();
      expect(meta).toMatchObject({
        credential_issuer: s.issuerUrl,
        nonce_endpoint: `${s.issuerUrl}/nonce`,
        batch_credential_issuance: { batch_size: 10 },
      });
      expect(meta.credential_configurations_supported['refugee-status.sd-jwt']).toMatchObject({
        format: 'dc+sd-jwt',
        vct: refugeeStatusType.definition.vct,
      });
      // The credentials' iss is the DID: no JWT VC Issuer Metadata names another issuer (test/protocols/https-issuer.test.ts).
      const jwtVcIssuer = await fetch(`${s.issuerUrl}/.well-known/jwt-vc-issuer`);
      expect(jwtVcIssuer.status).toBe(404);
      expect(await jwtVcIssuer.json()).toMatchObject({ sanad_code: 'ERR_NOT_FOUND' });
      expect(await (await fetch(`${s.issuerUrl}/healthz`)).json()).toEqual({ status: 'ok' });
      expect(await (await fetch(`${s.verifierUrl}/healthz`)).json()).toEqual({ status: 'ok' });
      const as = await (
        await fetch(`${s.issuerUrl}/.well-known/oauth-authorization-server`)
      ).json();
      expect(as['pre-authorized_grant_anonymous_access_supported']).toBe(true);
      // RFC 8414 section 2: REQUIRED; this server has no authorization endpoint, so it lists none.
      expect(as).toMatchObject({
        issuer: s.issuerUrl,
        token_endpoint: `${s.issuerUrl}/token`,
        response_types_supported: [],
      });
      expect(as.authorization_endpoint).toBeUndefined();
    });

    it('keeps the operator API closed without the bearer token', async () => {
      expect(
        (
          await operator(
            s.issuerUrl,
            'POST',
            '/offers',
            { type: 'refugee-status', claims: amal },
            'wrong-token',
          )
        ).status,
      ).toBe(401);
      const bare = await fetch(`${s.issuerUrl}/operator/offers`, { method: 'POST' });
      expect(bare.status).toBe(401);
      expect(await bare.json()).toMatchObject({ error: 'invalid_token' });
      expect(
        (await operator(s.verifierUrl, 'POST', '/sessions', { preset: 'over-18' }, 'x'.repeat(40)))
          .status,
      ).toBe(401);
    });

    it('refuses an expired offer  [OpenID4VCI 1.0 section 13.6 (pre-authorized code lifetime)]', async () => {
      const o = await offer(s, { ttl_seconds: 60 });
      s.shiftClock(120);
      try {
        await expect(
          (await newWallet()).receive(o.uri, { ...opts, txCode: async () => o.pin }),
        ).rejects.toMatchObject({ code: 'ERR_OFFER_EXPIRED' });
      } finally {
        s.shiftClock(0);
      }
    });

    it('counts wrong PINs and locks the offer, even for the right PIN afterwards  [OpenID4VCI 1.0 section 13.6.2 (transaction code brute force)]', async () => {
      const o = await offer(s);
      const code = preAuthorizedCodeOf(o.uri);
      const wrong = o.pin === '000000' ? '111111' : '000000';
      for (let i = 1; i <= 4; i += 1) {
        const r = await postToken(s, {
          grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code',
          'pre-authorized_code': code,
          tx_code: wrong,
        });
        expect(r.status).toBe(400);
        expect(await r.json()).toMatchObject({
          error: 'invalid_grant',
          sanad_code: 'ERR_TX_CODE_INVALID',
          sanad_attempts_left: 5 - i,
        });
      }
      await expect(
        (await newWallet()).receive(o.uri, { ...opts, txCode: async () => wrong }),
      ).rejects.toMatchObject({ code: 'ERR_OFFER_LOCKED' });
      await expect(
        (await newWallet()).receive(o.uri, { ...opts, txCode: async () => o.pin }),
      ).rejects.toMatchObject({ code: 'ERR_OFFER_LOCKED' });
    });

    it('lets a pre-authorized code be redeemed once  [OpenID4VCI 1.0 section 13.6.1 (replay of the pre-authorized code); RFC 6749 section 4.1.2]', async () => {
      const o = await offer(s);
      const form = {
        grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code',
        'pre-authorized_code': preAuthorizedCodeOf(o.uri),
        tx_code: o.pin,
      };
      const [a, b] = await Promise.all([postToken(s, form), postToken(s, form)]);
      expect([a.status, b.status].sort()).toEqual([200, 400]);
      const again = await postToken(s, form);
      expect(again.status).toBe(400);
      expect(await again.json()).toMatchObject({ error: 'invalid_grant' });
      expect(JSON.stringify(await (a.status === 200 ? a : b).json())).toMatch(
        /"token_type":"Bearer"/,
      );
    });

    it('answers garbage with OAuth errors, never a stack trace  [RFC 6749 section 5.2; CWE-209]', async () => {
      const responses = await Promise.all([
        fetch(`${s.issuerUrl}/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{not json',
        }),
        postToken(s, { grant_type: 'password', username: 'x' }),
        fetch(`${s.issuerUrl}/credential`, {
          method: 'POST',
          headers: { authorization: 'Bearer abc.def.ghi', 'content-type': 'application/json' },
          body: '{}',
        }),
        fetch(`${s.verifierUrl}/responses/nope`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'vp_token=x',
        }),
        fetch(`${s.verifierUrl}/requests/nope`),
      ]);
      // In-process: over a socket the server may close before the client has finished sending.
      const huge = await s.verifierService.app.fetch(
        new Request(`${s.verifierUrl}/responses/x`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `vp_token=${'a'.repeat(300 * 1024)}`,
        }),
      );
      expect(huge.status).toBe(413);
      expect(await huge.json()).toMatchObject({ error: 'invalid_request' });
      for (const r of responses) {
        expect(r.status).toBeGreaterThanOrEqual(400);
        expect(r.status).toBeLessThan(500);
        const text = await r.text();
        expect(JSON.parse(text).error).toEqual(expect.any(String));
        expect(text).not.toMatch(/at .*\.ts:\d+|node_modules/);
      }
    });

    async function holderWithCredential() {
      const o = await offer(s);
      const wallet = await newWallet();
      const card = await wallet.receive(o.uri, { ...opts, txCode: async () => o.pin, copies: 2 });
      return { wallet, card, offerId: o.id };
    }

    it('presents cross-device with an encrypted response (direct_post.jwt) and returns only the requested claim', async () => {
      const { wallet } = await holderWithCredential();
      const { id, uri } = await session(s);
      // What a wallet from another vendor sees: a signed request by reference.
      const parsed = parseOpenid4vpAuthorizationRequest({ authorizationRequest: uri });
      expect(parsed).toMatchObject({
        type: 'jar',
        params: { request_uri: `${s.verifierUrl}/requests/${id}` },
      });
      const requestObject = await (await fetch(`${s.verifierUrl}/requests/${id}`)).text();
      const { header, payload } = decodeJwt(requestObject);
      expect(header.typ).toBe('oauth-authz-req+jwt');
      expect(payload).toMatchObject({
        response_mode: 'direct_post.jwt',
        client_id: s.verifierService.clientId,
      });
      expect(() =>
        DcqlQuery.validate(DcqlQuery.parse(payload.dcql_query as DcqlQuery.Input)),
      ).not.toThrow();

      const opened = await wallet.openRequest(uri, opts);
      expect(opened.clientIdPrefix).toBe('decentralized_identifier');
      const proposal = wallet.propose(opened.request);
      expect(proposal.summary.join('\n')).toContain('Al Noor Clinic');
      expect(proposal.items[0]!.withheld).toContain('Case number');
      const outcome = await wallet.respond(
        opened,
        wallet.decide(proposal, { approve: true }),
        opts,
      );
      expect(outcome).toEqual({ shared: true });
      const { json } = await operator(s.verifierUrl, 'GET', `/sessions/${id}`);
      expect(json).toMatchObject({
        status: 'answered',
        result: {
          verified: true,
          claims: { age_over_18: true },
          status: 'valid',
          issuer: s.issuerDid,
        },
      });
      expect(Object.keys((json.result as { claims: object }).claims)).toEqual(['age_over_18']);
    });

    it('presents same-device (direct_post): the wallet is sent back with a response code that reads the result', async () => {
      const { wallet } = await holderWithCredential();
      const { id, uri } = await session(s, {
        preset: 'registered-refugee',
        response_mode: 'direct_post',
        redirect_uri: 'https://clinic.example/done',
      });
      const opened = await wallet.openRequest(uri, opts);
      const { redirectUri } = await wallet.respond(
        opened,
        wallet.decide(wallet.propose(opened.request), { approve: true }),
        opts,
      );
      expect(redirectUri).toMatch(/^https:\/\/clinic\.example\/done#response_code=/);
      const code = new URL(redirectUri!).hash.slice('#response_code='.length);
      expect((await fetch(`${s.verifierUrl}/results/${id}?response_code=wrong`)).status).toBe(404);
      const result = await (
        await fetch(`${s.verifierUrl}/results/${id}?response_code=${code}`)
      ).json();
      expect(result).toMatchObject({
        status: 'answered',
        result: { verified: true, claims: { case_number: amal.case_number } },
      });
    });

    it('refuses a replayed response, a reused nonce, a wrong state and a response sent to another response_uri  [OpenID4VP 1.0 sections 14.1 (replay), 14.3 (state), 8.2 (response_uri binding)]', async () => {
      const { wallet } = await holderWithCredential();
      const first = await session(s, { response_mode: 'direct_post' });
      const opened = await wallet.openRequest(first.uri, opts);
      const response = await wallet.present(
        wallet.decide(wallet.propose(opened.request), { approve: true }),
      );
      const state = String(opened.authorizationRequest.state);
      const post = (sessionId: string, form: Record<string, string>) =>
        fetch(`${s.verifierUrl}/responses/${sessionId}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(form).toString(),
        });
      const form = { vp_token: JSON.stringify(response.vp_token), state };

      // State mismatch first (the session stays open).
      const badState = await post(first.id, { ...form, state: 'not-the-state' });
      expect(badState.status).toBe(400);
      expect(await badState.json()).toMatchObject({ error: 'invalid_request' });

      // The right answer to the wrong response_uri: another session's nonce and state differ.
      const second = await session(s, { response_mode: 'direct_post' });
      await post(second.id, form);
      expect(
        (await operator(s.verifierUrl, 'GET', `/sessions/${second.id}`)).json,
      ).not.toMatchObject({ result: { verified: true } });

      expect((await post(first.id, form)).status).toBe(200);
      expect((await operator(s.verifierUrl, 'GET', `/sessions/${first.id}`)).json).toMatchObject({
        result: { verified: true },
      });
      // Replayed to the same response_uri: the session was answered.
      const replay = await post(first.id, form);
      expect(replay.status).toBe(400);
      // And the presentation's nonce is spent for every session.
      const consumed = await s.verifierService.sessionResult(first.id);
      expect(consumed.result?.verified).toBe(true);
    });

    it('answers only signed requests, and never fetches a request_uri on an internal address  [OpenID4VP 1.0 section 5.10 / RFC 9101 section 10.4 (request_uri SSRF)]', async () => {
      const wallet = await newWallet();
      const unsigned = `openid4vp://?${new URLSearchParams({ response_type: 'vp_token', client_id: 'redirect_uri:https://clinic.example/cb', response_mode: 'direct_post', response_uri: 'https://clinic.example/cb', nonce: 'n'.repeat(22), dcql_query: JSON.stringify({ credentials: [{ id: 'q', format: 'dc+sd-jwt', meta: { vct_values: ['x'] }, claims: [{ path: ['age_over_18'] }] }] }) })}`;
      await expect(wallet.openRequest(unsigned, opts)).rejects.toMatchObject({
        code: 'ERR_REQUEST_INVALID',
      });
      const { uri } = await session(s);
      const internal = uri.replace(
        /request_uri=[^&]+/,
        `request_uri=${encodeURIComponent('https://127.0.0.1/requests/x')}`,
      );
      // The default fetch of a wallet: https only, no internal addresses.
      await expect(wallet.openRequest(internal)).rejects.toMatchObject({
        code: 'ERR_FETCH_URL_FORBIDDEN',
      });
    });

    it('refuses a direct_post answer where direct_post.jwt (encrypted) was asked  [OpenID4VP 1.0 section 8.3 (response mode downgrade)]', async () => {
      const { wallet } = await holderWithCredential();
      const { id, uri } = await session(s);
      const opened = await wallet.openRequest(uri, opts);
      const response = await wallet.present(
        wallet.decide(wallet.propose(opened.request), { approve: true }),
      );
      const r = await fetch(`${s.verifierUrl}/responses/${id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          vp_token: JSON.stringify(response.vp_token),
          state: String(opened.authorizationRequest.state),
        }).toString(),
      });
      expect(r.status).toBe(400);
      expect((await operator(s.verifierUrl, 'GET', `/sessions/${id}`)).json).toMatchObject({
        status: 'pending',
      });
    });

    it("notes the holder's decline for the desk, shares nothing, and still takes an answer (a bystander can decline too)", async () => {
      const { wallet } = await holderWithCredential();
      const { id, uri } = await session(s, { preset: 'registered-refugee' });
      const opened = await wallet.openRequest(uri, opts);
      const outcome = await wallet.respond(
        opened,
        wallet.decide(wallet.propose(opened.request), { approve: false }),
        opts,
      );
      expect(outcome).toEqual({ shared: false });
      const { json } = await operator(s.verifierUrl, 'GET', `/sessions/${id}`);
      expect(json).toMatchObject({
        status: 'pending',
        outcome: 'pending',
        declined: { error: 'access_denied' },
      });
      expect(json).not.toHaveProperty('result');
      expect(wallet.history()).toHaveLength(0);
      const again = await wallet.openRequest(uri, opts);
      await wallet.respond(
        again,
        wallet.decide(wallet.propose(again.request), { approve: true }),
        opts,
      );
      expect((await operator(s.verifierUrl, 'GET', `/sessions/${id}`)).json).toMatchObject({
        status: 'answered',
        outcome: 'valid',
      });
    });

    it('sees a revocation made through the operator API', async () => {
      const { wallet, offerId } = await holderWithCredential();
      const revoked = await operator(s.issuerUrl, 'POST', `/credentials/${offerId}/revoke`);
      expect(revoked.status).toBe(200);
      expect((revoked.json.changed as unknown[]).length).toBe(2);
      const { id, uri } = await session(s);
      const opened = await wallet.openRequest(uri, opts);
      // Refused, not recorded: the session waits for a verified answer and tells the desk why it refused this one.
      await expect(
        wallet.respond(
          opened,
          wallet.decide(wallet.propose(opened.request), { approve: true }),
          opts,
        ),
      ).rejects.toMatchObject({ code: 'ERR_PROTOCOL' });
      const { json } = await operator(s.verifierUrl, 'GET', `/sessions/${id}`);
      expect(json).toMatchObject({
        status: 'pending',
        outcome: 'pending',
        refusedAnswers: 1,
        lastRefusal: { code: 'ERR_STATUS_REVOKED', outcome: 'revoked' },
      });
      expect(json).not.toHaveProperty('result');
    });

    it('forgets a session once its retention time has passed', async () => {
      const { wallet } = await holderWithCredential();
      const { id, uri } = await session(s);
      const opened = await wallet.openRequest(uri, opts);
      await wallet.respond(
        opened,
        wallet.decide(wallet.propose(opened.request), { approve: true }),
        opts,
      );
      expect(await s.dumpServiceStore()).toContain(id);
      s.shiftClock(301);
      try {
        const gone = await operator(s.verifierUrl, 'GET', `/sessions/${id}`);
        expect(gone.status).toBe(400);
        expect(gone.json).toMatchObject({ sanad_code: 'ERR_SESSION_NOT_FOUND' });
      } finally {
        s.shiftClock(0);
      }
      // The purge deletes it from the database, not only from view.
      await s.purgeServiceStore(Math.floor(Date.now() / 1000) + 301);
      expect(await s.dumpServiceStore()).not.toContain(id);
    });

    it('keeps claim values only sealed while an offer waits, and none after issuance', async () => {
      const sentinel = 'SENTINEL-CASE-7731';
      const o = await offer(s, { claims: { ...amal, case_number: sentinel } });
      const waiting = await s.dumpServiceStore();
      expect(waiting).toContain(o.id);
      expect(waiting).not.toContain(sentinel);
      expect(waiting).not.toContain(preAuthorizedCodeOf(o.uri));
      expect(waiting).not.toContain(`"${o.pin}"`);
      await (await newWallet()).receive(o.uri, { ...opts, txCode: async () => o.pin });
      const after = await s.dumpServiceStore();
      expect(after).not.toContain(sentinel);
      expect(after).not.toContain(o.id);
    });
  });
}
