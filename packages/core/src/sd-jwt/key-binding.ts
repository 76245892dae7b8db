/** RFC 9901 section 7.3: checking the Key Binding JWT of a presentation. */
import { type ErrorReport, SanadError, errorReport, isSanadError } from '../errors.js';
import { sha256Base64url } from '../hash.js';
import { decodeJwt, verifyDecodedJwt } from '../jwt.js';
import type { JWK } from '../keys.js';

export interface KeyBindingExpectations {
  /** `cnf.jwk` from the issuer-signed payload. */
  holderJwk: JWK;
  /** The presentation up to and including the last `~`. */
  withoutKb: string;
  nonce: string;
  audience: string;
  /** Seconds since the epoch. */
  now: number;
  /** How old `iat` may be (default 300 s). */
  maxAgeSeconds?: number;
  /** How far in the future `iat` may be, for clock drift (default 60 s). */
  futureSkewSeconds?: number;
}

/** `sd_hash`: base64url(SHA-256(the SD-JWT up to and including the last `~`)). */
export function sdHash(withoutKb: string): string {
  return sha256Base64url(withoutKb);
}

/**
 * Verifies a KB-JWT and returns every problem found (empty when it holds).
 *
 * @example
 * ```ts
 * const errors = await verifyKeyBinding(kbJwt, { holderJwk, withoutKb, nonce, audience, now })
 * ```
 */
export async function verifyKeyBinding(
  kbJwt: string,
  expected: KeyBindingExpectations,
): Promise<ErrorReport[]> {
  const kb = decodeJwt(kbJwt, 'ERR_KB_JWT_MALFORMED');
  if (kb.header.typ !== 'kb+jwt')
    return [errorReport('ERR_KB_JWT_MALFORMED', 'The Key Binding JWT typ is not kb+jwt.')];
  try {
    await verifyDecodedJwt(kb, expected.holderJwk, 'ERR_HOLDER_BINDING_INVALID');
  } catch (err) {
    if (isSanadError(err)) return [err.toReport()];
    throw err;
  }
  const errors: ErrorReport[] = [];
  const { nonce, aud, iat, sd_hash: hash } = kb.payload;
  if (typeof nonce !== 'string' || nonce !== expected.nonce)
    errors.push(errorReport('ERR_NONCE_MISMATCH'));
  if (typeof aud !== 'string' || aud !== expected.audience)
    errors.push(errorReport('ERR_AUDIENCE_MISMATCH'));
  const maxAge = expected.maxAgeSeconds ?? 300;
  const futureSkew = expected.futureSkewSeconds ?? 60;
  if (
    typeof iat !== 'number' ||
    !Number.isFinite(iat) ||
    iat < expected.now - maxAge ||
    iat > expected.now + futureSkew
  ) {
    errors.push(errorReport('ERR_PRESENTATION_IAT_INVALID'));
  }
  if (typeof hash !== 'string' || hash !== sdHash(expected.withoutKb))
    errors.push(errorReport('ERR_KB_SD_HASH_MISMATCH'));
  return errors;
}

/** Throws when `cnf` does not carry a usable public JWK. */
export function holderJwkOf(payload: Record<string, unknown>): JWK | undefined {
  const cnf = payload.cnf;
  if (cnf === undefined) return undefined;
  if (
    typeof cnf !== 'object' ||
    cnf === null ||
    typeof (cnf as { jwk?: unknown }).jwk !== 'object' ||
    (cnf as { jwk?: unknown }).jwk === null
  ) {
    throw new SanadError('ERR_SDJWT_MALFORMED', 'The cnf claim has no jwk.');
  }
  const jwk = (cnf as { jwk: JWK }).jwk;
  if ('d' in jwk)
    throw new SanadError(
      'ERR_HOLDER_BINDING_INVALID',
      'The cnf key contains a private part: the credential cannot prove its holder.',
    );
  return jwk;
}
