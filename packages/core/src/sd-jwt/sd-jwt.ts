/** Splitting a compact SD-JWT (RFC 9901 section 4): `<JWT>~<disclosure>~…~[<KB-JWT>]`. */
import { SanadError } from '../errors.js';
import { type DecodedJwt, decodeJwt } from '../jwt.js';

export interface ParsedSdJwt {
  /** The issuer-signed JWT, decoded (signature not yet checked). */
  jwt: DecodedJwt;
  /** The disclosures exactly as presented. */
  disclosures: string[];
  /** The Key Binding JWT, when the presentation ends with one. */
  kbJwt?: string;
  /** Everything up to and including the last `~`: the input of the KB-JWT `sd_hash`. */
  withoutKb: string;
}

/** Refuse absurd inputs before doing any work on them. */
export const MAX_SD_JWT_LENGTH = 1_000_000;

/**
 * Parses a compact SD-JWT or SD-JWT+KB. Throws `ERR_SDJWT_MALFORMED`.
 *
 * @example
 * ```ts
 * const { jwt, disclosures, kbJwt } = parseSdJwt(presentation)
 * ```
 */
export function parseSdJwt(compact: string): ParsedSdJwt {
  if (typeof compact !== 'string' || compact.length > MAX_SD_JWT_LENGTH)
    throw new SanadError('ERR_SDJWT_MALFORMED');
  const text = compact.trim();
  const parts = text.split('~');
  // An SD-JWT always has a separator after the issuer JWT, even with no disclosures.
  if (parts.length < 2)
    throw new SanadError('ERR_SDJWT_MALFORMED', 'The SD-JWT has no "~" separator.');
  const last = parts.pop() as string;
  const [issuerJwt, ...disclosures] = parts as [string, ...string[]];
  if (disclosures.some((d) => d.length === 0))
    throw new SanadError('ERR_SDJWT_MALFORMED', 'The SD-JWT has an empty disclosure.');
  const jwt = decodeJwt(issuerJwt, 'ERR_SDJWT_MALFORMED');
  const withoutKb = text.slice(0, text.length - last.length);
  return last === ''
    ? { jwt, disclosures, withoutKb }
    : { jwt, disclosures, kbJwt: last, withoutKb };
}
