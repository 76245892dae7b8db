/**
 * Protocol interop: a wallet built only from the OpenWallet Foundation clients
 * (`@openid4vc/openid4vci`, `@openid4vc/openid4vp`), `jose` and `@sd-jwt/sd-jwt-vc` — no Sanad
 * code on its side — receives a credential from Sanad's issuer service, checks it with
 * `@sd-jwt/sd-jwt-vc`, and answers Sanad's verifier service with an encrypted response.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CallbackContext,
  HashAlgorithm,
  type Jwk,
  preAuthorizedCodeGrantIdentifier,
} from '@openid4vc/oauth2';
import { Openid4vciClient } from '@openid4vc/openid4vci';
import { Openid4vpClient } from '@openid4vc/openid4vp';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { openSqliteIssuerStore } from '@sanad/issuer';
import { openSqliteServiceStore } from '@sanad/server';
import {
  CompactEncrypt,
  CompactSign,
  compactVerify,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
} from 'jose';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { amal } from '../support/fixtures.js';
import { operator, type Services, startServices } from '../support/services.js';

let s: Services;
beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sanad-interop-'));
  // The https identifier: iss is the issuer URL, its keys at /.well-known/jwt-vc-issuer.
  s = await startServices(
    {
      issuer: openSqliteIssuerStore(join(dir, 'i.sqlite')),
      service: openSqliteServiceStore(join(dir, 's.sqlite')),
      dump: async () => '',
    },
    { identifier: 'https' },
  );
});
afterAll(() => s.close());

const b64urlJson = (part: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

/** A foreign wallet's callbacks: jose and node:crypto only. */
async function foreignWallet() {
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = (await exportJWK(publicKey)) as Jwk;
  const callbacks: CallbackContext = {
    fetch: globalThis.fetch,
    hash: (data, alg) =>
      new Uint8Array(
        createHash(
          alg === HashAlgorithm.Sha256
            ? 'sha256'
            : alg === HashAlgorithm.Sha384
              ? 'sha384'
              : 'sha512',
        )
          .update(data)
          .digest(),
      ),
    generateRandom: (n) => new Uint8Array(randomBytes(n)),
    signJwt: async (_signer, { header, payload }) => ({
      jwt: await new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
        .setProtectedHeader(header as never)
        .sign(privateKey),
      signerJwk: publicJwk,
    }),
    verifyJwt: async (signer, { compact }) => {
      // The verifier signs with did:jwk: its key is in its identifier.
      if (signer.method !== 'did' || !signer.didUrl.startsWith('did:jwk:'))
        return { verified: false };
      const jwk = b64urlJson(signer.didUrl.slice('did:jwk:'.length).split('#')[0]!) as JWK;
      try {
        await compactVerify(compact, await importJWK(jwk, 'ES256'));
        return { verified: true, signerJwk: jwk as Jwk };
      } catch {
        return { verified: false };
      }
    },
    encryptJwe: async (encryptor, data) => ({
      jwe: await new CompactEncrypt(new TextEncoder().encode(data))
        .setProtectedHeader({
          alg: encryptor.alg,
          enc: encryptor.enc,
          ...(encryptor.publicJwk.kid ? { kid: encryptor.publicJwk.kid } : {}),
        })
        .encrypt(await importJWK(encryptor.publicJwk as JWK, encryptor.alg)),
      encryptionJwk: encryptor.publicJwk,
    }),
    decryptJwe: () => ({ decrypted: false }),
    clientAuthentication: () => undefined,
  };
  return { publicJwk, privateKey, callbacks };
}

