/**
 * Every refusal of the issuer service, over HTTP in process (`app.request`): each answers
 * `{ error, error_description, sanad_code }` with the expected code, so clients never read the
 * English. [issue 16 §7; RFC 6749 section 5.2; RFC 6750 section 3; OpenID4VCI 1.0 sections 6.3, 8.3.1]
 */
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

const OPERATOR_TOKEN = 'operator-token-for-issuer-service-tests-0123';
const operator = { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' };
const form = { 'content-type': 'application/x-www-form-urlencoded' };
const json = { 'content-type': 'application/json' };

async function service() {
  const { app } = createIssuerService({
    issuer: await testIssuer(),
    store: createMemoryServiceStore(),
    baseUrl: BASE_URL,
    operatorToken: OPERATOR_TOKEN,
    log: () => undefined,
  });
  const call = async (path: string, init: RequestInit = {}): Promise<Response> =>
    app.request(`${BASE_URL}${path}`, init);
  const post = (path: string, headers: Record<string, string>, body: string) =>
    call(path, { method: 'POST', headers, body });
  const offer = async (extra: Record<string, unknown> = {}) => {
    const r = await post(
      '/operator/offers',
      operator,
      JSON.stringify({ type: 'refugee-status', claims: AMAL, ...extra }),
    );
    expect(r.status).toBe(201);
    const created = (await r.json()) as {
      offer_link: string;
      tx_code?: string;
      offer_id: string;
    };
    return { ...created, code: preAuthorizedCode(created.offer_link) };
  };
  const token = (code: string, txCode?: string) =>
    post(
      '/token',
      form,
      new URLSearchParams({
        grant_type: PRE_AUTHORIZED_GRANT,
        'pre-authorized_code': code,
        ...(txCode !== undefined ? { tx_code: txCode } : {}),
      }).toString(),
    );
  const accessToken = async () => {
    const o = await offer({ tx_code: false });
    return ((await (await token(o.code)).json()) as { access_token: string }).access_token;
  };
  const nonce = async () =>
    ((await (await post('/nonce', {}, '')).json()) as { c_nonce: string }).c_nonce;
  const credential = (bearer: string, body: unknown) =>
    post('/credential', { ...json, authorization: `Bearer ${bearer}` }, JSON.stringify(body));
  return { call, post, offer, token, accessToken, nonce, credential };
}

type Service = Awaited<ReturnType<typeof service>>;
interface Case {
  name: string;
  status: number;
  code: string;
  send: (s: Service) => Promise<Response>;
}

const nested = (depth: number): string => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const sdJwt = 'refugee-status.sd-jwt';

const CASES: Case[] = [
  {
    name: 'an unknown path',
    status: 404,
    code: 'ERR_NOT_FOUND',
    send: (s) => s.call('/nothing-here'),
  },
  {
    name: 'an unknown status list',
    status: 404,
    code: 'ERR_NOT_FOUND',
    send: (s) => s.call('/status/none'),
  },
  {
    name: 'a token request that is neither form nor JSON',
    status: 400,
    code: 'ERR_INVALID_INPUT',
    send: (s) => s.post('/token', { 'content-type': 'text/plain' }, 'hello'),
  },
  {
    name: 'a token request of broken JSON',
    status: 400,
    code: 'ERR_INVALID_JSON',
    send: (s) => s.post('/token', json, '{"grant_type":'),
  },
  {
    name: 'a JSON array for a body',
    status: 400,
    code: 'ERR_INVALID_INPUT',
    send: (s) => s.post('/token', json, '[]'),
  },
  {
    name: 'a 60,000-deep JSON body',
    status: 400,
    code: 'ERR_INPUT_TOO_DEEP',
    send: (s) => s.post('/token', json, `{"a":${nested(60_000)}}`),
  },
  {
    name: 'a body over the size limit',
    status: 413,
    code: 'ERR_INPUT_TOO_LARGE',
    send: (s) => s.post('/token', json, `{"a":"${'x'.repeat(300_000)}"}`),
  },
  {
    name: 'a token request with no grant type',
    status: 400,
    code: 'ERR_INVALID_INPUT',
    send: (s) => s.post('/token', form, 'pre-authorized_code=abc'),
  },
  {
    name: 'another grant type',
    status: 400,
    code: 'ERR_INVALID_INPUT',
    send: (s) => s.post('/token', form, 'grant_type=authorization_code&code=abc'),
  },
  {
    name: 'an unknown pre-authorized code',
    status: 400,
    code: 'ERR_OFFER_EXPIRED',
    send: (s) => s.token('no-such-code', '123456'),
  },
  {
    name: 'no PIN where one is needed',
    status: 400,
    code: 'ERR_TX_CODE_REQUIRED',
    send: async (s) => s.token((await s.offer()).code),
  },
  {
    name: 'a PIN sent as JSON that is not a string',
    status: 400,
    code: 'ERR_INVALID_INPUT',
    send: async (s) =>
      s.post(
        '/token',
        json,
        JSON.stringify({
          grant_type: PRE_AUTHORIZED_GRANT,
          'pre-authorized_code': (await s.offer()).code,
          tx_code: { toString: 1 },
        }),
      ),
  },
  {
    name: 'a wrong PIN',
    status: 400,
    code: 'ERR_TX_CODE_INVALID',
    send: async (s) => {
      const o = await s.offer();
      return s.token(o.code, wrongPin(o.tx_code!));
    },
  },
  {
    name: 'the right PIN after five wrong ones',
    status: 400,
    code: 'ERR_OFFER_LOCKED',
    send: async (s) => {
      const o = await s.offer();
      for (let i = 0; i < 5; i += 1) await s.token(o.code, wrongPin(o.tx_code!));
      return s.token(o.code, o.tx_code);
    },
  },
  {
    name: 'a code redeemed twice',
    status: 400,
    code: 'ERR_OFFER_EXPIRED',
    send: async (s) => {
      const o = await s.offer();
      await s.token(o.code, o.tx_code);
      return s.token(o.code, o.tx_code);
    },
  },
  {
    name: 'a credential request with no token',
    status: 401,
    code: 'ERR_TOKEN_INVALID',
    send: (s) => s.post('/credential', json, '{}'),
  },
  {
    name: 'a credential request with a made-up token',
    status: 401,
    code: 'ERR_TOKEN_INVALID',
    send: (s) => s.credential('made.up.token', {}),
  },
  {
    name: 'a credential request of broken JSON',
    status: 400,
    code: 'ERR_INVALID_JSON',
    send: async (s) =>
      s.post('/credential', { ...json, authorization: `Bearer ${await s.accessToken()}` }, '{'),
  },
  {
    name: 'a credential request the library cannot parse',
    status: 400,
    code: 'ERR_INVALID_INPUT',
    send: async (s) => s.credential(await s.accessToken(), { proofs: 'none' }),
  },
  {
    name: 'a token used for another configuration',
    status: 400,
    code: 'ERR_CREDENTIAL_TYPE_MISMATCH',
    send: async (s) =>
      s.credential(await s.accessToken(), {
        credential_configuration_id: 'refugee-status.vc-jwt',
        proofs: { jwt: [await keyProof(await s.nonce())] },
      }),
  },
  {
    name: 'no key proof',
    status: 400,
    code: 'ERR_HOLDER_BINDING_MISSING',
    send: async (s) =>
      s.credential(await s.accessToken(), {
        credential_configuration_id: sdJwt,
        proofs: { jwt: [] },
      }),
  },
  {
    name: 'more copies than the batch size',
    status: 400,
    code: 'ERR_INVALID_INPUT',
    send: async (s) => {
      const nonce = await s.nonce();
      return s.credential(await s.accessToken(), {
        credential_configuration_id: sdJwt,
        proofs: { jwt: await Promise.all(Array.from({ length: 11 }, () => keyProof(nonce))) },
      });
    },
  },
  {
    name: 'a key proof that is not a JWT',
    status: 400,
    code: 'ERR_JWT_MALFORMED',
    send: async (s) =>
      s.credential(await s.accessToken(), {
        credential_configuration_id: sdJwt,
        proofs: { jwt: ['a.b.c'] },
      }),
  },
  {
    name: 'a forged c_nonce',
    status: 400,
    code: 'ERR_NONCE_INVALID',
    send: async (s) =>
      s.credential(await s.accessToken(), {
        credential_configuration_id: sdJwt,
        proofs: { jwt: [await keyProof('forged-nonce')] },
      }),
  },
  {
    name: 'proofs with different c_nonces',
    status: 400,
    code: 'ERR_NONCE_INVALID',
    send: async (s) =>
      s.credential(await s.accessToken(), {
        credential_configuration_id: sdJwt,
        proofs: { jwt: [await keyProof(await s.nonce()), await keyProof(await s.nonce())] },
      }),
  },
  {
    name: 'a replayed c_nonce',
    status: 400,
    code: 'ERR_NONCE_INVALID',
    send: async (s) => {
      const nonce = await s.nonce();
      expect(
        (
          await s.credential(await s.accessToken(), {
            credential_configuration_id: sdJwt,
            proofs: { jwt: [await keyProof(nonce)] },
          })
        ).status,
      ).toBe(200);
      return s.credential(await s.accessToken(), {
        credential_configuration_id: sdJwt,
        proofs: { jwt: [await keyProof(nonce)] },
      });
    },
  },
  {
    name: 'a key proof with a broken signature',
    status: 400,
    code: 'ERR_HOLDER_BINDING_INVALID',
    send: async (s) => {
      const proof = await keyProof(await s.nonce());
      return s.credential(await s.accessToken(), {
        credential_configuration_id: sdJwt,
        proofs: { jwt: [`${proof.slice(0, -6)}AAAAAA`] },
      });
    },
  },
  {
    name: 'a spent access token',
    status: 401,
    code: 'ERR_TOKEN_INVALID',
    send: async (s) => {
      const bearer = await s.accessToken();
      expect(
        (
          await s.credential(bearer, {
            credential_configuration_id: sdJwt,
            proofs: { jwt: [await keyProof(await s.nonce())] },
          })
        ).status,
      ).toBe(200);
      return s.credential(bearer, {
        credential_configuration_id: sdJwt,
        proofs: { jwt: [await keyProof(await s.nonce())] },
      });
    },
  },
  {
    name: 'the operator API without its token',
    status: 401,
    code: 'ERR_OPERATOR_UNAUTHORIZED',
    send: (s) => s.post('/operator/offers', json, '{}'),
  },
  {
    name: 'an offer whose type is an object with toString',
    status: 400,
    code: 'ERR_INVALID_INPUT',
    send: (s) => s.post('/operator/offers', operator, '{"type":{"toString":1},"claims":{}}'),
  },
  {
    name: 'an offer with no type',
    status: 400,
    code: 'ERR_INVALID_INPUT',
    send: (s) => s.post('/operator/offers', operator, '{"claims":{}}'),
  },
  {
    name: 'an offer of an unknown type',
    status: 400,
    code: 'ERR_CREDENTIAL_TYPE_UNKNOWN',
    send: (s) => s.post('/operator/offers', operator, '{"type":"passport","claims":{}}'),
  },
  {
    name: 'an offer in a format named like a built-in',
    status: 400,
    code: 'ERR_UNSUPPORTED_FORMAT',
    send: (s) =>
      s.post(
        '/operator/offers',
        operator,
        JSON.stringify({ type: 'refugee-status', claims: AMAL, format: 'toString' }),
      ),
  },
  {
    name: 'an offer with a format that is not a string',
    status: 400,
    code: 'ERR_INVALID_INPUT',
    send: (s) =>
      s.post(
        '/operator/offers',
        operator,
        JSON.stringify({ type: 'refugee-status', claims: AMAL, format: { toString: 1 } }),
      ),
  },
  {
    name: 'an offer with tx_code not a boolean',
    status: 400,
    code: 'ERR_INVALID_INPUT',
    send: (s) =>
      s.post(
        '/operator/offers',
        operator,
        JSON.stringify({ type: 'refugee-status', claims: AMAL, tx_code: 'no' }),
      ),
  },
  {
    name: 'an offer living 1e309 seconds',
    status: 400,
    code: 'ERR_INVALID_INPUT',
    send: (s) =>
      s.post(
        '/operator/offers',
        operator,
        `{"type":"refugee-status","claims":${JSON.stringify(AMAL)},"ttl_seconds":1e309}`,
      ),
  },
  {
    name: 'an offer living 0 seconds',
    status: 400,
    code: 'ERR_INVALID_INPUT',
    send: (s) =>
      s.post(
        '/operator/offers',
        operator,
        JSON.stringify({ type: 'refugee-status', claims: AMAL, ttl_seconds: 0 }),
      ),
  },
  {
    name: 'an offer whose claims break the schema',
    status: 400,
    code: 'ERR_CLAIMS_SCHEMA_MISMATCH',
    send: (s) =>
      s.post(
        '/operator/offers',
        operator,
        JSON.stringify({ type: 'refugee-status', claims: { given_name: { toString: 1 } } }),
      ),
  },
  {
    name: 'an offer request nested too deep',
    status: 400,
    code: 'ERR_INPUT_TOO_DEEP',
    send: (s) =>
      s.post('/operator/offers', operator, `{"type":"refugee-status","claims":${nested(60_000)}}`),
  },
  {
    name: 'revoking an unknown credential',
    status: 400,
    code: 'ERR_CREDENTIAL_NOT_FOUND',
    send: (s) => s.post('/operator/credentials/no-such-id/revoke', operator, ''),
  },
];

describe('issuer service errors: every refusal carries its sanad_code', () => {
  it.each(CASES)('$name -> $status $code', async ({ status, code, send }) => {
    const r = await send(await service());
    const body = (await r.json()) as Record<string, unknown>;
    expect({ status: r.status, sanad_code: body.sanad_code }).toEqual({ status, sanad_code: code });
    expect(typeof body.error).toBe('string');
    expect(typeof body.error_description).toBe('string');
  });

  it('names the created offer offer_link: an offer by value, which credential_offer_uri (by reference) is not  [OpenID4VCI 1.0 section 4.1]', async () => {
    const created = await (await service()).offer();
    const link = new URL(created.offer_link);
    expect(link.protocol).toBe('openid-credential-offer:');
    expect([...link.searchParams.keys()]).toEqual(['credential_offer']);
    // The old name stays for one major release, deprecated (docs/services.md).
    expect((created as Record<string, unknown>).credential_offer_uri).toBe(created.offer_link);
  });

  it('answers the nonce endpoint with only c_nonce, never cached  [OpenID4VCI 1.0 section 7.2]', async () => {
    const r = await (await service()).post('/nonce', {}, '');
    expect(r.status).toBe(200);
    expect(r.headers.get('cache-control')).toBe('no-store');
    expect(Object.keys((await r.json()) as object)).toEqual(['c_nonce']);
  });

  it('answers a spent or unknown access token with an RFC 6750 Bearer challenge', async () => {
    const s = await service();
    const bearer = await s.accessToken();
    expect(
      (
        await s.credential(bearer, {
          credential_configuration_id: sdJwt,
          proofs: { jwt: [await keyProof(await s.nonce())] },
        })
      ).status,
    ).toBe(200);
    const spent = await s.credential(bearer, {
      credential_configuration_id: sdJwt,
      proofs: { jwt: [await keyProof(await s.nonce())] },
    });
    expect(spent.status).toBe(401);
    // auth-param syntax of RFC 6750 section 3: scheme, then name="quoted value" pairs.
    expect(spent.headers.get('www-authenticate')).toMatch(
      /^Bearer error="invalid_token"(, [a-z_]+="[^"\\]*")*$/,
    );
    const unknown = await s.credential('made.up.token', {});
    expect(unknown.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);
    // No token at all: a bare challenge, with no error code (section 3.1).
    const none = await s.post('/credential', { 'content-type': 'application/json' }, '{}');
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer, DPoP');
    expect(await none.json()).toMatchObject({ sanad_code: 'ERR_TOKEN_INVALID' });
  });

  // One fact, said in either place: the PIN limit and the rate limits count the same client.
  it.each([{ trustProxy: true }, { defences: { rateLimit: { trustProxy: 1 } } }])(
    'limits PIN attempts per client over HTTP, by X-Forwarded-For only behind a trusted proxy (%j)',
    async (proxy) => {
      const store = createMemoryServiceStore();
      const issuer = await testIssuer();
      const behindProxy = createIssuerService({
        issuer,
        store,
        baseUrl: BASE_URL,
        operatorToken: OPERATOR_TOKEN,
        ...proxy,
        maxTxCodeAttemptsPerClient: 2,
        log: () => undefined,
      });
      const create = async () => {
        const r = await behindProxy.app.request(`${BASE_URL}/operator/offers`, {
          method: 'POST',
          headers: operator,
          body: JSON.stringify({ type: 'refugee-status', claims: AMAL }),
        });
        const o = (await r.json()) as { offer_link: string; tx_code: string };
        return { code: preAuthorizedCode(o.offer_link), pin: o.tx_code };
      };
      const guess = async (from: string) => {
        const o = await create();
        const body = new URLSearchParams({
          grant_type: PRE_AUTHORIZED_GRANT,
          'pre-authorized_code': o.code,
          tx_code: wrongPin(o.pin),
        }).toString();
        return behindProxy.app.request(`${BASE_URL}/token`, {
          method: 'POST',
          headers: { ...form, 'x-forwarded-for': from },
          body,
        });
      };
      expect((await guess('198.51.100.1')).status).toBe(400);
      expect((await guess('198.51.100.1')).status).toBe(400);
      const limited = await guess('198.51.100.1');
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await limited.json()).toMatchObject({ sanad_code: 'ERR_RATE_LIMITED' });
      expect((await guess('198.51.100.2')).status).toBe(400);
    },
  );
});
