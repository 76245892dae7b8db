/**
 * Wallet attestations at the token endpoint, in process (`app.request`): an attestation from a
 * trusted provider (by key or by certificate) with its proof is accepted and names the client;
 * an unknown provider, a proof by another key, for another issuer or replayed, an expired
 * attestation, and none where one is required are each refused with their code.
 * [HAIP; draft-ietf-oauth-attestation-based-client-auth]
 */
import {
  decodeJwt,
  generateKeyPair,
  type JWK,
  type KeyPair,
  signerFromJwk,
  signJwt,
} from '@sanad/core';
import { CertificateAuthority } from '@sanad/core/x509';
import { describe, expect, it } from 'vitest';
import { createMemoryServiceStore } from '../store/service-store.js';
import { createIssuerService } from './issuer-service.js';
import { AMAL, BASE_URL, PRE_AUTHORIZED_GRANT, preAuthorizedCode, testIssuer } from './testing.js';
import { checkWalletProviders, type WalletAttestationOptions } from './wallet-attestation.js';

const OPERATOR_TOKEN = 'operator-token-for-attestation-tests-0123';
const now = () => Math.floor(Date.now() / 1000);

async function service(walletAttestation: WalletAttestationOptions) {
  const { app } = createIssuerService({
    issuer: await testIssuer(),
    store: createMemoryServiceStore(),
    baseUrl: BASE_URL,
    operatorToken: OPERATOR_TOKEN,
    log: () => undefined,
    walletAttestation,
  });
  const post = (path: string, headers: Record<string, string>, body: string) =>
    app.request(`${BASE_URL}${path}`, { method: 'POST', headers, body });
  const token = async (headers: Record<string, string> = {}) => {
    const r = await post(
      '/operator/offers',
      { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' },
      JSON.stringify({ type: 'refugee-status', claims: AMAL, tx_code: false }),
    );
    const code = preAuthorizedCode(((await r.json()) as { offer_link: string }).offer_link);
    return post(
      '/token',
      { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      new URLSearchParams({
        grant_type: PRE_AUTHORIZED_GRANT,
        'pre-authorized_code': code,
      }).toString(),
    );
  };
  return { token, app };
}

/** A wallet provider's attestation of an instance key, and that key's proof. */
async function attested(
  provider: KeyPair,
  header: Record<string, unknown>,
  instance: KeyPair,
  overrides: { exp?: number; aud?: string; popKey?: KeyPair; jti?: string } = {},
) {
  const attestation = await signJwt(
    await signerFromJwk(provider.privateJwk),
    { typ: 'oauth-client-attestation+jwt', ...header },
    {
      iss: 'https://wallet-provider.example',
      sub: 'wallet-instance-1',
      exp: overrides.exp ?? now() + 3600,
      iat: now(),
      cnf: { jwk: instance.publicJwk },
    },
  );
  const pop = await signJwt(
    await signerFromJwk((overrides.popKey ?? instance).privateJwk),
    { typ: 'oauth-client-attestation-pop+jwt' },
    {
      iss: 'wallet-instance-1',
      aud: overrides.aud ?? BASE_URL,
      jti: overrides.jti ?? crypto.randomUUID(),
      iat: now(),
      exp: now() + 300,
    },
  );
  return { 'OAuth-Client-Attestation': attestation, 'OAuth-Client-Attestation-PoP': pop };
}

describe('wallet attestations at the issuer service', () => {
  it('accepts a trusted provider by kid or by certificate, and the token names the wallet', async () => {
    const provider = await generateKeyPair();
    const ca = await CertificateAuthority.create({
      subject: { commonName: 'Provider CA' },
      days: 30,
    });
    const certified = await generateKeyPair();
    const leaf = await ca.issue({
      subject: { commonName: 'Provider' },
      publicJwk: certified.publicJwk,
      days: 30,
    });
    const s = await service({
      providers: [
        { name: 'Wallet Co', jwks: { keys: [{ ...provider.publicJwk, kid: 'p1' } as JWK] } },
        { name: 'Wallet PKI', certificate: ca.certificate },
      ],
    });
    const instance = await generateKeyPair();
    for (const headers of [
      await attested(provider, { kid: 'p1' }, instance),
      await attested(certified, { x5c: [leaf] }, instance),
    ]) {
      const r = await s.token(headers);
      expect(r.status).toBe(200);
      const { access_token } = (await r.json()) as { access_token: string };
      expect(decodeJwt(access_token).payload.client_id).toBe('wallet-instance-1');
    }
    // Optional: a wallet without one still gets its token.
    expect((await s.token()).status).toBe(200);
  });

  it('refuses each bad attestation with its code', async () => {
    const provider = await generateKeyPair();
    const stranger = await generateKeyPair();
    const instance = await generateKeyPair();
    const s = await service({
      providers: [
        { name: 'Wallet Co', jwks: { keys: [{ ...provider.publicJwk, kid: 'p1' } as JWK] } },
      ],
    });
    const replayed = await attested(provider, { kid: 'p1' }, instance, { jti: 'once' });
    expect((await s.token(replayed)).status).toBe(200);
    const cases: Array<[string, Record<string, string>]> = [
      ['an unknown provider', await attested(stranger, { kid: 'p1' }, instance)],
      [
        'a self-signed attestation',
        await attested(stranger, { jwk: stranger.publicJwk }, instance),
      ],
      [
        'a proof by another key',
        await attested(provider, { kid: 'p1' }, instance, { popKey: stranger }),
      ],
      [
        'a proof for another issuer',
        await attested(provider, { kid: 'p1' }, instance, { aud: 'https://other.example' }),
      ],
      [
        'an expired attestation',
        await attested(provider, { kid: 'p1' }, instance, { exp: now() - 10 }),
      ],
      ['a replayed proof', replayed],
      [
        'an attestation without its proof',
        { 'OAuth-Client-Attestation': replayed['OAuth-Client-Attestation'] },
      ],
    ];
    for (const [name, headers] of cases) {
      const r = await s.token(headers);
      expect(r.status, name).toBe(401);
      expect(await r.json(), name).toMatchObject({
        error: 'invalid_client',
        sanad_code: 'ERR_WALLET_ATTESTATION_INVALID',
      });
    }
  });

  it('when required, refuses a wallet without one, and says so in its metadata', async () => {
    const provider = await generateKeyPair();
    const s = await service({
      providers: [
        { name: 'Wallet Co', jwks: { keys: [{ ...provider.publicJwk, kid: 'p1' } as JWK] } },
      ],
      required: true,
    });
    const r = await s.token();
    expect(r.status).toBe(401);
    expect(await r.json()).toMatchObject({ sanad_code: 'ERR_WALLET_ATTESTATION_REQUIRED' });
    const metadata = await (
      await s.app.request(`${BASE_URL}/.well-known/oauth-authorization-server`)
    ).json();
    expect(metadata).toMatchObject({
      token_endpoint_auth_methods_supported: ['attest_jwt_client_auth'],
    });
    expect(
      (await s.token(await attested(provider, { kid: 'p1' }, await generateKeyPair()))).status,
    ).toBe(200);
  });

  it('refuses a provider list it could not use, at start-up', () => {
    for (const bad of [
      [],
      {},
      [{ certificate: 'AAAA' }],
      [{ name: 'No key' }],
      [{ name: 'Private', jwks: { keys: [{ kty: 'EC', d: 'x', kid: 'k' }] } }],
      [{ name: 'No kid', jwks: { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }] } }],
    ])
      expect(() => checkWalletProviders(bad)).toThrow(
        expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }),
      );
    expect(checkWalletProviders([{ name: 'Ok', certificate: 'AAAA' }])).toHaveLength(1);
  });
});
