/**
 * W3C VC Data Model 1.1 in its JWT encoding (`jwt_vc_json`), as did-jwt-vc and Veramo write it:
 * all or nothing (no selective disclosure), holder binding by a holder-signed VP-JWT, status by
 * Bitstring Status List entries.
 */
import { didOf, resolveDidKey } from '../../did/resolve.js';
import { isPlainObject } from '../../encoding.js';
import { errorReport, SanadError } from '../../errors.js';
import { type DecodedJwt, decodeJwt, verifyDecodedJwt } from '../../jwt.js';
import { type JWK, type Signer, signJwt } from '../../keys.js';
import {
  type BitstringStatusListEntry,
  bitstringEntriesOf,
} from '../../status/bitstring-status-list.js';
import type { DidResolverOptions } from '../../did/resolve.js';
import type { CredentialFormatModule, StatusReference } from '../format.js';
import { checkIssuerSignature, expiry, invalid } from '../shared.js';

/** The VC Data Model 1.1 context. */
export const VC_V1_CONTEXT = 'https://www.w3.org/2018/credentials/v1';

/** Registered claims and `vc` members: never the person's claims (which sit in `credentialSubject`). */
const TECHNICAL = new Set(['iss', 'sub', 'nbf', 'exp', 'iat', 'jti', 'aud', 'vc', 'nonce']);

/**
 * Signs a VC-JWT: `payload` (`sub`, `nbf`, `exp`, `jti`, `vc`) with `iss` = the issuer's DID,
 * header `{ kid, typ: "JWT", alg }`, as did-jwt-vc's `createVerifiableCredentialJwt` does.
 */
export function signVcJwt(
  signer: Signer,
  issuer: { id: string; kid: string },
  payload: Record<string, unknown>,
): Promise<string> {
  return signJwt(signer, { kid: issuer.kid, typ: 'JWT' }, { ...payload, iss: issuer.id });
}

function vcOf(jwt: DecodedJwt): Record<string, unknown> & {
  credentialSubject: Record<string, unknown>;
  type: unknown[];
} {
  const vc = jwt.payload.vc;
  if (!isPlainObject(vc) || !isPlainObject(vc.credentialSubject) || !Array.isArray(vc.type))
    throw new SanadError('ERR_JWT_MALFORMED', 'The credential is not a VC-JWT.');
  return vc as ReturnType<typeof vcOf>;
}

const specificTypes = (types: unknown[]): string[] =>
  types.filter((t): t is string => typeof t === 'string' && t !== 'VerifiableCredential');

function statusOf(vc: Record<string, unknown>): StatusReference | undefined {
  const entries: BitstringStatusListEntry[] = bitstringEntriesOf(vc);
  return entries.length > 0 ? { kind: 'bitstring', entries } : undefined;
}

/** The holder's key: the VP `kid` must be a key of the `iss` DID. */
function holderKey(vp: DecodedJwt, holder: string, did: DidResolverOptions): Promise<JWK> {
  const kid = typeof vp.header.kid === 'string' ? vp.header.kid : undefined;
  const didUrl = kid === undefined ? holder : kid.startsWith('#') ? `${holder}${kid}` : kid;
  if (didOf(didUrl) !== didOf(holder))
    throw new SanadError(
      'ERR_HOLDER_BINDING_INVALID',
      'The VP key belongs to another DID than its issuer.',
    );
  return resolveDidKey(didUrl, did, 'authentication');
}

