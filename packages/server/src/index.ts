/** `@sanad/server`: the issuer (OpenID4VCI) and verifier (OpenID4VP + DCQL) HTTP services. */
export {
  createMemoryServiceStore,
  type RecordKind,
  type ServiceStore,
  type StoredRecord,
} from './store/service-store.js';
export { openSqliteServiceStore } from './store/sqlite-service-store.js';
export {
  openPostgresServiceStore,
  type PostgresServiceStoreOptions,
} from './store/postgres-service-store.js';
export {
  type CreatedOffer,
  type CreateOfferOptions,
  createIssuerService,
  type IssuerService,
  type IssuerServiceOptions,
} from './issuer-service/issuer-service.js';
export {
  type AttestedWallet,
  checkWalletProviders,
  type WalletAttestationOptions,
  type WalletProvider,
} from './issuer-service/wallet-attestation.js';
export {
  DEFAULT_SERVER_LIMITS,
  type Listening,
  type ListenOptions,
  listen,
  type ServerLimits,
} from './node/listen.js';
export { type DefencesOptions, defences } from './middleware/defences/index.js';
export {
  DEFAULT_RATE_LIMITS,
  type RateBudget,
  type RateLimitMiddleware,
  type RateLimitOptions,
  rateLimit,
} from './middleware/rate-limit/index.js';
export {
  DEFAULT_LOAD_SHEDDING,
  type LoadSheddingMiddleware,
  type LoadSheddingOptions,
  loadShedding,
} from './middleware/load-shedding/index.js';
export type { OnRefusal, Refusal, RefusalLimit } from './middleware/refusal.js';
export {
  contentSecurityPolicy,
  type StaticFilesOptions,
  staticFiles,
} from './http/static-files.js';
export { outcomeOf, type SessionOutcome } from './verifier-service/outcome.js';
export {
  checkPresets,
  type LintFinding,
  lintPresets,
  standardPresets,
  type VerifierPreset,
} from './verifier-service/presets.js';
export {
  type CreatedSession,
  type CreateSessionOptions,
  createVerifierProtocol,
  createVerifierService,
  DEFAULT_MAX_OPEN_SESSIONS,
  MAX_REFUSED_ANSWERS,
  type DeclineNote,
  type RefusalNote,
  type ResponseMode,
  type SessionResult,
  type SessionStatus,
  type SessionView,
  serviceNonceStore,
  type StatusUnavailableNote,
  type VerifierProtocol,
  type VerifierService,
  type VerifierServiceOptions,
} from './verifier-service/verifier-service.js';
export {
  type Closable,
  type ComposeIssuerOptions,
  type Composed,
  type ComposeVerifierOptions,
  composeIssuerService,
  composeVerifierService,
  type ServiceStoreSource,
} from './compose.js';
export {
  SANDBOX_CLAIMS,
  type Sandbox,
  type SandboxOptions,
  startSandbox,
} from './sandbox/sandbox.js';
export { schedulePurge } from './store/purge.js';
export {
  createObservability,
  type Observability,
  type ObservabilityOptions,
} from './observability/observability.js';
export type { LogDestination } from './middleware/logging/index.js';
export { metricsOf, type ServiceMetrics } from './middleware/metrics/index.js';
export {
  type BudgetConfig,
  defencesOf,
  PROFILE_NAMES,
  type ProfileName,
  resolveServiceConfig,
  SERVICE_PROFILES,
  type ServiceConfig,
  type ServiceConfigFile,
} from './config/service-config.js';
