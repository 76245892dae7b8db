/**
 * Compact JWS parsing and verification with typed errors.
 * Only ES256 and EdDSA are accepted; `none` and every other algorithm are refused.
 */
import {
  fromBase64url,
  fromUtf8,
  isPlainObject,
  parseJsonStrict,
  utf8Transient,
} from './encoding.js';
import { isSanadError, SanadError } from './errors.js';
import { algorithmOfJwk, type JWK, type SignatureAlgorithm, verifySignature } from './keys.js';

export interface DecodedJwt {
  header: Record<string, unknown>;
  payload: Record<string, unknown>;
  /** `base64url(header) "." base64url(payload)`, the bytes the signature covers. */
  signingInput: string;
  signature: Uint8Array;
}

/** The largest NumericDate: beyond 2^53 seconds, numbers stop being exact integers. */
const MAX_NUMERIC_DATE = 2 ** 53;

/** The registered date claims (RFC 7519 section 4.1), checked in every decoded JWT payload. */
const DATE_CLAIMS = ['exp', 'nbf', 'iat'] as const;

/**
 * Reads a NumericDate (RFC 7519 section 2): `undefined` when absent, the number when it is an
 * integer from 0 to 2^53, `ERR_NUMERIC_DATE_INVALID` otherwise. JSON's `1e309` parses as
 * Infinity (a credential that never expires), a string compares oddly, a fraction or a number
 * past 2^53 is not a whole second: all are refused rather than read one way or another.
 *
 * @example
 * ```ts
 * const exp = numericDate(payload.exp) // number | undefined
 * ```
 */
export function numericDate(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (!isNumericDate(value)) throw new SanadError('ERR_NUMERIC_DATE_INVALID');
  return value;
}

/** True for a NumericDate: an integer from 0 to 2^53 (RFC 7519 section 2). */
export function isNumericDate(value: unknown): value is number {
  return (
    typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_NUMERIC_DATE
  );
}

function decodeJsonPart(part: string): Record<string, unknown> {
  const value: unknown = parseJsonStrict(fromUtf8(fromBase64url(part)));
  if (!isPlainObject(value)) throw new TypeError('not an object');
  return value;
}

/**
 * Splits and decodes a compact JWS without checking its signature.
 * Throws `ERR_JWT_MALFORMED` (or `errorCode`) on anything that is not three canonical base64url
 * parts of JSON nested at most `MAX_JSON_DEPTH` deep (the cause says which, e.g.
 * `ERR_ENCODING_NONCANONICAL`), and `ERR_NUMERIC_DATE_INVALID` for an `exp`, `nbf` or `iat`
 * that is not a NumericDate ({@link numericDate}).
 */
export function decodeJwt(
  jwt: string,
  errorCode:
    | 'ERR_JWT_MALFORMED'
    | 'ERR_SDJWT_MALFORMED'
    | 'ERR_KB_JWT_MALFORMED' = 'ERR_JWT_MALFORMED',
): DecodedJwt {
  if (typeof jwt !== 'string') throw new SanadError(errorCode);
  const parts = jwt.split('.');
  if (parts.length !== 3 || parts.some((p) => p.length === 0)) throw new SanadError(errorCode);
  const [h, p, s] = parts as [string, string, string];
  let decoded: DecodedJwt;
  try {
    decoded = {
      header: decodeJsonPart(h),
      payload: decodeJsonPart(p),
      signingInput: `${h}.${p}`,
      signature: fromBase64url(s),
    };
  } catch (cause) {
    // A damaged token stays a refusal of its format; a typed reason (non-canonical base64url,
    // nesting too deep) keeps its neutral message and is the cause.
    throw new SanadError(errorCode, isSanadError(cause) ? cause.message : undefined, { cause });
  }
  // Every reader of exp, nbf and iat gets them through here, so none can read a bad one.
  for (const claim of DATE_CLAIMS) numericDate(decoded.payload[claim]);
  // RFC 7515 section 4.1.11: extensions listed in "crit" must be understood; Sanad understands
  // none. RFC 7797 unencoded payloads ("b64": false) would change what the signature covers.
  if ('crit' in decoded.header)
    throw new SanadError(
      errorCode,
      'The JWT has critical header parameters Sanad does not understand.',
    );
  if ('b64' in decoded.header)
    throw new SanadError(errorCode, 'Unencoded JWS payloads (b64) are not accepted.');
  return decoded;
}

/** The `alg` header, checked against the algorithms Sanad accepts. */
export function headerAlgorithm(header: Record<string, unknown>): SignatureAlgorithm {
  const alg = header.alg;
  if (alg === 'ES256' || alg === 'EdDSA') return alg;
  throw new SanadError('ERR_JWT_ALG_NOT_ALLOWED');
}

/**
 * Verifies the signature of a decoded JWT with `publicJwk`.
 * The algorithm must match the key type, so a key cannot be used with another algorithm.
 */
export async function verifyDecodedJwt(
  jwt: DecodedJwt,
  publicJwk: JWK,
  errorCode:
    | 'ERR_SIGNATURE_INVALID'
    | 'ERR_HOLDER_BINDING_INVALID'
    | 'ERR_TRUST_LIST_SIGNATURE_INVALID'
    | 'ERR_VERIFIER_REGISTRY_SIGNATURE_INVALID'
    | 'ERR_STATUS_LIST_INVALID' = 'ERR_SIGNATURE_INVALID',
): Promise<void> {
  const alg = headerAlgorithm(jwt.header);
  let keyAlg: SignatureAlgorithm;
  try {
    keyAlg = algorithmOfJwk(publicJwk);
  } catch {
    throw new SanadError(errorCode);
  }
  // A key that carries private members or is not a point on the curve is not a verification key:
  // the signature cannot be checked, so it does not verify (never an input error of the caller's).
  if (keyAlg !== alg || 'd' in publicJwk) throw new SanadError(errorCode);
  let ok: boolean;
  try {
    ok = await verifySignature(publicJwk, alg, utf8Transient(jwt.signingInput), jwt.signature);
  } catch (cause) {
    throw new SanadError(errorCode, undefined, { cause });
  }
  if (!ok) throw new SanadError(errorCode);
}
