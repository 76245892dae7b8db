/**
 * /.well-known/jwt-vc-issuer read as a client of draft-ietf-oauth-sd-jwt-vc would: at the
 * well-known inserted before the path of iss, `issuer` identical to the credential's `iss`, the
 * key by the header's `kid`, checked with `jose` alone. With the DID as iss: 404, no metadata.
 */
import { Openid4vciClient } from '@openid4vc/openid4vci';
import { sanadCallbacks } from '@sanad/openid4vc';
import { compactVerify, importJWK, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { createMemoryServiceStore } from '../store/service-store.js';
import { createIssuerService } from './issuer-service.js';
import { AMAL, keyProof, preAuthorizedCode, testIssuer, tokenBody } from './testing.js';

async function serviceAt(baseUrl: string, identifier?: 'did' | 'https') {
  return createIssuerService({
    issuer: await testIssuer(),
    store: createMemoryServiceStore(),
    baseUrl,
    ...(identifier ? { identifier } : {}),
    operatorToken: 'operator-token-for-tests-0123456789',
    defences: false,
    log: () => undefined,
  });
}

/** One SD-JWT VC over the public endpoints, as a wallet gets it. */
async function issueOne(service: Awaited<ReturnType<typeof serviceAt>>, baseUrl: string) {
  const offer = await service.createOffer({ type: 'refugee-status', claims: AMAL });
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    // Behind a proxy that strips the base URL's path: the app answers at its root.
    service.app.request(`${new URL(baseUrl).origin}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
  const token = (await (
    await post('/token', tokenBody(preAuthorizedCode(offer.offerUri), offer.txCode))
  ).json()) as { access_token: string };
  const { c_nonce } = (await (await post('/nonce', {})).json()) as { c_nonce: string };
  const response = (await (
    await post(
      '/credential',
      {
        credential_configuration_id: 'refugee-status.sd-jwt',
        proofs: { jwt: [await keyProof(c_nonce, undefined, baseUrl)] },
      },
      { authorization: `Bearer ${token.access_token}` },
    )
  ).json()) as { credentials: Array<{ credential: string }> };
  return response.credentials[0]!.credential;
}

const part = (jwt: string, i: number): Record<string, unknown> =>
  JSON.parse(Buffer.from(jwt.split('.')[i]!, 'base64url').toString('utf8'));

describe('JWT VC Issuer Metadata of the issuer service', () => {
  it('with the https identifier: iss is the issuer URL, its metadata names it and holds the kid, jose verifies', async () => {
    const baseUrl = 'https://issuer.test/amman';
    const service = await serviceAt(baseUrl, 'https');
    const credential = await issueOne(service, baseUrl);
    const jwt = credential.split('~')[0]!;
    expect(part(jwt, 1).iss).toBe(baseUrl);
    // Path-aware: the well-known sits between host and path; nothing at the path-less one.
    expect(
      (await service.app.request('https://issuer.test/.well-known/jwt-vc-issuer')).status,
    ).toBe(404);
    const response = await service.app.request(
      'https://issuer.test/.well-known/jwt-vc-issuer/amman',
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const metadata = (await response.json()) as { issuer: string; jwks: { keys: JWK[] } };
    expect(metadata.issuer).toBe(part(jwt, 1).iss);
    expect(metadata).not.toHaveProperty('jwks_uri');
    const kid = part(jwt, 0).kid;
    const keys = metadata.jwks.keys.filter((k) => k.kid === kid);
    expect(keys).toHaveLength(1);
    expect(keys[0]).not.toHaveProperty('d');
    const { protectedHeader } = await compactVerify(jwt, await importJWK(keys[0]!, 'ES256'));
    expect(protectedHeader.typ).toBe('dc+sd-jwt');
  });

  it('with the DID identifier (the default): iss is the DID and the endpoint answers 404, claiming no issuer', async () => {
    const baseUrl = 'https://issuer.test';
    const service = await serviceAt(baseUrl);
    const credential = await issueOne(service, baseUrl);
    expect(String(part(credential.split('~')[0]!, 1).iss)).toMatch(/^did:key:/);
    const response = await service.app.request(`${baseUrl}/.well-known/jwt-vc-issuer`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ sanad_code: 'ERR_NOT_FOUND' });
  });
});

describe('OpenID4VCI and RFC 8414 metadata for a base URL with a path', () => {
  it('a spec client finds both where it looks, the well-known between host and path', async () => {
    const baseUrl = 'https://issuer.test/amman';
    const service = await serviceAt(baseUrl);
    const asked: string[] = [];
    const client = new Openid4vciClient({
      callbacks: sanadCallbacks({
        fetch: async (input, init) => {
          const url =
            typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
          asked.push(url);
          return service.app.request(url, init);
        },
      }),
    });
    const metadata = await client.resolveIssuerMetadata(baseUrl);
    expect(metadata.credentialIssuer.credential_issuer).toBe(baseUrl);
    expect(metadata.authorizationServers[0]?.issuer).toBe(baseUrl);
    expect(asked).toContain('https://issuer.test/.well-known/openid-credential-issuer/amman');
    expect(asked).toContain('https://issuer.test/.well-known/oauth-authorization-server/amman');
  });
});
