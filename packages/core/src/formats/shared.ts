/** What the JWT-based formats share: the issuer's DID key, dates, the person's claims. */
import { type DidResolverOptions, resolveDidKey } from '../did/resolve.js';
import { isSanadError, SanadError } from '../errors.js';
import { type DecodedJwt, numericDate, verifyDecodedJwt } from '../jwt.js';
import type { JWK } from '../keys.js';
import { setOwn } from '../sd-jwt/disclosures.js';

export const invalid = (message: string, cause?: unknown): SanadError =>
  new SanadError('ERR_CREDENTIAL_INVALID', message, cause === undefined ? undefined : { cause });

/**
 * The key of a DID issuer for a token signed with header `kid` (the issuer's own DID URL or a
 * fragment of it). An https issuer publishes its keys out of band: the wallet cannot check it.
 */
export async function didIssuerKey(
  issuer: string,
  kid: string | undefined,
  did?: DidResolverOptions,
): Promise<JWK> {
  if (!issuer.startsWith('did:'))
    throw new SanadError(
      'ERR_ISSUER_KEY_NOT_FOUND',
      'The wallet checks signatures of DID issuers only.',
    );
  const didUrl = kid?.startsWith('did:') ? kid : kid?.startsWith('#') ? `${issuer}${kid}` : issuer;
  if (!didUrl.startsWith(issuer)) throw invalid('The signing key does not belong to the issuer.');
  return resolveDidKey(didUrl, did);
}

/** Checks a DID issuer's signature on import; `false` for an https issuer (checked by verifiers against their trust list). */
export async function checkIssuerSignature(
  jwt: DecodedJwt,
  issuer: string,
  did?: DidResolverOptions,
): Promise<boolean> {
  if (!issuer.startsWith('did:')) return false;
  try {
    await verifyDecodedJwt(
      jwt,
      await didIssuerKey(
        issuer,
        typeof jwt.header.kid === 'string' ? jwt.header.kid : undefined,
        did,
      ),
    );
  } catch (err) {
    throw isSanadError(err) && err.code === 'ERR_CREDENTIAL_INVALID'
      ? err
      : invalid('The issuer signature does not verify.', err);
  }
  return true;
}

/** `exp` as a date; a disclosed `exp` has not been through decodeJwt's check, so it is checked here. */
export const expiry = (exp: unknown): string | undefined => {
  const seconds = numericDate(exp);
  return seconds === undefined ? undefined : new Date(seconds * 1000).toISOString();
};

/** The claims without the technical ones (own members only: `__proto__` stays plain data). */
export function withoutTechnical(
  claims: Record<string, unknown>,
  technical: ReadonlySet<string>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(claims))
    if (!technical.has(key)) setOwn(out, key, value);
  return out;
}
