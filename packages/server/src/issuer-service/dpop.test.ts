/**
 * DPoP (RFC 9449) at the issuer service, in process (`app.request`): a wallet's proof binds the
 * access token to its key; the token alone, or with another key's proof, gets nothing; a proof
 * is good once (its server nonce is spent); a proof without a nonce is answered with one and
 * costs no PIN attempt; `requireDpop` refuses Bearer token requests. [HAIP; RFC 9449 sections 4, 7, 8, 9, 11.1]
 */
import {
  decodeJwt,
  generateKeyPair,
  type JWK,
  type KeyPair,
  sha256,
  signerFromJwk,
  signJwt,
  toBase64url,
  utf8,
} from '@sanad/core';
import { describe, expect, it } from 'vitest';
import { createMemoryServiceStore } from '../store/service-store.js';
import { createIssuerService } from './issuer-service.js';
import {
  AMAL,
  BASE_URL,
  keyProof,
  PRE_AUTHORIZED_GRANT,
  preAuthorizedCode,
  testIssuer,
  wrongPin,
} from './testing.js';

const OPERATOR_TOKEN = 'operator-token-for-dpop-tests-0123456789';
const SD_JWT = 'refugee-status.sd-jwt';

async function dpopProof(
  key: KeyPair,
  htm: string,
  htu: string,
  extra: { nonce?: string; accessToken?: string; iat?: number } = {},
): Promise<string> {
  return signJwt(
    await signerFromJwk(key.privateJwk),
    { typ: 'dpop+jwt', jwk: key.publicJwk as JWK },
    {
      htm,
      htu,
      iat: extra.iat ?? Math.floor(Date.now() / 1000),
      jti: toBase64url(crypto.getRandomValues(new Uint8Array(16))),
      ...(extra.nonce !== undefined ? { nonce: extra.nonce } : {}),
      ...(extra.accessToken !== undefined
        ? { ath: toBase64url(sha256(utf8(extra.accessToken))) }
        : {}),
    },
  );
}

