/**
 * One credential format, everything about it in one place: issuing, checking on import,
 * presenting a disclosure choice, verifying, its claims as DCQL and the holder see them, and
 * its OpenID4VCI / OpenID4VP metadata. Issuer, wallet, verifier and the services look a format
 * up in the registry (`formats.ts`) and never branch on its name.
 */
import type { DidResolverOptions } from '../did/resolve.js';
import type { ErrorReport } from '../errors.js';
import type { JWK, Signer } from '../keys.js';
import type { BitstringStatusListEntry } from '../status/bitstring-status-list.js';
import type { StatusListReference } from '../status/token-status-list.js';
import type { CredentialFormat, DcqlQueryJson, HolderKey, PresentationFormat } from '../types.js';

/** A claim path as DCQL writes it: names, array indexes, and `null` for "every element". */
export type QueryPath = Array<string | number | null>;

/** What a credential type says about itself, as a format needs it. */
export interface FormatCredentialType {
  /** Sanad's id of the type (`refugee-status`): the OpenID4VCI `scope`. */
  id: string;
  /** SD-JWT VC type. */
  vct: string;
  /** The W3C `type` value after `VerifiableCredential`. */
  vcType: string;
  /** Claims the holder may withhold (`a`, `a.b`, `list[]`). */
  selectivelyDisclosable: readonly string[];
}

/** A W3C Data Integrity cryptosuite Sanad issues and verifies. */
export type DataIntegritySuite = 'ecdsa-sd-2023' | 'bbs-2023';

export interface IssueInput {
  signer: Signer;
  /** With `x5c` (the signer's certificate chain), a format that can carry one names the key by it instead of `kid`. */
  issuer: { id: string; kid: string; x5c?: readonly string[] };
  type: FormatCredentialType;
  /** The person's claims, validated against the type's schema. */
  claims: Record<string, unknown>;
  holder: HolderKey;
  credentialId: string;
  /** Seconds since the epoch; `nbf` is written only when it lies after `iat`. */
  iat: number;
  nbf: number;
  exp: number;
  /** The copy's place in its status lists, and a list's URL by status purpose (a Token Status List serves both). */
  status: { index: number; uri(purpose: 'revocation' | 'suspension'): string };
  /** A Data Integrity key that signs instead of `signer` (a BBS issuer's): its suite and signer. */
  dataIntegrity?: {
    cryptosuite: DataIntegritySuite;
    signer: {
      id: string;
      algorithm: string;
      sign(options: { data: Uint8Array }): Promise<Uint8Array>;
    };
  };
}

/** A credential as the wallet stores and shows it, once its format has checked it. */
export interface CheckedCredential {
  format: CredentialFormat;
  issuer: string;
  credentialType: string;
  /** The person's claims (no technical claims), in the format's claims view. */
  claims: Record<string, unknown>;
  holderDid: string;
  validUntil?: string;
  issuerSignatureChecked: boolean;
}

/** A key that signs for the holder: the wallet's key of one copy. */
export type HolderSigner = Signer & { readonly kid: string };

export interface PresentInput {
  /** The stored copy, as issued. */
  raw: string;
  holderDid: string;
  signer: HolderSigner;
  /** The claim paths the holder agreed to share, in the claims view. */
  shared: ReadonlyArray<QueryPath>;
  nonce: string;
  audience: string;
  /** Seconds since the epoch. */
  now: number;
}

export interface VerifyInput {
  /**
   * The issuer's key for a signature's `kid`, through the verifier's trust list; with an `x5c`
   * header, the leaf certificate's key once its chain leads to a trust anchor and it names `issuer`.
   */
  issuerKey(issuer: string, kid: string | undefined, x5c?: unknown): Promise<JWK>;
  did: DidResolverOptions;
  nonce: string;
  audience: string;
  /** Seconds since the epoch. */
  now: number;
  proofMaxAgeSeconds: number;
  clockSkewSeconds: number;
  /** The verifier's trust decision, asked once the issuer's signature holds: is `issuer` trusted for one of `types`? */
  checkTrust(issuer: string, types: string[]): void;
  /** The verifier's validity check of registered claims (`exp`, `nbf`, `iat`, seconds since the epoch). */
  checkValidity(claims: { exp?: unknown; nbf?: unknown; iat?: unknown }): void;
}

