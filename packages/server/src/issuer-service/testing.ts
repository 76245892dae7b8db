/**
 * A real issuer (fresh ES256 key, in-memory register) and a wallet's side of the exchange
 * (token request, key proofs), for the issuer service's tests beside this file.
 */
import {
  type Clock,
  didKeyFromJwk,
  didKeyMultibase,
  generateKeyPair,
  type JWK,
  signerFromJwk,
  signJwt,
} from '@sanad/core';
import {
  createIssuer,
  createMemoryIssuerStore,
  type Issuer,
  refugeeStatusType,
} from '@sanad/issuer';
import type { RequestLike } from '@openid4vc/oauth2';

export const BASE_URL = 'https://issuer.test';
export const AMAL = {
  given_name: 'Amal',
  family_name: 'Haddad',
  birthdate: '1994-03-12',
  nationality: 'SYR',
  case_number: 'LB-1',
  age_over_18: true,
};
export const PRE_AUTHORIZED_GRANT = 'urn:ietf:params:oauth:grant-type:pre-authorized_code';

export async function testIssuer(): Promise<Issuer> {
  const { publicJwk, privateJwk } = await generateKeyPair('ES256');
  const did = didKeyFromJwk(publicJwk);
  return createIssuer({
    store: createMemoryIssuerStore(),
    signer: await signerFromJwk(privateJwk),
    issuerId: did,
    kid: `${did}#${didKeyMultibase(did)}`,
    statusBaseUrl: `${BASE_URL}/status`,
    types: [refugeeStatusType],
  });
}

/** The pre-authorized code carried by an offer link. */
export function preAuthorizedCode(offerUri: string): string {
  const offer = JSON.parse(new URL(offerUri).searchParams.get('credential_offer')!) as {
    grants: Record<string, { 'pre-authorized_code': string }>;
  };
  return offer.grants[PRE_AUTHORIZED_GRANT]!['pre-authorized_code'];
}

export const tokenBody = (code: string, txCode?: string): Record<string, string> => ({
  grant_type: PRE_AUTHORIZED_GRANT,
  'pre-authorized_code': code,
  ...(txCode !== undefined ? { tx_code: txCode } : {}),
});

export const requestTo = (path: string, headers: Record<string, string> = {}): RequestLike => ({
  method: 'POST',
  url: `${BASE_URL}${path}`,
  headers: new Headers(headers),
});

/** One OpenID4VCI key proof (section 8.2.1.1), each with a key of its own. */
export async function keyProof(
  nonce: string,
  clock: Clock = { now: () => Date.now() },
  aud = BASE_URL,
): Promise<string> {
  const { publicJwk, privateJwk } = await generateKeyPair('ES256');
  return signJwt(
    await signerFromJwk(privateJwk),
    { typ: 'openid4vci-proof+jwt', jwk: publicJwk as JWK },
    { aud, iat: Math.floor(clock.now() / 1000), nonce },
  );
}

/** A wrong PIN for `pin` of the same length. */
export const wrongPin = (pin: string): string => `${(Number(pin[0]) + 1) % 10}${pin.slice(1)}`;
