import { generateKeyPair, signerFromJwk, TrustList } from '@sanad/core';
import { createVerifier } from '@sanad/verifier';
import { describe, expect, it } from 'vitest';
import { createMemoryServiceStore } from '../store/service-store.js';
import { standardPresets } from './presets.js';
import {
  createVerifierProtocol,
  MAX_REFUSED_ANSWERS,
  serviceNonceStore,
  StoreFullError,
  type VerifierProtocolOptions,
} from './protocol.js';

/** A protocol on a memory store with a verifier that trusts no one: every presentation is refused. */
async function protocol(options: Partial<VerifierProtocolOptions> = {}) {
  const store = createMemoryServiceStore();
  const verifier = createVerifier({
    trustList: new TrustList({ type: 'sanad-trust-list', version: 1, issuers: [] }),
    nonceStore: serviceNonceStore(store),
  });
  const signer = await signerFromJwk((await generateKeyPair('ES256')).privateJwk);
  const logs: string[] = [];
  const p = await createVerifierProtocol({
    verifier,
    store,
    baseUrl: 'https://desk.example',
    signer,
    verifierName: 'Clinic',
    presets: standardPresets('https://example.org/refugee'),
    log: (m) => logs.push(m),
    ...options,
  });
  return { p, logs };
}

/** The state of an online session, as the wallet reads it from the request object. */
async function stateOf(
  p: Awaited<ReturnType<typeof protocol>>['p'],
  sessionId: string,
): Promise<string> {
  const payload = JSON.parse(
    Buffer.from((await p.requestObject(sessionId)).split('.')[1]!, 'base64url').toString('utf8'),
  ) as { state: string };
  return payload.state;
}