it('a wallet made of @openid4vc clients, jose and @sd-jwt/sd-jwt-vc receives from and presents to the Sanad services', async () => {
  const wallet = await foreignWallet();
  const sdjwt = new SDJwtVcInstance({
    hasher: (data: string | ArrayBuffer) =>
      new Uint8Array(
        createHash('sha256')
          .update(typeof data === 'string' ? data : Buffer.from(data))
          .digest(),
      ),
    hashAlg: 'sha-256',
    kbSigner: async (data: string) =>
      Buffer.from(
        await crypto.subtle.sign(
          { name: 'ECDSA', hash: 'SHA-256' },
          wallet.privateKey as CryptoKey,
          new TextEncoder().encode(data),
        ),
      ).toString('base64url'),
    kbSignAlg: 'ES256',
  });

  // --- OpenID4VCI -----------------------------------------------------------------------------
  const { json } = await operator(s.issuerUrl, 'POST', '/offers', {
    type: 'refugee-status',
    claims: amal,
  });
  const vci = new Openid4vciClient({ callbacks: wallet.callbacks });
  const offer = await vci.resolveCredentialOffer(String(json.offer_link));
  expect(offer.grants?.[preAuthorizedCodeGrantIdentifier]?.tx_code).toMatchObject({
    input_mode: 'numeric',
    length: 6,
  });
  const issuerMetadata = await vci.resolveIssuerMetadata(offer.credential_issuer);
  const { accessTokenResponse } = await vci.retrievePreAuthorizedCodeAccessTokenFromOffer({
    credentialOffer: offer,
    issuerMetadata,
    txCode: String(json.tx_code),
  });
  const { c_nonce } = await vci.requestNonce({ issuerMetadata });
  const configurationId = offer.credential_configuration_ids[0]!;
  const { jwt: proof } = await vci.createCredentialRequestJwtProof({
    issuerMetadata,
    credentialConfigurationId: configurationId,
    signer: { method: 'jwk', publicJwk: wallet.publicJwk, alg: 'ES256' },
    nonce: c_nonce,
  });
  const { credentialResponse } = await vci.retrieveCredentials({
    issuerMetadata,
    accessToken: accessTokenResponse.access_token,
    credentialConfigurationId: configurationId,
    proofs: { jwt: [proof] },
  });
  const credential = (credentialResponse.credentials![0] as { credential: string }).credential;

  // The credential verifies in @sd-jwt/sd-jwt-vc with the key from its JWT VC Issuer Metadata,
  // read as the draft says: issuer identical to iss, the key by the header's kid.
  const metadata = (await (await fetch(`${s.issuerUrl}/.well-known/jwt-vc-issuer`)).json()) as {
    issuer: string;
    jwks: { keys: JWK[] };
  };
  const [header, payload] = credential.split('~')[0]!.split('.');
  expect(metadata.issuer).toBe(b64urlJson(payload!).iss);
  const signing = metadata.jwks.keys.filter((k) => k.kid === b64urlJson(header!).kid);
  expect(signing).toHaveLength(1);
  const issuerKey = await importJWK(signing[0]!, 'ES256');
  const byIssuerKey = async (data: string, sig: string): Promise<boolean> => {
    const [h, p] = data.split('.');
    return compactVerify(`${h}.${p}.${sig}`, issuerKey).then(
      () => true,
      () => false,
    );
  };
  // It also fetches and checks the service's Token Status List.
  const checker = new SDJwtVcInstance({
    hasher: (data: string | ArrayBuffer) =>
      new Uint8Array(
        createHash('sha256')
          .update(typeof data === 'string' ? data : Buffer.from(data))
          .digest(),
      ),
    verifier: byIssuerKey,
    statusVerifier: byIssuerKey,
  });
  const checked = await checker.verify(credential);
  expect(checked.payload).toMatchObject({
    iss: s.issuerUrl,
    cnf: { jwk: { x: wallet.publicJwk.x } },
  });

  // --- OpenID4VP ------------------------------------------------------------------------------
  const session = await operator(s.verifierUrl, 'POST', '/sessions', { preset: 'over-18' });
  const vp = new Openid4vpClient({ callbacks: wallet.callbacks });
  const parsed = vp.parseOpenid4vpAuthorizationRequest({
    authorizationRequest: String(session.json.authorization_request),
  });
  const resolved = await vp.resolveOpenId4vpAuthorizationRequest({
    authorizationRequestPayload: parsed.params as never,
  });
  expect(resolved.client.prefix).toBe('decentralized_identifier');
  const request = resolved.authorizationRequestPayload as { nonce: string; response_mode: string };
  expect(request.response_mode).toBe('direct_post.jwt');
  const queryId = (resolved.dcql!.query as { credentials: Array<{ id: string }> }).credentials[0]!
    .id;
  const presentation = await sdjwt.present(
    credential,
    { age_over_18: true },
    {
      kb: {
        payload: {
          iat: Math.floor(Date.now() / 1000),
          aud: resolved.client.effective,
          nonce: request.nonce,
        },
      },
    },
  );
  const response = await vp.createOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: resolved.authorizationRequestPayload,
    authorizationResponsePayload: { vp_token: { [queryId]: [presentation] } },
    jarm: {
      encryption: { nonce: randomBytes(16).toString('base64url') },
      serverMetadata: {
        authorization_encryption_alg_values_supported: ['ECDH-ES'],
        authorization_encryption_enc_values_supported: ['A128GCM'],
      },
    },
  } as never);
  const submitted = await vp.submitOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: resolved.authorizationRequestPayload as never,
    authorizationResponsePayload: response.authorizationResponsePayload,
    jarm: { responseJwt: response.jarm!.responseJwt },
  });
  expect(submitted.response.status).toBe(200);
  const result = await operator(
    s.verifierUrl,
    'GET',
    `/sessions/${String(session.json.session_id)}`,
  );
  expect((result.json.result as { errors: unknown[] }).errors).toEqual([]);
  expect(result.json).toMatchObject({
    status: 'answered',
    result: { verified: true, claims: { age_over_18: true }, issuer: s.issuerUrl },
  });
});
