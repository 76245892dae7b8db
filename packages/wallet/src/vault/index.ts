/**
 * `@sanad/wallet/vault`: the sealed wallet without the protocols — the envelope's policy, the
 * recovery secret and the storage seam. What a front end needs before the wallet is open, so its
 * first screen does not wait for OpenID4VCI/VP, DCQL or Veramo.
 */
export { DEFAULT_KDF, type Kdf, type KdfPolicy, MAX_KDF, MIN_KDF, MIN_PASSPHRASE_LENGTH, nobleScrypt, type ScryptParams } from './envelope.js';
export { generateRecoverySecret, normalizeRecoverySecret } from './recovery-secret.js';
export { createMemoryStorage, type WalletStorage } from './storage.js';
