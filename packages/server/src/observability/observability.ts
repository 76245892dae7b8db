/**
 * Each service's logs, metrics and health in one object, made once per service instance: JSON
 * request logs with request ids, a Prometheus registry of its own, `/healthz` and `/readyz`.
 * See `docs/deployment.md`, "Metrics, logs and health".
 */
import type { Hono } from 'hono';
import type { LevelWithSilent } from 'pino';
import { operatorAuth } from '../http/operator-auth.js';
import { healthRoutes, type ReadinessCheck } from '../middleware/health/index.js';
import {
  createServiceLogger,
  type LogDestination,
  type Logger,
  messageLogger,
  requestLogging,
} from '../middleware/logging/index.js';
import {
  createServiceMetrics,
  METRICS_CONTENT_TYPE,
  requestMetrics,
  type ServiceMetrics,
} from '../middleware/metrics/index.js';
import { requestId } from '../middleware/request-id/index.js';
import type { RecordKind, ServiceStore } from '../store/service-store.js';
import { storeReachable } from './readiness.js';

export interface Observability {
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  /** What the service's `log(message)` writes by default: an info line with the request's id. */
  readonly log: (message: string) => void;
}

export interface ObservabilityOptions {
  /** Where the JSON lines go (default: standard error). */
  logDestination?: LogDestination;
  /** Default `SANAD_LOG_LEVEL`, else `info`. */
  logLevel?: LevelWithSilent;
}

/**
 * @example
 * ```ts
 * const observability = createObservability('verifier', { logLevel: 'warn' })
 * ```
 */
export function createObservability(
  service: 'issuer' | 'verifier',
  options: ObservabilityOptions = {},
): Observability {
  const logger = createServiceLogger({
    service,
    ...(options.logDestination ? { destination: options.logDestination } : {}),
    ...(options.logLevel ? { level: options.logLevel } : {}),
  });
  return { logger, metrics: createServiceMetrics(service), log: messageLogger(logger) };
}

export interface InstrumentOptions {
  /** Serves `GET /operator/metrics` behind this token; without one, metrics are not served. */
  operatorToken: string | undefined;
  store: ServiceStore;
  /** The records this service keeps in `store`, counted at each scrape. */
  kinds: readonly RecordKind[];
  now: () => number;
  /** Readiness checks besides `store`. */
  checks: Record<string, ReadinessCheck>;
  /** Checks that degrade `/readyz` without making the instance not ready (see `healthRoutes`). */
  advisories?: Record<string, ReadinessCheck>;
}

/**
 * Mounts request ids, request logs and request metrics on every route, `/healthz`, `/readyz`
 * and `/operator/metrics`. Call it first, before any other middleware or route, so that it
 * sees every request, refused ones included.
 */
export function instrument(
  app: Hono,
  observability: Observability,
  options: InstrumentOptions,
): void {
  const { metrics } = observability;
  metrics.watchStore(options.store, options.kinds, options.now);
  app.use('*', requestId(), requestLogging(observability.logger), requestMetrics(metrics));
  app.route(
    '/',
    healthRoutes({
      checks: { store: storeReachable(options.store, options.now), ...options.checks },
      ...(options.advisories ? { advisories: options.advisories } : {}),
    }),
  );
  if (options.operatorToken === undefined) return;
  app.get('/operator/metrics', operatorAuth(options.operatorToken), async (c) => {
    c.header('Content-Type', METRICS_CONTENT_TYPE);
    c.header('Cache-Control', 'no-store');
    return c.body(await metrics.exposition());
  });
}
