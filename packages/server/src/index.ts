/** `@sanad/server`: the issuer (OpenID4VCI) and verifier (OpenID4VP + DCQL) HTTP services. */
export { createMemoryServiceStore, type RecordKind, type ServiceStore, type StoredRecord } from './store/service-store.js';
export { openSqliteServiceStore } from './store/sqlite-service-store.js';
export { openPostgresServiceStore, type PostgresServiceStoreOptions } from './store/postgres-service-store.js';
export { type CreatedOffer, type CreateOfferOptions, createIssuerService, type IssuerService, type IssuerServiceOptions } from './issuer-service/issuer-service.js';
export { type Listening, listen } from './node/listen.js';
export { contentSecurityPolicy, type StaticFilesOptions, staticFiles } from './http/static-files.js';
export { outcomeOf, type SessionOutcome } from './verifier-service/outcome.js';
export { checkPresets, type LintFinding, lintPresets, standardPresets, type VerifierPreset } from './verifier-service/presets.js';
export {
  type CreatedSession,
  type CreateSessionOptions,
  createVerifierService,
  type ResponseMode,
  type SessionResult,
  type SessionStatus,
  type SessionView,
  serviceNonceStore,
  type StatusUnavailableNote,
  type VerifierService,
  type VerifierServiceOptions,
} from './verifier-service/verifier-service.js';
export { SANDBOX_CLAIMS, type Sandbox, type SandboxOptions, startSandbox } from './sandbox/sandbox.js';
export { schedulePurge } from './store/purge.js';
export { createObservability, type Observability, type ObservabilityOptions } from './observability/observability.js';
export type { LogDestination } from './middleware/logging/index.js';
export { metricsOf, type ServiceMetrics } from './middleware/metrics/index.js';