/** Where a credential's status is published. */
export type StatusReference =
  | { kind: 'token'; reference: StatusListReference }
  | { kind: 'bitstring'; entries: BitstringStatusListEntry[] };

/**
 * What a format establishes about one presentation. It is filled in as the checks go, so a
 * presentation refused half way still reports what was read of it.
 */
export interface PresentationFacts {
  issuer: string;
  credentialType: string;
  /** The person's claims, in the claims view. */
  claims: Record<string, unknown>;
  /** The claims view paths the holder disclosed. */
  disclosed: Array<Array<string | number>>;
  /** The credential as DCQL matches it. */
  dcqlCredential: Record<string, unknown>;
  /** The holder's proof answers this nonce and audience: only then may a verdict spend the nonce. */
  nonceBound: boolean;
  status?: StatusReference;
  errors: ErrorReport[];
}

export interface CredentialFormatModule {
  /** The format's OpenID4VCI / OpenID4VP / DCQL identifier. */
  readonly id: CredentialFormat;
  /** Other identifiers a DCQL query may use for this format (accepted, never written). */
  readonly queryAliases: readonly string[];
  /** How verification results name its presentations. */
  readonly presentationFormat: PresentationFormat;
  /** The suffix of its OpenID4VCI credential configuration ids (`refugee-status.sd-jwt`). */
  readonly configurationSuffix: string;
  /** The holder can withhold claims; without it every claim of the credential is shared. */
  readonly selectiveDisclosure: boolean;
  /** Its credentials may name an https issuer whose keys are in its JWT VC Issuer Metadata. */
  readonly httpsIssuer: boolean;
  /**
   * The Data Integrity suites its credentials can be secured with, the default first; an issuer
   * picks another with `cryptosuite` (absent: the format chooses none).
   */
  readonly cryptosuites?: readonly DataIntegritySuite[];
  /** The status list kind its credentials point to. */
  readonly statusListKind: 'token' | 'bitstring';
  /** Claims that describe the credential, not the person: never shown as claims, never asked for. */
  readonly technicalClaims: ReadonlySet<string>;
  /** OpenID4VP 1.0 `vp_formats_supported` for this format. */
  readonly vpFormatsSupported: Record<string, unknown>;

  /** Whether `text` is a credential of this format (a cheap look at its shape, no checks). */
  recognizes(text: string): boolean;
  /** Whether `text` is a presentation of this format. */
  recognizesPresentation(text: string): boolean;

  issue(input: IssueInput): Promise<string>;
  /** Checks a credential before it is stored: shape, issuer signature (DID issuers), binding. */
  check(raw: string, did?: DidResolverOptions): Promise<CheckedCredential>;
  /** The person's claims of a credential as it stands, unchecked (the issuer's own copies, for display). */
  claimsOf(raw: string): Record<string, unknown>;
  /** The copy's status reference, if it has one. */
  statusOf(raw: string): StatusReference | undefined;
  /** A presentation of `raw` disclosing `shared` (everything, for a format without selective disclosure). */
  present(input: PresentInput): Promise<string>;
  /** The format's checks of a presentation: signatures, holder binding, and what it says. */
  verify(text: string, input: VerifyInput, facts: PresentationFacts): Promise<void>;

  /** A DCQL credential query for `types`, asking for `claims` (claims view paths). */
  dcqlQuery(query: {
    id: string;
    types: string[];
    claims: QueryPath[];
  }): DcqlQueryJson['credentials'][number];
  /** A stored credential as DCQL matches it. */
  dcqlView(credential: {
    credentialType: string;
    claims: Record<string, unknown>;
  }): Record<string, unknown>;
  /** A DCQL claim path in the claims view, or `undefined` when it names no claim of the person. */
  claimPathOf(queryPath: QueryPath): QueryPath | undefined;
  /** The OpenID4VCI credential configuration (without the common members) for a type. */
  credentialConfiguration(
    type: FormatCredentialType,
    cryptosuite?: DataIntegritySuite,
  ): Record<string, unknown>;
}