describe('verifier protocol', () => {
  it('refuses answers that do not verify, counts them, and stays open for a verified answer, a decline noted', async () => {
    const { p } = await protocol();
    const { sessionId } = await p.createSession({ preset: 'over-18', responseMode: 'direct_post' });
    const state = await stateOf(p, sessionId);
    await expect(
      p.acceptResponse(sessionId, { vp_token: '{"refugee-status":["not.a.presentation"]}', state }),
    ).rejects.toMatchObject({ code: 'ERR_JWT_MALFORMED' });
    await expect(
      p.acceptResponse(sessionId, { vp_token: '{"q":[true]}', state }),
    ).rejects.toMatchObject({ code: 'ERR_RESPONSE_REFUSED' });
    await expect(
      p.acceptResponse(sessionId, { vp_token: '{"q":"x"}', state: 'not-the-state' }),
    ).rejects.toMatchObject({ code: 'ERR_RESPONSE_REFUSED' });
    await expect(p.decline(sessionId, 'not-the-state', 'access_denied')).rejects.toMatchObject({
      code: 'ERR_RESPONSE_REFUSED',
    });
    expect(await p.view(sessionId)).toMatchObject({
      status: 'pending',
      outcome: 'pending',
      refusedAnswers: 4,
      lastRefusal: { code: 'ERR_RESPONSE_REFUSED', outcome: 'invalid' },
    });
    // The request object is still served: the holder can still answer.
    expect(await p.requestObject(sessionId)).toMatch(/^ey/);
    // Anyone who saw the QR code can send a decline with the state: noted for the desk, settling nothing.
    await p.decline(sessionId, state, 'access_denied');
    expect(await p.view(sessionId)).toMatchObject({
      status: 'pending',
      outcome: 'pending',
      refusedAnswers: 4,
      declined: { error: 'access_denied', at: expect.any(Number) },
    });
    expect(await p.requestObject(sessionId)).toMatch(/^ey/);
    await p.forget(sessionId);
    await expect(p.decline(sessionId, state, 'access_denied')).rejects.toMatchObject({
      code: 'ERR_REQUEST_EXPIRED',
    });
  });

  it(`closes a session as refused after ${MAX_REFUSED_ANSWERS} refused answers, with no verdict of theirs`, async () => {
    const { p, logs } = await protocol();
    const { sessionId } = await p.createSession({ preset: 'over-18', responseMode: 'direct_post' });
    const state = await stateOf(p, sessionId);
    for (let i = 0; i < MAX_REFUSED_ANSWERS; i++)
      await expect(
        p.acceptResponse(sessionId, { vp_token: '{"q":[]}', state }),
      ).rejects.toMatchObject({ code: 'ERR_RESPONSE_REFUSED' });
    const view = await p.view(sessionId);
    expect(view).toMatchObject({
      status: 'refused',
      outcome: 'refused',
      refusedAnswers: MAX_REFUSED_ANSWERS,
    });
    expect(view).not.toHaveProperty('result');
    await expect(
      p.acceptResponse(sessionId, { vp_token: '{"q":"x"}', state }),
    ).rejects.toMatchObject({ code: 'ERR_REQUEST_USED' });
    await expect(p.requestObject(sessionId)).rejects.toMatchObject({ code: 'ERR_REQUEST_USED' });
    expect(logs.at(-1)).toContain('session closed');
    expect(p.openSessions()).toBe(0);
  });

  it('with forgetResultOnRead, deletes a settled session as the desk reads it, and keeps a pending one', async () => {
    const { p } = await protocol({ forgetResultOnRead: true });
    const { sessionId } = await p.createSession({ preset: 'over-18', responseMode: 'direct_post' });
    const state = await stateOf(p, sessionId);
    expect(await p.view(sessionId)).toMatchObject({ status: 'pending' });
    for (let i = 0; i < MAX_REFUSED_ANSWERS; i++)
      await expect(
        p.acceptResponse(sessionId, { vp_token: '{"q":[]}', state }),
      ).rejects.toMatchObject({ code: 'ERR_RESPONSE_REFUSED' });
    expect(await p.view(sessionId)).toMatchObject({ status: 'refused' });
    await expect(p.view(sessionId)).rejects.toMatchObject({ code: 'ERR_SESSION_NOT_FOUND' });
  });

  it('bounds the JSON of an answer before anything parses it', async () => {
    const { p } = await protocol();
    const { sessionId } = await p.createSession({ preset: 'over-18', responseMode: 'direct_post' });
    const state = await stateOf(p, sessionId);
    const deep = `{"q":${'['.repeat(60_000)}${']'.repeat(60_000)}}`;
    await expect(p.acceptResponse(sessionId, { vp_token: deep, state })).rejects.toMatchObject({
      code: 'ERR_INPUT_TOO_DEEP',
    });
    expect(await p.view(sessionId)).toMatchObject({
      status: 'pending',
      refusedAnswers: 1,
      lastRefusal: { code: 'ERR_INPUT_TOO_DEEP' },
    });
  });

  it('holds at most maxOpenSessions open sessions; settling, forgetting or expiry frees a place', async () => {
    let now = 1_800_000_000_000;
    const { p } = await protocol({ maxOpenSessions: 2, clock: { now: () => now } });
    const first = await p.createSession({ preset: 'over-18', responseMode: 'direct_post' });
    await p.createSession({ preset: 'over-18' });
    const full = await p.createSession({ preset: 'over-18' }).catch((err: unknown) => err);
    expect(full).toBeInstanceOf(StoreFullError);
    expect(full).toMatchObject({ code: 'ERR_STORE_FULL', retryAfterSeconds: 300 });
    // A decline settles nothing, so it frees no place.
    await p.decline(first.sessionId, await stateOf(p, first.sessionId), 'access_denied');
    await expect(p.createSession({ preset: 'over-18' })).rejects.toMatchObject({
      code: 'ERR_STORE_FULL',
    });
    await p.forget(first.sessionId);
    const third = await p.createSession({ preset: 'over-18' });
    await expect(p.createSession({ preset: 'over-18' })).rejects.toMatchObject({
      code: 'ERR_STORE_FULL',
    });
    await p.forget(third.sessionId);
    await p.createSession({ preset: 'over-18' });
    expect(p.openSessions()).toBe(2);
    now += 301_000;
    expect(p.openSessions()).toBe(0);
    await p.createSession({ preset: 'over-18' });
  });

  it('refuses unknown presets and options by code, echoing nothing', async () => {
    const { p } = await protocol();
    await expect(p.createSession({ preset: '<script>' })).rejects.toMatchObject({
      code: 'ERR_REQUEST_INVALID',
      message: 'No preset with that id.',
    });
    await expect(
      p.createSession({ preset: 'over-18', redirectUri: 'javascript:alert(1)' }),
    ).rejects.toMatchObject({ code: 'ERR_REQUEST_INVALID' });
    await expect(
      p.createSession({ preset: 'over-18', offline: true, responseMode: 'direct_post.jwt' }),
    ).rejects.toMatchObject({ code: 'ERR_REQUEST_INVALID' });
    await expect(protocol({ maxOpenSessions: 0 })).rejects.toMatchObject({
      code: 'ERR_CONFIG_INVALID',
    });
  });
});
