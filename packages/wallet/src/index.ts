/** `@sanad/wallet`: the holder wallet. */
export {
  type ClaimView,
  type ConsentDecision,
  createWallet,
  type CredentialDetails,
  type CredentialSummary,
  openWallet,
  openWalletWithKey,
  type PresentationProposal,
  type ProposalItem,
  restoreBackup,
  Wallet,
  type WalletOptions,
} from './wallet.js';
export type { CredentialCopy, HistoryEntry, StoredCredential, WalletDocument } from './document.js';
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
} from './vault/envelope.js';
export { generateRecoverySecret, normalizeRecoverySecret } from './vault/recovery-secret.js';
export { createMemoryStorage, type WalletStorage } from './vault/storage.js';
export { type ReceiveOptions, type TxCodePrompt } from './openid4vc/receive.js';
export { type OpenedRequest, type RespondOptions, resolvePresentationRequest, type SubmitResult, submitPresentationResponse } from './openid4vc/respond.js';
