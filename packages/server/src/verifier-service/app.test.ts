import { generateKeyPair, signerFromJwk, TrustList } from '@sanad/core';
import { createVerifier } from '@sanad/verifier';
import { describe, expect, it } from 'vitest';
import { createMemoryServiceStore } from '../store/service-store.js';
import { standardPresets } from './presets.js';
import { serviceNonceStore } from './protocol.js';
import { createVerifierService, type VerifierServiceOptions } from './verifier-service.js';

const TOKEN = 'operator-token-for-tests-0123456789';
const BASE = 'https://desk.example';

async function service(options: Partial<VerifierServiceOptions> = {}) {
  const store = createMemoryServiceStore();
  const verifier = createVerifier({
    trustList: new TrustList({ type: 'sanad-trust-list', version: 1, issuers: [] }),
    nonceStore: serviceNonceStore(store),
  });
  const signer = await signerFromJwk((await generateKeyPair('ES256')).privateJwk);
  const logs: string[] = [];
  const s = await createVerifierService({
    verifier,
    store,
    baseUrl: BASE,
    signer,
    verifierName: 'Clinic',
    presets: standardPresets('https://example.org/refugee'),
    operatorToken: TOKEN,
    log: (m) => logs.push(m),
    ...options,
  });
  return { s, logs };
}

type App = Awaited<ReturnType<typeof service>>['s']['app'];

async function call(
  app: App,
  method: string,
  path: string,
  body?: string,
  contentType = 'application/json',
) {
  const response = await app.request(`${BASE}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${TOKEN}`,
      ...(body !== undefined ? { 'content-type': contentType } : {}),
    },
    ...(body !== undefined ? { body } : {}),
  });
  return {
    status: response.status,
    headers: response.headers,
    json: (await response.json().catch(() => undefined)) as Record<string, unknown>,
  };
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
const FORM = 'application/x-www-form-urlencoded';

async function openSession(app: App): Promise<{ id: string; state: string }> {
  const created = await call(
    app,
    'POST',
    '/operator/sessions',
    JSON.stringify({ preset: 'over-18', response_mode: 'direct_post' }),
  );
  const id = created.json.session_id as string;
  const jwt = await (await app.request(`${BASE}/requests/${id}`)).text();
  return {
    id,
    state: (
      JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as { state: string }
    ).state,
  };
}

