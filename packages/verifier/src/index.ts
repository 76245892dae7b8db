/** `@sanad/verifier`: presentation requests, verification, status lists, replay protection. */
export { formatPath, pickClaims, type RequestedPath } from './claims.js';
export {
  createDirectoryStatusCache,
  importStatusList,
  statusListUriOf,
} from './directory-status-cache.js';
export { createFileNonceStore } from './file-nonce-store.js';
export { createMemoryNonceStore, type NonceStore } from './nonce-store.js';
export {
  type CredentialRequest,
  createPresentationRequest,
  parseDcqlQuery,
  parsePresentationRequest,
  type PresentationRequestOptions,
} from './request.js';
// The status checker lives in @sanad/core, shared with the holder's wallet.
export {
  type CachedStatusList,
  createMemoryStatusCache,
  type IssuerKeyResolver,
  type StatusCache,
  StatusChecker,
  type StatusCheckResult,
} from '@sanad/core';
export {
  createVerifier,
  Verifier,
  type VerifierOptions,
  type VerifyExpectations,
} from './verifier.js';
