/** Checking a credential before it goes into the wallet, and describing it for the holder. */
import {
  type CredentialFormat,
  type CredentialTypeMetadata,
  decodeJwt,
  didKeyFromJwk,
  type DidResolverOptions,
  holderJwkOf,
  isPlainObject,
  numericDate,
  isSanadError,
  type JWK,
  LEGACY_SD_JWT_VC_TYP,
  parseSdJwt,
  processSdJwtPayload,
  resolveDidKey,
  SanadError,
  SD_JWT_VC_TYP,
  verifyDecodedJwt,
  type DecodedJwt,
} from '@sanad/core';

const TECHNICAL = new Set([
  'iss',
  'iat',
  'nbf',
  'exp',
  'vct',
  'vct#integrity',
  'cnf',
  'status',
  'sub',
  'jti',
  'aud',
]);

export interface CheckedCredential {
  format: CredentialFormat;
  issuer: string;
  credentialType: string;
  claims: Record<string, unknown>;
  holderDid: string;
  validUntil?: string;
  issuerSignatureChecked: boolean;
}

const invalid = (message: string, cause?: unknown): SanadError =>
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

async function checkIssuerSignature(
  jwt: DecodedJwt,
  issuer: string,
  did?: DidResolverOptions,
): Promise<boolean> {
  // An https issuer publishes its keys out of band; the verifier checks them against its trust list.
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
const expiry = (exp: unknown): string | undefined => {
  const seconds = numericDate(exp);
  return seconds === undefined ? undefined : new Date(seconds * 1000).toISOString();
};

/**
 * Checks one SD-JWT VC or VC-JWT: well-formed, a supported format, issuer signature, valid
 * disclosures. The caller checks that the holder DID is one of the wallet's.
 */
export async function checkCredential(
  raw: string,
  did?: DidResolverOptions,
): Promise<CheckedCredential> {
  const text = raw.trim();
  if (text.includes('~')) {
    let parsed;
    try {
      parsed = parseSdJwt(text);
    } catch (err) {
      throw invalid('The SD-JWT is malformed.', err);
    }
    if (parsed.kbJwt) throw invalid('A credential to store must not carry a Key Binding JWT.');
    const { header, payload } = parsed.jwt;
    if (header.typ !== SD_JWT_VC_TYP && header.typ !== LEGACY_SD_JWT_VC_TYP)
      throw new SanadError('ERR_UNSUPPORTED_FORMAT', 'The SD-JWT is not an SD-JWT VC.');
    if (typeof payload.iss !== 'string' || typeof payload.vct !== 'string')
      throw invalid('The SD-JWT VC has no iss or vct.');
    const checked = await checkIssuerSignature(parsed.jwt, payload.iss, did);
    let claims: Record<string, unknown>;
    try {
      ({ claims } = processSdJwtPayload(payload, parsed.disclosures));
    } catch (err) {
      throw invalid('A disclosure is invalid.', err);
    }
    const jwk = holderJwkOf(claims);
    if (!jwk) throw invalid('The credential is not bound to a holder key (no cnf).');
    const person = Object.fromEntries(Object.entries(claims).filter(([k]) => !TECHNICAL.has(k)));
    const validUntil = expiry(claims.exp);
    return {
      format: 'dc+sd-jwt',
      issuer: payload.iss,
      credentialType: payload.vct,
      claims: person,
      holderDid: didKeyFromJwk(jwk),
      issuerSignatureChecked: checked,
      ...(validUntil ? { validUntil } : {}),
    };
  }
  let jwt: DecodedJwt;
  try {
    jwt = decodeJwt(text);
  } catch (err) {
    throw new SanadError(
      'ERR_UNSUPPORTED_FORMAT',
      'The input is neither an SD-JWT VC nor a VC-JWT.',
      { cause: err },
    );
  }
  const vc = jwt.payload.vc;
  if (!isPlainObject(vc) || !isPlainObject(vc.credentialSubject) || !Array.isArray(vc.type))
    throw new SanadError('ERR_UNSUPPORTED_FORMAT', 'The JWT is not a VC-JWT.');
  const issuer = jwt.payload.iss;
  const subject = jwt.payload.sub ?? vc.credentialSubject.id;
  if (typeof issuer !== 'string' || typeof subject !== 'string')
    throw invalid('The VC-JWT has no issuer or subject.');
  const checked = await checkIssuerSignature(jwt, issuer, did);
  const { id: _id, ...claims } = vc.credentialSubject;
  const types = vc.type.filter(
    (t): t is string => typeof t === 'string' && t !== 'VerifiableCredential',
  );
  const validUntil = expiry(jwt.payload.exp);
  return {
    format: 'jwt_vc_json',
    issuer,
    credentialType: types.at(-1) ?? 'VerifiableCredential',
    claims,
    holderDid: subject,
    issuerSignatureChecked: checked,
    ...(validUntil ? { validUntil } : {}),
  };
}

/** The label of a claim path in the holder's language (falls back to English, then the name). */
export function claimLabel(
  metadata: CredentialTypeMetadata | undefined,
  path: ReadonlyArray<string | number | null>,
  locale: string,
): string {
  const matches = (candidate: ReadonlyArray<string | number | null>) =>
    metadata?.claims?.find(
      (c) =>
        c.path.length === candidate.length &&
        c.path.every((p, i) => p === null || candidate[i] === null || p === candidate[i]),
    );
  // An array element without a label of its own takes the label of its array.
  let trimmed = [...path];
  while (trimmed.length > 1 && typeof trimmed.at(-1) !== 'string') trimmed = trimmed.slice(0, -1);
  const entry = matches(path) ?? matches(trimmed);
  const display = entry?.display ?? [];
  return (
    (display.find((d) => d.locale === locale) ?? display.find((d) => d.locale === 'en'))?.label ??
    trimmed.join('.')
  );
}

/** The credential type's name in the holder's language. */
export function typeName(
  metadata: CredentialTypeMetadata | undefined,
  fallback: string,
  locale: string,
): string {
  const display = metadata?.display ?? [];
  return (
    (display.find((d) => d.locale === locale) ?? display.find((d) => d.locale === 'en'))?.name ??
    metadata?.name ??
    fallback
  );
}

/** Every leaf claim path of a claims object (arrays as a whole). */
export function claimPaths(claims: Record<string, unknown>, prefix: string[] = []): string[][] {
  return Object.entries(claims).flatMap(([key, value]) =>
    isPlainObject(value) ? claimPaths(value, [...prefix, key]) : [[...prefix, key]],
  );
}