async function service(options: { requireDpop?: boolean } = {}) {
  const { app } = createIssuerService({
    issuer: await testIssuer(),
    store: createMemoryServiceStore(),
    baseUrl: BASE_URL,
    operatorToken: OPERATOR_TOKEN,
    log: () => undefined,
    ...options,
  });
  const post = (path: string, headers: Record<string, string>, body: string) =>
    app.request(`${BASE_URL}${path}`, { method: 'POST', headers, body });
  const offer = async (txCode = false) => {
    const r = await post(
      '/operator/offers',
      { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' },
      JSON.stringify({ type: 'refugee-status', claims: AMAL, tx_code: txCode }),
    );
    const created = (await r.json()) as { offer_link: string; tx_code?: string };
    return { code: preAuthorizedCode(created.offer_link), txCode: created.tx_code };
  };
  const token = (code: string, headers: Record<string, string> = {}, txCode?: string) =>
    post(
      '/token',
      { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      new URLSearchParams({
        grant_type: PRE_AUTHORIZED_GRANT,
        'pre-authorized_code': code,
        ...(txCode !== undefined ? { tx_code: txCode } : {}),
      }).toString(),
    );
  /** A server nonce, as a wallet first learns it: from a refused proof without one. */
  const serverNonce = async (key: KeyPair, code: string) => {
    const r = await token(code, { DPoP: await dpopProof(key, 'POST', `${BASE_URL}/token`) });
    expect(r.status).toBe(400);
    expect(await r.json()).toMatchObject({
      error: 'use_dpop_nonce',
      sanad_code: 'ERR_DPOP_NONCE_REQUIRED',
    });
    return r.headers.get('dpop-nonce')!;
  };
  const cNonce = async () =>
    ((await (await post('/nonce', {}, '')).json()) as { c_nonce: string }).c_nonce;
  const credential = async (headers: Record<string, string>) =>
    post(
      '/credential',
      { 'content-type': 'application/json', ...headers },
      JSON.stringify({
        credential_configuration_id: SD_JWT,
        proofs: { jwt: [await keyProof(await cNonce())] },
      }),
    );
  return { post, offer, token, serverNonce, credential };
}

/** A DPoP-bound access token for `key`, and the nonce for the next request. */
async function boundToken(s: Awaited<ReturnType<typeof service>>, key: KeyPair) {
  const { code } = await s.offer();
  const nonce = await s.serverNonce(key, code);
  const r = await s.token(code, {
    DPoP: await dpopProof(key, 'POST', `${BASE_URL}/token`, { nonce }),
  });
  expect(r.status).toBe(200);
  const body = (await r.json()) as { access_token: string; token_type: string };
  return { ...body, nonce: r.headers.get('dpop-nonce')! };
}

describe('DPoP at the issuer service', () => {
  it('advertises DPoP and binds the token to the proof key (token_type DPoP, cnf.jkt)', async () => {
    const s = await service();
    const key = await generateKeyPair();
    const { access_token, token_type, nonce } = await boundToken(s, key);
    expect(token_type).toBe('DPoP');
    expect(decodeJwt(access_token).payload.cnf).toMatchObject({ jkt: expect.any(String) });
    expect(nonce).toEqual(expect.any(String));
    const issued = await s.credential({
      authorization: `DPoP ${access_token}`,
      DPoP: await dpopProof(key, 'POST', `${BASE_URL}/credential`, {
        nonce,
        accessToken: access_token,
      }),
    });
    expect(issued.status).toBe(200);
    expect(((await issued.json()) as { credentials: unknown[] }).credentials).toHaveLength(1);
  });

  it('refuses a stolen token: alone, as Bearer, or with a proof by another key', async () => {
    const s = await service();
    const key = await generateKeyPair();
    const thief = await generateKeyPair();
    const { access_token, nonce } = await boundToken(s, key);
    const refusals = [
      await s.credential({ authorization: `DPoP ${access_token}` }),
      await s.credential({ authorization: `Bearer ${access_token}` }),
      await s.credential({
        authorization: `DPoP ${access_token}`,
        DPoP: await dpopProof(thief, 'POST', `${BASE_URL}/credential`, {
          nonce,
          accessToken: access_token,
        }),
      }),
    ];
    for (const r of refusals) {
      expect(r.status).toBe(401);
      expect(await r.json()).toMatchObject({ sanad_code: 'ERR_DPOP_PROOF_INVALID' });
    }
    // The thief's attempts did not spend the token: its holder still gets the credential,
    // after one round for a fresh nonce (the thief's proof spent the one before).
    const retry = await s.credential({
      authorization: `DPoP ${access_token}`,
      DPoP: await dpopProof(key, 'POST', `${BASE_URL}/credential`, {
        nonce,
        accessToken: access_token,
      }),
    });
    expect(retry.status).toBe(401);
    expect(await retry.json()).toMatchObject({ sanad_code: 'ERR_DPOP_NONCE_REQUIRED' });
    const next = retry.headers.get('dpop-nonce')!;
    expect(retry.headers.get('www-authenticate')).toMatch(/^DPoP error="use_dpop_nonce"/);
    const ok = await s.credential({
      authorization: `DPoP ${access_token}`,
      DPoP: await dpopProof(key, 'POST', `${BASE_URL}/credential`, {
        nonce: next,
        accessToken: access_token,
      }),
    });
    expect(ok.status).toBe(200);
  });

  it('refuses a replayed proof, a proof for another URL and a stale one', async () => {
    const s = await service();
    const key = await generateKeyPair();
    const { code } = await s.offer();
    const nonce = await s.serverNonce(key, code);
    const proof = await dpopProof(key, 'POST', `${BASE_URL}/token`, { nonce });
    expect((await s.token(code, { DPoP: proof })).status).toBe(200);
    // The same proof again (for another offer, so only the proof is reused): its nonce is spent.
    const other = await s.offer();
    const replay = await s.token(other.code, { DPoP: proof });
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ sanad_code: 'ERR_DPOP_NONCE_REQUIRED' });
    const n2 = replay.headers.get('dpop-nonce')!;
    const elsewhere = await s.token(other.code, {
      DPoP: await dpopProof(key, 'POST', 'https://elsewhere.example/token', { nonce: n2 }),
    });
    expect(await elsewhere.json()).toMatchObject({ sanad_code: 'ERR_DPOP_PROOF_INVALID' });
    const stale = await s.token(other.code, {
      DPoP: await dpopProof(key, 'POST', `${BASE_URL}/token`, {
        nonce: await s.serverNonce(key, other.code),
        iat: Math.floor(Date.now() / 1000) - 3600,
      }),
    });
    expect(await stale.json()).toMatchObject({ sanad_code: 'ERR_DPOP_PROOF_INVALID' });
    // None of that spent the offer: a good proof still redeems it.
    const good = await s.token(other.code, {
      DPoP: await dpopProof(key, 'POST', `${BASE_URL}/token`, {
        nonce: await s.serverNonce(key, other.code),
      }),
    });
    expect(good.status).toBe(200);
  });

  it('asks for a nonce before it checks the PIN: no attempt is spent', async () => {
    const s = await service();
    const key = await generateKeyPair();
    const { code, txCode } = await s.offer(true);
    for (let i = 0; i < 6; i++) await s.serverNonce(key, code);
    const wrong = await s.token(
      code,
      {
        DPoP: await dpopProof(key, 'POST', `${BASE_URL}/token`, {
          nonce: await s.serverNonce(key, code),
        }),
      },
      wrongPin(txCode!),
    );
    expect(await wrong.json()).toMatchObject({
      sanad_code: 'ERR_TX_CODE_INVALID',
      sanad_attempts_left: 4,
    });
  });

  it('with requireDpop, refuses a token request without a proof', async () => {
    const s = await service({ requireDpop: true });
    const { code } = await s.offer();
    const bearer = await s.token(code);
    expect(bearer.status).toBe(400);
    expect(await bearer.json()).toMatchObject({
      error: 'invalid_dpop_proof',
      sanad_code: 'ERR_DPOP_REQUIRED',
    });
    const key: KeyPair = await generateKeyPair();
    expect((await boundToken(s, key)).token_type).toBe('DPoP');
  });
});
