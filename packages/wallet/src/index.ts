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
export type { VerifierRegistration } from './registration.js';
export type { CredentialCopy, HistoryEntry, StoredCredential, WalletDocument } from './document.js';
export * from './vault/index.js';
export type { ReceiveOptions, TxCodePrompt } from './openid4vc/receive.js';
export {
  dcApiResponse,
  type OpenedRequest,
  type RespondOptions,
  resolveDcApiRequest,
  resolvePresentationRequest,
  type SubmitResult,
  submitPresentationResponse,
} from './openid4vc/respond.js';
export {
  type CredentialStatusRecord,
  EXPIRES_SOON_DAYS,
  type ExpiryState,
  type StatusRefreshOptions,
  type StatusRefreshResult,
} from './status/credential-status.js';
