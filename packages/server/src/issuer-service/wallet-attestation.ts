/**
 * Wallet attestations (OAuth 2.0 Attestation-Based Client Authentication, as HAIP asks of
 * wallets): in `OAuth-Client-Attestation` a wallet provider the issuer trusts vouches for a
 * wallet instance's key; in `OAuth-Client-Attestation-PoP` that key signs for this request, once.
 * Accepted when a wallet offers one, required when the deployment says so.
 */
import {
  type DecodedJwt,
  decodeJwt,
  isPlainObject,
  isSanadError,
  type JWK,
  numericDate,
  SanadError,
  verifyDecodedJwt,
} from '@sanad/core';
import { verifyCertificateChain } from '@sanad/core/x509';
import type { RequestLike } from '@openid4vc/oauth2';
import { HttpError } from '../http/errors.js';
import type { ServiceStore } from '../store/service-store.js';

/** A wallet provider whose attestations this issuer accepts: by its CA certificate (`x5c`) or its keys (`kid`). */
export interface WalletProvider {
  name: string;
  /** A CA certificate (standard base64 DER) the attestation's `x5c` chain must lead to. */
  certificate?: string;
  /** Keys that sign its attestations, found by the attestation's `kid`. */
  jwks?: { keys: JWK[] };
}

export interface WalletAttestationOptions {
  providers: WalletProvider[];
  /** Refuse token requests without an attestation (`ERR_WALLET_ATTESTATION_REQUIRED`). */
  required?: boolean;
}

/** Who vouched for the wallet, once its attestation and proof hold. */
export interface AttestedWallet {
  provider: string;
  /** The wallet instance's client id (the attestation's `sub`). */
  clientId: string;
}

const ATTESTATION_TYP = 'oauth-client-attestation+jwt';
const POP_TYP = 'oauth-client-attestation-pop+jwt';
/** How long a proof may be used after it was made, and so how long its `jti` is remembered. */
const POP_MAX_AGE_SECONDS = 300;
const SKEW_SECONDS = 60;

const refused = (description: string): HttpError =>
  new HttpError(401, 'invalid_client', description, 'ERR_WALLET_ATTESTATION_INVALID');

function decoded(jwt: string, typ: string, what: string): DecodedJwt {
  let result: DecodedJwt;
  try {
    result = decodeJwt(jwt);
  } catch {
    throw refused(`The ${what} is not a JWT.`);
  }
  if (result.header.typ !== typ) throw refused(`The ${what} is not of type ${typ}.`);
  return result;
}

async function verified(jwt: DecodedJwt, key: JWK, what: string): Promise<void> {
  try {
    await verifyDecodedJwt(jwt, key);
  } catch (err) {
    if (!isSanadError(err)) throw err;
    throw refused(`The ${what} signature does not verify.`);
  }
}

/** The provider that signed `attestation`, and its key; refused when it is none of `providers`. */
async function providerKey(
  attestation: DecodedJwt,
  providers: readonly WalletProvider[],
  now: number,
): Promise<{ provider: WalletProvider; key: JWK }> {
  const { x5c, kid } = attestation.header;
  if (x5c !== undefined) {
    for (const provider of providers.filter((p) => p.certificate !== undefined)) {
      try {
        const { leaf } = await verifyCertificateChain(x5c, [provider.certificate!], now);
        return { provider, key: leaf.publicJwk };
      } catch (err) {
        if (!isSanadError(err)) throw err;
      }
    }
    throw refused(
      'The attestation certificate does not lead to a wallet provider this issuer trusts.',
    );
  }
  if (typeof kid === 'string') {
    for (const provider of providers) {
      const key = provider.jwks?.keys.find((k) => k.kid === kid);
      if (key) return { provider, key };
    }
  }
  throw refused('The attestation is not signed by a wallet provider this issuer trusts.');
}

/**
 * The check of one token request's attestation headers; `undefined` when there are none and none
 * is required.
 *
 * @example
 * ```ts
 * const attest = walletAttestationCheck({ providers }, { store, audience: baseUrl, now })
 * const wallet = await attest(request) // { provider: 'Wallet Co', clientId } or undefined
 * ```
 */
