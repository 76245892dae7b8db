/** `@sanad/verifier`: presentation requests, verification, status lists, replay protection. */
export { formatPath, pickClaims, type RequestedPath, TECHNICAL_CLAIMS } from './claims.js';
export { createDirectoryStatusCache, importStatusList, statusListUriOf } from './directory-status-cache.js';
export { createFileNonceStore } from './file-nonce-store.js';
export { createMemoryNonceStore, type NonceStore } from './nonce-store.js';
export { type CredentialRequest, createPresentationRequest, parseDcqlQuery, parsePresentationRequest, type PresentationRequestOptions } from './request.js';
export { type CachedStatusList, createMemoryStatusCache, type StatusCache } from './status-cache.js';
export { type IssuerKeyResolver, StatusChecker, type StatusCheckResult } from './status-checker.js';
export { createVerifier, Verifier, type VerifierOptions, type VerifyExpectations } from './verifier.js';
