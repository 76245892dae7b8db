/**
 * Shapes shared by issuer, wallet and verifier: formats, requests, results.
 * Field names follow OpenID4VP and DCQL where a standard name exists.
 */
import type { ErrorReport } from './errors.js';
import type { JWK } from './keys.js';

/** SD-JWT VC media type (draft 09 and later). */
export const SD_JWT_VC_TYP = 'dc+sd-jwt';
/** The earlier SD-JWT VC media type, accepted on input only. */
export const LEGACY_SD_JWT_VC_TYP = 'vc+sd-jwt';

/** Credential formats, named as OpenID4VCI / OpenID4VP name them. */
export type CredentialFormat = 'dc+sd-jwt' | 'jwt_vc_json' | 'ldp_vc';
/** Presentation formats reported by the verifier. */
export type PresentationFormat = 'dc+sd-jwt' | 'jwt_vp' | 'ldp_vp';

/** The status of a credential as the verifier establishes it. */
export type CredentialStatusValue = 'valid' | 'revoked' | 'suspended' | 'unknown';

/** Text in several languages, keyed by BCP 47 tag (`en`, `fr`, `ar`...). */
export type LocalizedText = Record<string, string>;

/** A DCQL query (OpenID4VP 1.0 section 6) as plain JSON; validated with the `dcql` package. */
export type DcqlQueryJson = {
  credentials: Array<Record<string, unknown> & { id: string; format: string }>;
  credential_sets?: Array<Record<string, unknown>>;
};

/**
 * A presentation request from a verifier to a wallet: the OpenID4VP authorization request
 * parameters Sanad uses, plus a human-readable purpose for the consent screen.
 */
export interface PresentationRequest {
  response_type: 'vp_token';
  /** The verifier's identifier; presentations must be addressed (`aud`) to it. */
  client_id: string;
  /** Fresh random value; accepted once. */
  nonce: string;
  dcql_query: DcqlQueryJson;
  /** Why the verifier asks, shown to the holder before consent. */
  purpose: LocalizedText;
  /** Display name of the verifier (e.g. "Al Noor Clinic"). */
  verifier_name?: string;
  /** Seconds since the epoch. */
  iat: number;
  exp: number;
}

/** The wallet's answer: OpenID4VP 1.0 `vp_token`, credential query id -> presentations. */
export interface PresentationResponse {
  vp_token: Record<string, string[]>;
}

/** The outcome of verifying one presentation. Never throws for a rejected presentation. */
export interface VerificationResult {
  verified: boolean;
  format: PresentationFormat;
  /** Issuer identifier (DID or https URL); empty when the presentation could not be parsed. */
  issuer: string;
  /** The issuer's name on the verifier's trust list (never taken from the credential itself). */
  issuerName?: string;
  /** `vct` for SD-JWT VC, the most specific `type` for VC-JWT. */
  credentialType: string;
  /** Only the requested claims (everything else is dropped and reported in `warnings`). */
  claims: Record<string, unknown>;
  status: CredentialStatusValue;
  /** Every reason for rejection; empty when `verified` is true. */
  errors: ErrorReport[];
  /** Things the verifier should know that do not reject the presentation. */
  warnings: ErrorReport[];
  /** How the status was established. */
  statusSource?: {
    source: 'network' | 'cache';
    listIssuedAt?: string;
    ageSeconds?: number;
    uri: string;
  };
  /**
   * Set when the only reason for refusal is that the status could not be established
   * (`ERR_STATUS_UNAVAILABLE`): no verdict was reached and the request nonce was not spent, so
   * the same presentation can be verified again, once the status list can be had, while the
   * request is still valid.
   */
  retryable?: true;
}

/**
 * Display and disclosure metadata of a credential type, in the shape of SD-JWT VC Type
 * Metadata (draft-ietf-oauth-sd-jwt-vc section 6). The wallet uses it to name claims in the
 * holder's language; `vc_type` names the W3C `type` values when the type is issued as VC-JWT.
 */
export interface CredentialTypeMetadata {
  vct: string;
  name?: string;
  description?: string;
  display?: Array<{ locale: string; name: string; description?: string }>;
  claims?: Array<{
    path: Array<string | number | null>;
    display?: Array<{ locale: string; label: string; description?: string }>;
    sd?: 'always' | 'allowed' | 'never';
  }>;
  vc_type?: string[];
}

/** What an issuer hands a wallet: one or more copies of one credential plus its type metadata. */
export interface CredentialBundle {
  type: 'sanad-credential-bundle';
  version: 1;
  format: CredentialFormat;
  /** Compact SD-JWT (all disclosures, no KB-JWT) or VC-JWT strings; each copy bound to its own holder key. */
  credentials: string[];
  metadata: CredentialTypeMetadata;
}

/** A holder key the wallet offers for binding: the DID (did:key) and its public JWK. */
export interface HolderKey {
  did: string;
  jwk: JWK;
}

/** What a wallet hands an issuer so each batch copy is bound to a fresh key. */
export interface HolderKeyList {
  type: 'sanad-holder-keys';
  version: 1;
  keys: HolderKey[];
}