export function walletAttestationCheck(
  options: WalletAttestationOptions,
  context: { store: ServiceStore; audience: string; now: () => number },
): (request: RequestLike) => Promise<AttestedWallet | undefined> {
  return async (request) => {
    const attestationJwt = request.headers.get('oauth-client-attestation');
    const popJwt = request.headers.get('oauth-client-attestation-pop');
    if (!attestationJwt && !popJwt) {
      if (options.required)
        throw new HttpError(
          401,
          'invalid_client',
          'This issuer accepts only wallets with an attestation from a wallet provider it trusts.',
          'ERR_WALLET_ATTESTATION_REQUIRED',
        );
      return undefined;
    }
    if (!attestationJwt || !popJwt)
      throw refused('Send both OAuth-Client-Attestation and OAuth-Client-Attestation-PoP.');
    const now = context.now();

    const attestation = decoded(attestationJwt, ATTESTATION_TYP, 'attestation');
    const { provider, key } = await providerKey(attestation, options.providers, now);
    await verified(attestation, key, 'attestation');
    const { sub, exp, cnf } = attestation.payload;
    const instanceKey = isPlainObject(cnf) && isPlainObject(cnf.jwk) ? (cnf.jwk as JWK) : undefined;
    if (typeof sub !== 'string' || sub === '' || !instanceKey || 'd' in instanceKey)
      throw refused('The attestation names no wallet instance (sub) or key (cnf.jwk).');
    const expires = numericDate(exp);
    if (expires === undefined || expires <= now) throw refused('The attestation has expired.');

    const pop = decoded(popJwt, POP_TYP, 'attestation proof');
    await verified(pop, instanceKey, 'attestation proof');
    const { iss, aud, jti, iat } = pop.payload;
    const audiences = Array.isArray(aud) ? aud : [aud];
    if (iss !== sub) throw refused('The attestation proof is not from the attested wallet (iss).');
    if (!audiences.includes(context.audience))
      throw refused('The attestation proof is for another issuer (aud).');
    const made = numericDate(iat);
    if (made === undefined || made > now + SKEW_SECONDS || made < now - POP_MAX_AGE_SECONDS)
      throw refused('The attestation proof was not made just now (iat).');
    if (typeof jti !== 'string' || jti === '') throw refused('The attestation proof has no jti.');
    // Good once: a proof seen before is a replay.
    if (
      !(await context.store.put(
        'attestation_pop',
        `${sub}\u0000${jti}`,
        {},
        made + POP_MAX_AGE_SECONDS,
        now,
      ))
    )
      throw refused('The attestation proof was already used.');
    return { provider: provider.name, clientId: sub };
  };
}

/** Refuses provider lists a service could not use, at start-up. */
export function checkWalletProviders(providers: unknown): WalletProvider[] {
  if (!Array.isArray(providers) || providers.length === 0)
    throw new SanadError('ERR_CONFIG_INVALID', 'Wallet providers must be a non-empty list.');
  for (const [i, p] of providers.entries()) {
    if (!isPlainObject(p) || typeof p.name !== 'string' || p.name === '')
      throw new SanadError('ERR_CONFIG_INVALID', `Wallet provider ${i} has no name.`);
    if (p.certificate === undefined && p.jwks === undefined)
      throw new SanadError(
        'ERR_CONFIG_INVALID',
        `Wallet provider ${i} needs a certificate or jwks.`,
      );
    const keys = isPlainObject(p.jwks) ? p.jwks.keys : undefined;
    if (
      p.jwks !== undefined &&
      (!Array.isArray(keys) ||
        keys.some((k) => !isPlainObject(k) || 'd' in k || typeof k.kid !== 'string'))
    )
      throw new SanadError(
        'ERR_CONFIG_INVALID',
        `Wallet provider ${i} jwks must hold public keys, each with a kid.`,
      );
    if (p.certificate !== undefined && typeof p.certificate !== 'string')
      throw new SanadError(
        'ERR_CONFIG_INVALID',
        `Wallet provider ${i} certificate must be base64 DER.`,
      );
  }
  return providers as WalletProvider[];
}
