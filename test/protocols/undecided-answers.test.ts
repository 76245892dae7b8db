/**
 * Issue 14, why 5, at the verifier service over real loopback HTTP: an answer that reaches no
 * verdict does not end the session. When the credential's status cannot be fetched, the wallet
 * is told to retry (503, `sanad_code: ERR_STATUS_UNAVAILABLE`), the desk sees that the status
 * could not be checked yet, and the same answer posted again once the status server is back is
 * accepted once. Something that is not a presentation at all (the desk scanned the wrong code)
 * is refused as such and the session stays open for the right one.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createGuardedFetch,
  didKeyFromJwk,
  didKeyMultibase,
  encodeOfflinePresentation,
  generateKeyPair,
  signerFromJwk,
} from '@sanad/core';
import {
  createIssuer,
  createMemoryIssuerStore,
  type Issuer,
  refugeeStatusType,
} from '@sanad/issuer';
import {
  createVerifierService,
  listen,
  openSqliteServiceStore,
  type ServiceStore,
  serviceNonceStore,
  standardPresets,
} from '@sanad/server';
import { createVerifier } from '@sanad/verifier';
import {
  createMemoryStorage,
  createWallet,
  submitPresentationResponse,
  type Wallet,
} from '@sanad/wallet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amal, LOW_COST_WALLET, trustFor } from '../support/fixtures.js';
import { loopbackFetch, OPERATOR_TOKEN, operator, TEST_DEFENCES } from '../support/services.js';

const opts = { fetch: loopbackFetch };
const dir = mkdtempSync(join(tmpdir(), 'sanad-undecided-'));
let statusServer: Server;
let statusUp = true;
let issuer: Issuer;
let wallet: Wallet;
let verifierUrl: string;
let closeVerifier: () => Promise<void>;
let store: ServiceStore;

beforeAll(async () => {
  statusServer = createServer(async (req, res) => {
    if (!statusUp) return void res.writeHead(503).end();
    const list = (await issuer.publishStatusLists()).find(
      (l) => new URL(l.uri).pathname === req.url,
    );
    if (!list) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/statuslist+jwt' }).end(list.token);
  });
  await new Promise<void>((resolve) => statusServer.listen(0, '127.0.0.1', resolve));
  const keys = await generateKeyPair('ES256');
  const did = didKeyFromJwk(keys.publicJwk);
  issuer = await createIssuer({
    store: createMemoryIssuerStore(),
    signer: await signerFromJwk(keys.privateJwk),
    issuerId: did,
    kid: `${did}#${didKeyMultibase(did)}`,
    statusBaseUrl: `http://127.0.0.1:${(statusServer.address() as AddressInfo).port}/status`,
    types: [refugeeStatusType],
    statusListTtlSeconds: 60,
  });
  wallet = await createWallet(
    createMemoryStorage(),
    'correct horse battery staple',
    LOW_COST_WALLET,
  );
  await wallet.import(
    (
      await issuer.issue({
        type: 'refugee-status',
        claims: amal,
        holders: await wallet.createHolderKeys(8),
      })
    ).bundle,
  );

  store = openSqliteServiceStore(join(dir, 'service.sqlite'));
  // A verifier with a nonce store of its own: sessions keep "answered once" themselves and must not be refused by it.
  const verifier = createVerifier({
    trustList: trustFor({ did }),
    // A revocation in the test must show at the next check, within the list's ttl.
    statusListReuseSeconds: 0,
    nonceStore: serviceNonceStore(store),
    fetch: createGuardedFetch({ allowInsecure: true }),
  });
  let handler: (r: Request) => Response | Promise<Response> = () =>
    new Response(null, { status: 503 });
  const server = await listen((r) => handler(r));
  const service = await createVerifierService({
    verifier,
    store,
    baseUrl: server.url,
    signer: await signerFromJwk((await generateKeyPair('ES256')).privateJwk),
    verifierName: 'Al Noor Clinic',
    presets: standardPresets(refugeeStatusType.definition.vct),
    operatorToken: OPERATOR_TOKEN,
    log: () => undefined,
    defences: TEST_DEFENCES,
  });
  handler = (r) => service.app.fetch(r);
  verifierUrl = server.url;
  closeVerifier = async () => {
    await server.close();
    await store.close();
  };
});

afterAll(async () => {
  await closeVerifier();
  statusServer.closeAllConnections();
  await new Promise((resolve) => statusServer.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

async function session(body: Record<string, unknown> = {}): Promise<{ id: string; uri: string }> {
  const { status, json } = await operator(verifierUrl, 'POST', '/sessions', {
    preset: 'over-18',
    ...body,
  });
  expect(status).toBe(201);
  return { id: String(json.session_id), uri: String(json.authorization_request) };
}

const read = async (id: string) => (await operator(verifierUrl, 'GET', `/sessions/${id}`)).json;

describe('an answer whose status cannot be checked leaves the session open (issue 14, why 5)', () => {
  it('encrypted direct_post.jwt from the wallet: told to retry, the desk sees it, the same answer is accepted once when the status is back', async () => {
    const { id, uri } = await session();
    const opened = await wallet.openRequest(uri, opts);
    const response = await wallet.present(
      wallet.decide(wallet.propose(opened.request), { approve: true }),
    );

    statusUp = false;
    await expect(submitPresentationResponse(opened, response, opts)).rejects.toMatchObject({
      code: 'ERR_STATUS_UNAVAILABLE',
    });
    const waiting = await read(id);
    expect(waiting).toMatchObject({
      status: 'pending',
      outcome: 'pending',
      statusUnavailable: { at: expect.any(Number), errors: [{ code: 'ERR_STATUS_UNAVAILABLE' }] },
    });
    expect(waiting.result).toBeUndefined();
    // The request can still be fetched, and the answer sent again while the server is still down.
    expect(
      (
        await fetch(
          new URL(uri.replace('openid4vp://?', 'https://x/?')).searchParams.get('request_uri')!,
        )
      ).status,
    ).toBe(200);
    await expect(submitPresentationResponse(opened, response, opts)).rejects.toMatchObject({
      code: 'ERR_STATUS_UNAVAILABLE',
    });

    statusUp = true;
    await submitPresentationResponse(opened, response, opts);
    const done = await read(id);
    expect(done).toMatchObject({
      status: 'answered',
      outcome: 'valid',
      result: { verified: true, claims: { age_over_18: true } },
    });
    expect(done.statusUnavailable).toBeUndefined();
    await expect(submitPresentationResponse(opened, response, opts)).rejects.toMatchObject({
      code: 'ERR_REQUEST_USED',
    });
  });

  it('plain direct_post: 503 temporarily_unavailable with sanad_code, then 200 for the same form, then 400', async () => {
    const { id, uri } = await session({ response_mode: 'direct_post' });
    const opened = await wallet.openRequest(uri, opts);
    const response = await wallet.present(
      wallet.decide(wallet.propose(opened.request), { approve: true }),
    );
    const form = new URLSearchParams({
      vp_token: JSON.stringify(response.vp_token),
      state: String(opened.authorizationRequest.state),
    }).toString();
    const post = () =>
      fetch(`${verifierUrl}/responses/${id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form,
      });

    statusUp = false;
    const down = await post();
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({
      error: 'temporarily_unavailable',
      sanad_code: 'ERR_STATUS_UNAVAILABLE',
      error_description: expect.stringContaining('send the same answer again'),
    });
    statusUp = true;
    expect((await post()).status).toBe(200);
    expect(await read(id)).toMatchObject({ status: 'answered', result: { verified: true } });
    const again = await post();
    expect(again.status).toBe(400);
  });

  it('offline desk: the wrong code scanned is "not a presentation" and changes nothing; a code whose status cannot be checked can be checked again', async () => {
    const { id, uri } = await session({ offline: true });
    const opened = await wallet.openRequest(uri, opts);
    const response = await wallet.present(
      wallet.decide(wallet.propose(opened.request), { approve: true }),
    );
    const code = encodeOfflinePresentation(Object.values(response.vp_token).flat()[0]!);
    const postOffline = (presentation: string) =>
      operator(verifierUrl, 'POST', `/sessions/${id}/offline`, { presentation });

    for (const wrong of ['', uri, JSON.stringify(trustFor().document)]) {
      const refused = await postOffline(wrong);
      expect(refused.status).toBe(400);
      expect(refused.json).toMatchObject({
        error: 'invalid_request',
        sanad_code: 'ERR_NOT_A_PRESENTATION',
        error_description: expect.stringMatching(/^This is not a presentation: /),
      });
      expect(await read(id)).toMatchObject({ status: 'pending', outcome: 'pending' });
    }

    statusUp = false;
    const down = await postOffline(code);
    expect(down).toMatchObject({ status: 503, json: { sanad_code: 'ERR_STATUS_UNAVAILABLE' } });
    expect(await read(id)).toMatchObject({
      status: 'pending',
      statusUnavailable: { errors: [{ code: 'ERR_STATUS_UNAVAILABLE' }] },
    });
    statusUp = true;
    const accepted = await postOffline(code);
    expect(accepted).toMatchObject({ status: 200, json: { status: 'answered', outcome: 'valid' } });
    expect((await postOffline(code)).status).toBe(400);
  });
});

describe('a session keeps "answered once" by itself', () => {
  it('ten copies of one valid answer posted at once: one is verified, nine are told the request was used; the nonce record is not what decided', async () => {
    const { id, uri } = await session({ response_mode: 'direct_post' });
    const opened = await wallet.openRequest(uri, opts);
    const response = await wallet.present(
      wallet.decide(wallet.propose(opened.request), { approve: true }),
    );
    const form = new URLSearchParams({
      vp_token: JSON.stringify(response.vp_token),
      state: String(opened.authorizationRequest.state),
    }).toString();
    const post = (sessionId: string, body = form) =>
      fetch(`${verifierUrl}/responses/${sessionId}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body,
      });

    // Sent to another session first, with that session's state: bound to this request's nonce, refused there, still good here.
    const other = await session({ response_mode: 'direct_post' });
    const otherState = String(
      (await wallet.openRequest(other.uri, opts)).authorizationRequest.state,
    );
    expect(
      (
        await post(
          other.id,
          new URLSearchParams({
            vp_token: JSON.stringify(response.vp_token),
            state: otherState,
          }).toString(),
        )
      ).status,
    ).toBe(400);
    expect(await read(other.id)).toMatchObject({
      status: 'pending',
      refusedAnswers: 1,
      lastRefusal: { code: 'ERR_NONCE_MISMATCH' },
    });

    const answers = await Promise.all(Array.from({ length: 10 }, () => post(id)));
    const bodies = await Promise.all(
      answers.map(async (a) => ({
        status: a.status,
        body: (await a.json().catch(() => ({}))) as Record<string, unknown>,
      })),
    );
    expect(bodies.filter((a) => a.status === 200)).toHaveLength(1);
    expect(
      bodies.filter((a) => a.status === 400 && a.body.sanad_code === 'ERR_REQUEST_USED'),
    ).toHaveLength(9);
    expect(await read(id)).toMatchObject({
      status: 'answered',
      outcome: 'valid',
      result: { verified: true },
    });
    expect(await read(id)).not.toHaveProperty('refusedAnswers');
    // The nonce rows (kept for instances of the previous release) are still there: the answers never spent them.
    const now = Math.floor(Date.now() / 1000);
    expect(await store.get('vp_nonce', opened.request.nonce, now)).toBeDefined();
  });
});
