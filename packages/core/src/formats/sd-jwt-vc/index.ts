/**
 * IETF SD-JWT VC (`dc+sd-jwt`, draft-ietf-oauth-sd-jwt-vc on RFC 9901): selective disclosure by
 * salted digests, holder binding by a Key Binding JWT, status by a Token Status List.
 */
import { didKeyFromJwk } from '../../did/did-key.js';
import { errorReport, SanadError } from '../../errors.js';
import { signJwt } from '../../keys.js';
import { verifyDecodedJwt } from '../../jwt.js';
import { pathsOverlap, processSdJwtPayload } from '../../sd-jwt/disclosures.js';
import { holderJwkOf, sdHash, verifyKeyBinding } from '../../sd-jwt/key-binding.js';
import { parseSdJwt } from '../../sd-jwt/sd-jwt.js';
import { statusListReferenceOf } from '../../status/token-status-list.js';
import { LEGACY_SD_JWT_VC_TYP, SD_JWT_VC_TYP } from '../../types.js';
import type { CredentialFormatModule, StatusReference } from '../format.js';
import { checkIssuerSignature, expiry, invalid, withoutTechnical } from '../shared.js';
import { issueSdJwtVc } from './issue.js';

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

const isSdJwtVcTyp = (typ: unknown): boolean =>
  typ === SD_JWT_VC_TYP || typ === LEGACY_SD_JWT_VC_TYP;

function statusOf(payload: Record<string, unknown>): StatusReference | undefined {
  const reference = statusListReferenceOf(payload);
  return reference ? { kind: 'token', reference } : undefined;
}

export const sdJwtVc: CredentialFormatModule = {
  id: 'dc+sd-jwt',
  queryAliases: [LEGACY_SD_JWT_VC_TYP],
  presentationFormat: 'dc+sd-jwt',
  configurationSuffix: 'sd-jwt',
  selectiveDisclosure: true,
  httpsIssuer: true,
  statusListKind: 'token',
  technicalClaims: TECHNICAL,
  vpFormatsSupported: {
    'sd-jwt_alg_values': ['ES256', 'EdDSA'],
    'kb-jwt_alg_values': ['ES256', 'EdDSA'],
  },

  // Compact: never a JSON text, which is a Data Integrity credential's.
  recognizes: (text) => text.includes('~') && !text.trimStart().startsWith('{'),
  recognizesPresentation: (text) => text.includes('~') && !text.trimStart().startsWith('{'),

  issue: issueSdJwtVc,

  async check(raw, did) {
    let parsed: ReturnType<typeof parseSdJwt>;
    try {
      parsed = parseSdJwt(raw.trim());
    } catch (err) {
      throw invalid('The SD-JWT is malformed.', err);
    }
    if (parsed.kbJwt) throw invalid('A credential to store must not carry a Key Binding JWT.');
    const { header, payload } = parsed.jwt;
    if (!isSdJwtVcTyp(header.typ))
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
    const validUntil = expiry(claims.exp);
    return {
      format: 'dc+sd-jwt',
      issuer: payload.iss,
      credentialType: payload.vct,
      claims: withoutTechnical(claims, TECHNICAL),
      holderDid: didKeyFromJwk(jwk),
      issuerSignatureChecked: checked,
      ...(validUntil ? { validUntil } : {}),
    };
  },

  claimsOf(raw) {
    const parsed = parseSdJwt(raw);
    const { claims } = processSdJwtPayload(parsed.jwt.payload, parsed.disclosures);
    return withoutTechnical(claims, TECHNICAL);
  },

  statusOf: (raw) => statusOf(parseSdJwt(raw).jwt.payload),

  async present({ raw, signer, shared, nonce, audience, now }) {
    const parsed = parseSdJwt(raw);
    const { disclosurePaths } = processSdJwtPayload(parsed.jwt.payload, parsed.disclosures);
    // A disclosure goes when it lies on a shared path: the claim, its parents, its parts.
    const kept = new Set(
      disclosurePaths
        .filter((d) => shared.some((path) => pathsOverlap(d.path, path)))
        .map((d) => d.disclosure),
    );
    const base = `${raw.split('~')[0]}~${parsed.disclosures
      .filter((d) => kept.has(d))
      .map((d) => `${d}~`)
      .join('')}`;
    const kb = await signJwt(
      signer,
      { typ: 'kb+jwt' },
      { nonce, aud: audience, iat: now, sd_hash: sdHash(base) },
    );
    return `${base}${kb}`;
  },

  async verify(text, input, facts) {
    const sdJwt = parseSdJwt(text);
    const { header, payload } = sdJwt.jwt;
    if (!isSdJwtVcTyp(header.typ)) throw new SanadError('ERR_SDJWT_TYP_INVALID');
    if (typeof payload.iss !== 'string' || typeof payload.vct !== 'string')
      throw new SanadError('ERR_SDJWT_MALFORMED', 'The SD-JWT VC has no iss or vct.');
    facts.issuer = payload.iss;
    facts.credentialType = payload.vct;
    const kid = typeof header.kid === 'string' ? header.kid : undefined;
    await verifyDecodedJwt(sdJwt.jwt, await input.issuerKey(payload.iss, kid, header.x5c));
    input.checkTrust(payload.iss, [payload.vct]);
    const { claims, disclosedPaths } = processSdJwtPayload(payload, sdJwt.disclosures);
    input.checkValidity(claims);

    const holderJwk = holderJwkOf(claims);
    if (!holderJwk || !sdJwt.kbJwt) {
      facts.errors.push(errorReport('ERR_HOLDER_BINDING_MISSING'));
    } else {
      const kbErrors = await verifyKeyBinding(sdJwt.kbJwt, {
        holderJwk,
        withoutKb: sdJwt.withoutKb,
        nonce: input.nonce,
        audience: input.audience,
        now: input.now,
        maxAgeSeconds: input.proofMaxAgeSeconds,
        futureSkewSeconds: input.clockSkewSeconds,
      });
      facts.errors.push(...kbErrors);
      facts.nonceBound = !kbErrors.some(
        (e) => e.code === 'ERR_HOLDER_BINDING_INVALID' || e.code === 'ERR_NONCE_MISMATCH',
      );
    }

    const person = withoutTechnical(claims, TECHNICAL);
    facts.claims = person;
    facts.disclosed = disclosedPaths;
    facts.dcqlCredential = {
      credential_format: 'dc+sd-jwt',
      vct: payload.vct,
      claims: person,
      cryptographic_holder_binding: holderJwk !== undefined,
    };
    const status = statusOf(claims);
    if (status) facts.status = status;
  },

  dcqlQuery: ({ id, types, claims }) => ({
    id,
    format: 'dc+sd-jwt',
    meta: { vct_values: types },
    ...(claims.length > 0
      ? { claims: claims.map((path, j) => ({ id: `claim-${j + 1}`, path })) }
      : {}),
  }),

  dcqlView: ({ credentialType, claims }) => ({
    credential_format: 'dc+sd-jwt',
    vct: credentialType,
    claims,
    cryptographic_holder_binding: true,
  }),

  claimPathOf: (path) => path,

  credentialConfiguration: (type) => ({
    format: 'dc+sd-jwt',
    vct: type.vct,
    cryptographic_binding_methods_supported: ['jwk'],
  }),
};
