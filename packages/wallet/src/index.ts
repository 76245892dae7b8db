/** `@sanad/wallet`: the holder wallet. */
export {
  type ClaimView,
  type ConsentDecision,
  createWallet,
  type CredentialDetails,
  type CredentialSummary,
  openWallet,
  type PresentationProposal,
  type ProposalItem,
  restoreBackup,
  Wallet,
  type WalletOptions,
} from './wallet.js';
export { type VerifierRegistration } from './registration.js';
export type { CredentialCopy, HistoryEntry, StoredCredential, WalletDocument } from './document.js';
export { DEFAULT_KDF, type Kdf, type KdfPolicy, MAX_KDF, MIN_KDF, MIN_PASSPHRASE_LENGTH, nobleScrypt, type ScryptParams } from './vault/envelope.js';
export { generateRecoverySecret, normalizeRecoverySecret } from './vault/recovery-secret.js';
export { createMemoryStorage, type WalletStorage } from './vault/storage.js';
export { type ReceiveOptions, type TxCodePrompt } from './openid4vc/receive.js';
export { type OpenedRequest, type RespondOptions, resolvePresentationRequest, type SubmitResult, submitPresentationResponse } from './openid4vc/respond.js';
