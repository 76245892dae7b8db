/**
 * `@sanad/wallet/vault`: the sealed wallet without the protocols — the envelope's policy, the
 * recovery secret and the storage seam. What a front end needs before the wallet is open, so its
 * first screen does not wait for OpenID4VCI/VP, DCQL or Veramo.
 */
export {
  type Argon2idParams,
  browserKdf,
  DEFAULT_ARGON2ID,
  DEFAULT_KDF,
  type Kdf,
  type KdfParams,
  type KdfPolicy,
  MAX_ARGON2ID,
  MAX_KDF,
  MIN_ARGON2ID,
  MIN_KDF,
  MIN_PASSPHRASE_LENGTH,
  type ScryptParams,
} from './envelope.js';
export {
  generateRecoverySecret,
  normalizeRecoverySecret,
  parseRecoverySecret,
  type RecoverySecretReading,
} from './recovery-secret.js';
export {
  combineGuardianShares,
  type GuardianShareReading,
  MAX_GUARDIANS,
  MIN_GUARDIANS,
  parseGuardianShare,
  splitRecoverySecret,
} from './guardians.js';
export { createMemoryStorage, type WalletStorage } from './storage.js';