describe('verifier service over HTTP (app.request)', () => {
  it('answers attacker-shaped answers with 400 and a code, counted on the session, never 500  [CWE-20]', async () => {
    const { s, logs } = await service();
    const { id, state } = await openSession(s.app);
    const answers = [
      // Objects are JSON presentations (ldp_vp) to the shape check: this one is not a presentation.
      form({ vp_token: '{"q":{"toString":1}}', state }),
      form({ vp_token: '{"q":[{"toString":1}]}', state }),
      form({ vp_token: '{"q":[1]}', state }),
      form({ vp_token: '{"toString":1}' }),
      // Form-encoded, as deep as fits the body limit.
      form({ vp_token: `{"q":${'['.repeat(30_000)}${']'.repeat(30_000)}}`, state }),
      form({ vp_token: 'not json', state }),
      form({ response: 'not.a.jwe', state }),
    ];
    const codes: unknown[] = [];
    for (const body of answers) {
      const r = await call(s.app, 'POST', `/responses/${id}`, body, FORM);
      expect(r.status).toBe(400);
      expect(r.json).toMatchObject({
        error: 'invalid_request',
        error_description: expect.any(String),
      });
      codes.push(r.json.sanad_code);
    }
    expect(codes).toEqual([
      'ERR_NOT_A_PRESENTATION',
      'ERR_NOT_A_PRESENTATION',
      'ERR_RESPONSE_REFUSED',
      'ERR_RESPONSE_REFUSED',
      'ERR_INPUT_TOO_DEEP',
      'ERR_INVALID_JSON',
      'ERR_RESPONSE_REFUSED',
    ]);
    expect((await call(s.app, 'GET', `/operator/sessions/${id}`)).json).toMatchObject({
      status: 'pending',
      outcome: 'pending',
      refusedAnswers: answers.length,
      lastRefusal: { code: 'ERR_RESPONSE_REFUSED' },
    });
    // Not a form, or a parameter twice: refused before it counts as an answer.
    expect((await call(s.app, 'POST', `/responses/${id}`, '{}')).json).toMatchObject({
      sanad_code: 'ERR_INVALID_INPUT',
    });
    expect(
      (await call(s.app, 'POST', `/responses/${id}`, 'state=a&state=b', FORM)).json,
    ).toMatchObject({ sanad_code: 'ERR_INVALID_INPUT' });
    expect(logs.filter((l) => l.startsWith('internal error'))).toEqual([]);
    // A decline with the right state is taken and shown, and the session still waits for the holder.
    expect(
      (await call(s.app, 'POST', `/responses/${id}`, form({ error: 'access_denied', state }), FORM))
        .status,
    ).toBe(200);
    expect((await call(s.app, 'GET', `/operator/sessions/${id}`)).json).toMatchObject({
      status: 'pending',
      outcome: 'pending',
      declined: { error: 'access_denied' },
    });
    expect((await call(s.app, 'GET', `/requests/${id}`)).status).toBe(200);
  });

  it('type-checks the operator API: 400 with a code for every wrong field  [CWE-20]', async () => {
    const { s, logs } = await service();
    for (const body of [
      { preset: { toString: 1 } },
      { preset: ['over-18'] },
      {},
      { preset: 'over-18', offline: 'yes' },
      { preset: 'over-18', redirect_uri: { toString: 1 } },
      { preset: 'over-18', response_mode: 7 },
    ]) {
      const r = await call(s.app, 'POST', '/operator/sessions', JSON.stringify(body));
      expect(r, JSON.stringify(body)).toMatchObject({
        status: 400,
        json: { error: 'invalid_request', sanad_code: 'ERR_INVALID_INPUT' },
      });
    }
    expect(
      (
        await call(
          s.app,
          'POST',
          '/operator/sessions',
          JSON.stringify({ preset: 'over-18', response_mode: 'query' }),
        )
      ).json,
    ).toMatchObject({ sanad_code: 'ERR_REQUEST_INVALID' });
    expect(
      (await call(s.app, 'POST', '/operator/sessions', JSON.stringify({ preset: 'none' }))).json,
    ).toMatchObject({ sanad_code: 'ERR_REQUEST_INVALID' });
    expect(
      (
        await call(
          s.app,
          'POST',
          '/operator/sessions',
          `{"preset":${'['.repeat(60_000)}${']'.repeat(60_000)}}`,
        )
      ).json,
    ).toMatchObject({ sanad_code: 'ERR_INPUT_TOO_DEEP' });
    expect((await call(s.app, 'POST', '/operator/sessions', '[1]')).json).toMatchObject({
      sanad_code: 'ERR_INVALID_INPUT',
    });
    expect((await call(s.app, 'POST', '/operator/sessions', '{')).json).toMatchObject({
      sanad_code: 'ERR_INVALID_JSON',
    });
    expect(
      (
        await call(
          s.app,
          'POST',
          '/operator/sessions/x/offline',
          JSON.stringify({ presentation: { toString: 1 } }),
        )
      ).json,
    ).toMatchObject({ sanad_code: 'ERR_INVALID_INPUT' });
    expect(logs.filter((l) => l.startsWith('internal error'))).toEqual([]);
  });

  it('gives every error a sanad_code: unknown routes, unknown sessions, bodies too large, no token', async () => {
    const { s } = await service();
    expect(await call(s.app, 'GET', '/nothing-here')).toMatchObject({
      status: 404,
      json: { error: 'not_found', sanad_code: 'ERR_NOT_FOUND' },
    });
    expect(await call(s.app, 'GET', '/operator/nothing-here')).toMatchObject({
      status: 404,
      json: { sanad_code: 'ERR_NOT_FOUND' },
    });
    expect(await call(s.app, 'GET', '/requests/unknown')).toMatchObject({
      status: 404,
      json: { error: 'invalid_request_uri', sanad_code: 'ERR_REQUEST_EXPIRED' },
    });
    expect(await call(s.app, 'POST', '/responses/unknown', 'state=x', FORM)).toMatchObject({
      status: 400,
      json: { sanad_code: 'ERR_REQUEST_EXPIRED' },
    });
    expect(await call(s.app, 'GET', '/results/unknown?response_code=x')).toMatchObject({
      status: 404,
      json: { sanad_code: 'ERR_NOT_FOUND' },
    });
    expect(await call(s.app, 'GET', '/operator/sessions/unknown')).toMatchObject({
      status: 400,
      json: { sanad_code: 'ERR_SESSION_NOT_FOUND' },
    });
    expect(
      await call(s.app, 'POST', '/operator/sessions', `{"preset":"${'a'.repeat(300 * 1024)}"}`),
    ).toMatchObject({ status: 413, json: { sanad_code: 'ERR_INPUT_TOO_LARGE' } });
    const anonymous = await s.app.request(`${BASE}/operator/presets`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ sanad_code: 'ERR_OPERATOR_UNAUTHORIZED' });
  });

  it('refuses a session past the open-session cap with 503 ERR_STORE_FULL and Retry-After', async () => {
    const { s } = await service({ maxOpenSessions: 3 });
    for (let i = 0; i < 3; i++)
      expect(
        (await call(s.app, 'POST', '/operator/sessions', JSON.stringify({ preset: 'over-18' })))
          .status,
      ).toBe(201);
    const full = await call(
      s.app,
      'POST',
      '/operator/sessions',
      JSON.stringify({ preset: 'over-18' }),
    );
    expect(full).toMatchObject({
      status: 503,
      json: { error: 'temporarily_unavailable', sanad_code: 'ERR_STORE_FULL' },
    });
    expect(Number(full.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