export const vcJwt: CredentialFormatModule = {
  id: 'jwt_vc_json',
  queryAliases: [],
  presentationFormat: 'jwt_vp',
  configurationSuffix: 'vc-jwt',
  selectiveDisclosure: false,
  httpsIssuer: false,
  statusListKind: 'bitstring',
  technicalClaims: TECHNICAL,
  vpFormatsSupported: { alg_values: ['ES256', 'EdDSA'] },

  // What is neither an SD-JWT nor a JSON text: a JWT, or input its checks refuse.
  recognizes: (text) => !text.includes('~') && !text.trimStart().startsWith('{'),
  recognizesPresentation: (text) => !text.includes('~') && !text.trimStart().startsWith('{'),

  issue(input) {
    const { uri } = input.status;
    const entry = (purpose: 'revocation' | 'suspension'): BitstringStatusListEntry => ({
      id: `${uri(purpose)}#${input.status.index}`,
      type: 'BitstringStatusListEntry',
      statusPurpose: purpose,
      statusListIndex: String(input.status.index),
      statusListCredential: uri(purpose),
    });
    return signVcJwt(input.signer, input.issuer, {
      sub: input.holder.did,
      nbf: input.nbf,
      exp: input.exp,
      jti: `urn:uuid:${input.credentialId}`,
      vc: {
        '@context': [VC_V1_CONTEXT],
        type: ['VerifiableCredential', input.type.vcType],
        credentialSubject: { ...input.claims },
        credentialStatus: [entry('revocation'), entry('suspension')],
      },
    });
  },

  async check(raw, did) {
    let jwt: DecodedJwt;
    try {
      jwt = decodeJwt(raw.trim());
    } catch (err) {
      throw new SanadError(
        'ERR_UNSUPPORTED_FORMAT',
        'The input is neither an SD-JWT VC nor a VC-JWT.',
        { cause: err },
      );
    }
    let vc: ReturnType<typeof vcOf>;
    try {
      vc = vcOf(jwt);
    } catch {
      throw new SanadError('ERR_UNSUPPORTED_FORMAT', 'The JWT is not a VC-JWT.');
    }
    const issuer = jwt.payload.iss;
    const subject = jwt.payload.sub ?? vc.credentialSubject.id;
    if (typeof issuer !== 'string' || typeof subject !== 'string')
      throw invalid('The VC-JWT has no issuer or subject.');
    const checked = await checkIssuerSignature(jwt, issuer, did);
    const { id: _id, ...claims } = vc.credentialSubject;
    const validUntil = expiry(jwt.payload.exp);
    return {
      format: 'jwt_vc_json',
      issuer,
      credentialType: specificTypes(vc.type).at(-1) ?? 'VerifiableCredential',
      claims,
      holderDid: subject,
      issuerSignatureChecked: checked,
      ...(validUntil ? { validUntil } : {}),
    };
  },

  claimsOf(raw) {
    const { id: _id, ...claims } = vcOf(decodeJwt(raw)).credentialSubject;
    return claims;
  },

  statusOf(raw) {
    const vc = decodeJwt(raw).payload.vc;
    return isPlainObject(vc) ? statusOf(vc) : undefined;
  },

  // All or nothing: `shared` is every claim (the proposal said so to the holder).
  present: ({ raw, holderDid, signer, nonce, audience, now }) =>
    signJwt(
      signer,
      { kid: signer.kid, typ: 'JWT' },
      {
        vp: {
          '@context': [VC_V1_CONTEXT],
          type: ['VerifiablePresentation'],
          verifiableCredential: [raw],
        },
        nonce,
        aud: audience,
        nbf: now,
        iss: holderDid,
      },
    ),

  async verify(text, input, facts) {
    const vp = decodeJwt(text);
    const vpClaim = vp.payload.vp;
    if (!isPlainObject(vpClaim))
      throw new SanadError(
        'ERR_HOLDER_BINDING_MISSING',
        'A bare credential is not a presentation: the holder must sign a VP.',
      );
    const holder = vp.payload.iss;
    if (typeof holder !== 'string' || !holder.startsWith('did:'))
      throw new SanadError('ERR_JWT_MALFORMED', 'The VP has no holder DID (iss).');
    await verifyDecodedJwt(
      vp,
      await holderKey(vp, holder, input.did),
      'ERR_HOLDER_BINDING_INVALID',
    );

    const { now } = input;
    if (vp.payload.nonce !== input.nonce) facts.errors.push(errorReport('ERR_NONCE_MISMATCH'));
    const aud = vp.payload.aud;
    if (
      !(
        aud === input.audience ||
        (Array.isArray(aud) && aud.length === 1 && aud[0] === input.audience)
      )
    )
      facts.errors.push(errorReport('ERR_AUDIENCE_MISMATCH'));
    const issuedAt = typeof vp.payload.iat === 'number' ? vp.payload.iat : vp.payload.nbf;
    // did-jwt-vc writes no iat or nbf by default; the fresh, single-use nonce then proves freshness.
    if (
      issuedAt !== undefined &&
      (typeof issuedAt !== 'number' ||
        issuedAt < now - input.proofMaxAgeSeconds ||
        issuedAt > now + input.clockSkewSeconds)
    ) {
      facts.errors.push(errorReport('ERR_PRESENTATION_IAT_INVALID'));
    }
    if (typeof vp.payload.exp === 'number' && vp.payload.exp + input.clockSkewSeconds < now)
      facts.errors.push(
        errorReport('ERR_PRESENTATION_IAT_INVALID', 'The presentation has expired.'),
      );
    facts.nonceBound = vp.payload.nonce === input.nonce;

    const inner = vpClaim.verifiableCredential;
    const list = Array.isArray(inner) ? inner : [inner];
    if (list.length !== 1 || typeof list[0] !== 'string')
      throw new SanadError('ERR_UNSUPPORTED_FORMAT', 'Sanad verifies one VC-JWT per presentation.');
    const vc = decodeJwt(list[0]);
    const issuer = vc.payload.iss;
    if (typeof issuer !== 'string')
      throw new SanadError('ERR_JWT_MALFORMED', 'The credential is not a VC-JWT.');
    const vcClaim = vcOf(vc);
    facts.issuer = issuer;
    const types = vcClaim.type.filter((t): t is string => typeof t === 'string');
    facts.credentialType = specificTypes(types).at(-1) ?? 'VerifiableCredential';
    const kid = typeof vc.header.kid === 'string' ? vc.header.kid : undefined;
    await verifyDecodedJwt(vc, await input.issuerKey(issuer, kid, vc.header.x5c));
    input.checkTrust(issuer, specificTypes(types));

    // VC Data Model 1.1 JWT encoding: vc members must not contradict the registered claims.
    const subject = vcClaim.credentialSubject;
    const vcIssuer = isPlainObject(vcClaim.issuer) ? vcClaim.issuer.id : vcClaim.issuer;
    if (
      (vcIssuer !== undefined && vcIssuer !== issuer) ||
      (subject.id !== undefined && vc.payload.sub !== undefined && subject.id !== vc.payload.sub)
    ) {
      facts.errors.push(errorReport('ERR_VC_CLAIMS_INCONSISTENT'));
    }
    const subjectDid = vc.payload.sub ?? subject.id;
    if (typeof subjectDid !== 'string' || didOf(subjectDid) !== didOf(holder))
      facts.errors.push(errorReport('ERR_HOLDER_MISMATCH'));
    input.checkValidity(vc.payload);
    for (const [field, check] of [
      ['expirationDate', 'exp'],
      ['issuanceDate', 'nbf'],
    ] as const) {
      const value = vcClaim[field];
      if (value === undefined || vc.payload[check] !== undefined) continue;
      // An unreadable date is refused (NaN would compare false: never expired, always valid).
      const seconds = typeof value === 'string' ? Math.floor(Date.parse(value) / 1000) : Number.NaN;
      input.checkValidity({ [check]: seconds });
    }

    const { id: _subjectId, ...claims } = subject;
    facts.claims = claims;
    facts.disclosed = Object.keys(claims).map((k) => [k]);
    facts.dcqlCredential = {
      credential_format: 'jwt_vc_json',
      type: types,
      claims: { ...vcClaim, credentialSubject: claims },
      cryptographic_holder_binding: true,
    };
    const status = statusOf(vcClaim);
    if (status) facts.status = status;
  },

  dcqlQuery: ({ id, types, claims }) => ({
    id,
    format: 'jwt_vc_json',
    meta: { type_values: [['VerifiableCredential', ...types]] },
    ...(claims.length > 0
      ? {
          claims: claims.map((path, j) => ({
            id: `claim-${j + 1}`,
            path: ['credentialSubject', ...path],
          })),
        }
      : {}),
  }),

  dcqlView: ({ credentialType, claims }) => ({
    credential_format: 'jwt_vc_json',
    type: ['VerifiableCredential', credentialType],
    claims: { credentialSubject: claims },
    cryptographic_holder_binding: true,
  }),

  claimPathOf: (path) => (path[0] === 'credentialSubject' ? path.slice(1) : undefined),

  credentialConfiguration: (type) => ({
    format: 'jwt_vc_json',
    cryptographic_binding_methods_supported: ['did:key', 'did:jwk'],
    credential_definition: { type: ['VerifiableCredential', type.vcType] },
  }),
};
