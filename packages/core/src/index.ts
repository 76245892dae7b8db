/**
 * @sanad/core: what issuer, wallet and verifier share — errors, keys, JWTs, DIDs,
 * status lists, trust lists and the common request/result types.
 * Free of Node-only APIs so the browser wallet can use it.
 */
export { type Clock, epochSeconds, fixedClock, systemClock } from './clock.js';
export {
  concatBytes,
  fromBase64url,
  fromUtf8,
  isCanonicalBase64url,
  isPlainObject,
  type JsonLimits,
  MAX_JSON_DEPTH,
  MAX_JSON_LENGTH,
  parseJsonBounded,
  parseJsonStrict,
  randomBytes,
  randomId,
  toBase64url,
  tryParseJson,
  utf8,
} from './encoding.js';
export {
  ERROR_CODES,
  type ErrorCategory,
  type ErrorDetails,
  type ErrorReport,
  errorReport,
  isSanadError,
  SanadError,
  type SanadErrorCode,
  sanadCauseOf,
  toSanadError,
} from './errors.js';
export {
  type CryptoProvider,
  cryptoProvider,
  nodeCryptoProvider,
  type RawSign,
  setCryptoProvider,
  webCryptoProvider,
} from './crypto.js';
export { sha256, sha256Base64url } from './hash.js';
export {
  algorithmOfJwk,
  assertAlgorithm,
  generateKeyPair,
  type JWK,
  jwkThumbprint,
  type KeyPair,
  publicJwkOf,
  type SignatureAlgorithm,
  type Signer,
  SUPPORTED_ALGORITHMS,
  signerFromJwk,
  signJwt,
  verifySignature,
} from './keys.js';
export {
  type DecodedJwt,
  decodeJwt,
  headerAlgorithm,
  isNumericDate,
  numericDate,
  verifyDecodedJwt,
} from './jwt.js';
export {
  type DIDDocument,
  singleKeyDidDocument,
  type VerificationMethod,
} from './did/did-document.js';
export { didJwkFromJwk, jwkFromDidJwk } from './did/did-jwk.js';
export { didKeyFromJwk, didKeyMultibase, jwkFromDidKey } from './did/did-key.js';
export { type DidWebOptions, didWebUrl, resolveDidWeb } from './did/did-web.js';
export {
  checkDid,
  type DidResolverOptions,
  didOf,
  resolveDid,
  resolveDidKey,
  toDidResolverRegistry,
} from './did/resolve.js';
export {
  type CredentialBundle,
  type CredentialFormat,
  type CredentialTypeMetadata,
  type HolderKey,
  type HolderKeyList,
  type CredentialStatusValue,
  type DcqlQueryJson,
  LEGACY_SD_JWT_VC_TYP,
  type LocalizedText,
  type PresentationFormat,
  type PresentationRequest,
  type PresentationResponse,
  SD_JWT_VC_TYP,
  type VerificationResult,
} from './types.js';
export {
  type GuardedFetch,
  type GuardedFetchOptions,
  type GuardedResponse,
  type HostResolver,
  createGuardedFetch,
  createGuardedHttpFetch,
} from './net/guarded-fetch.js';
export { isInternalAddress, isIpLiteral } from './net/ip-address.js';
export {
  type ClaimPath,
  type DecodedDisclosure,
  decodeDisclosure,
  pathsOverlap,
  type ProcessedPayload,
  processSdJwtPayload,
  setOwn,
} from './sd-jwt/disclosures.js';
export { MAX_SD_JWT_LENGTH, type ParsedSdJwt, parseSdJwt } from './sd-jwt/sd-jwt.js';
export {
  holderJwkOf,
  type KeyBindingExpectations,
  sdHash,
  verifyKeyBinding,
} from './sd-jwt/key-binding.js';
export { inflateBounded, MAX_INFLATED_STATUS_LIST_BYTES } from './status/inflate.js';
export {
  createStatusListJwt,
  decodeTokenStatusList,
  encodeTokenStatusList,
  type ParsedStatusListJwt,
  parseStatusListJwt,
  type StatusBits,
  type StatusListJwtOptions,
  type StatusListReference,
  statusListReferenceOf,
  type StatusListView,
  TOKEN_STATUS,
  type TokenStatusListClaim,
} from './status/token-status-list.js';
export {
  type CachedStatusList,
  createMemoryStatusCache,
  type StatusCache,
} from './status/status-cache.js';
export {
  type IssuerKeyResolver,
  StatusChecker,
  type StatusCheckerOptions,
  type StatusCheckResult,
} from './status/status-checker.js';
export {
  BITSTRING_MIN_ENTRIES,
  bitstringEntriesOf,
  bitstringStatusListSubject,
  type BitstringStatusListEntry,
  decodeBitstringStatusList,
  encodeBitstringStatusList,
  type StatusPurpose,
} from './status/bitstring-status-list.js';
export {
  type LoadTrustListOptions,
  loadTrustList,
  MAX_TRUST_LIST_LENGTH,
  parseTrustList,
  signTrustList,
  TRUST_LIST_JWT_TYP,
  type TrustAnchor,
  type TrustedIssuer,
  TrustList,
  type TrustListDocument,
} from './trust-list/trust-list.js';
export {
  fetchJwtVcIssuerMetadata,
  type JwtVcIssuerMetadata,
  jwtVcIssuerUrl,
  selectIssuerKey,
} from './trust-list/jwt-vc-issuer.js';
export {
  beyondRegistration,
  clientIdDid,
  type LoadVerifierRegistryOptions,
  loadVerifierRegistry,
  parseVerifierRegistry,
  registryKeyOf,
  type RegisteredVerifier,
  type RegistryClaimPath,
  signVerifierRegistry,
  VERIFIER_REGISTRY_JWT_TYP,
  VerifierRegistry,
  type VerifierRegistryDocument,
} from './verifier-registry/verifier-registry.js';
export type { LoadSignedListOptions, PinnedKey } from './signed-list/signed-list.js';
export { fromBase45, toBase45 } from './offline/base45.js';
export {
  decodeOfflinePresentation,
  encodeOfflinePresentation,
  OFFLINE_PRESENTATION_PREFIX,
} from './offline/offline-presentation.js';
export {
  encodeOfflineRequest,
  expandOfflineRequest,
  type ExpandedOfflineRequest,
  OFFLINE_REQUEST_PREFIX,
  offlineClientId,
  type OfflineRequestFields,
} from './offline/offline-request.js';
export * from './formats/index.js';
