/**
 * Prometheus metrics, one registry per service instance (tests and the sandbox run several
 * services in one process). Labels are bounded sets: route patterns, methods, statuses, error
 * codes, record kinds and the status lists of trusted issuers; never an id, a path or a value.
 */
import type { ErrorReport, VerificationResult } from '@sanad/core';
import type { Context, MiddlewareHandler } from 'hono';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RecordKind, ServiceStore } from '../../store/service-store.js';
import { routePattern } from '../logging/route-pattern.js';

/** What other middleware and the services record; read it in a handler with {@link metricsOf}. */
export interface ServiceMetrics {
  /** This instance's registry: what `GET /operator/metrics` serves, with the process metrics. */
  readonly registry: Registry;
  /** `sanad_http_requests_total` and `sanad_http_request_duration_seconds`, kept by {@link requestMetrics}. */
  readonly requests: Counter<RequestLabel>;
  readonly requestDuration: Histogram<RequestLabel>;
  /** `sanad_rate_limited_total{route}`: requests refused by a rate limit, by route pattern. */
  readonly rateLimited: Counter<'route'>;
  /** Counts a verification by outcome and first error code, and what its status check saw. */
  recordVerification(result: VerificationResult): void;
  /** Counts the live records of `kinds` in `store` at each scrape (`sanad_store_records{kind}`). */
  watchStore(store: ServiceStore, kinds: readonly RecordKind[], now: () => number): void;
  /** The last status check that found no usable list (unavailable or expired), cleared by the next good one. */
  statusProblem(): ErrorReport | undefined;
  /** The text exposition of this registry and of the process metrics. */
  exposition(): Promise<string>;
}

type RequestLabel = 'method' | 'route' | 'status';

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** A verifier trusts a few issuers with a few lists each; beyond this, new lists are not tracked. */
const MAX_TRACKED_STATUS_LISTS = 256;

const SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

const NO_USABLE_LIST = new Set([
  'ERR_STATUS_UNAVAILABLE',
  'WARN_STATUS_UNAVAILABLE',
  'ERR_STATUS_LIST_EXPIRED',
]);

/** Node.js process metrics, once per process, whatever the number of services in it. */
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/**
 * @example
 * ```ts
 * const metrics = createServiceMetrics('verifier')
 * app.use('*', requestMetrics(metrics))
 * ```
 */
export function createServiceMetrics(service: string): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  const registers = [registry];
  const labelNames: RequestLabel[] = ['method', 'route', 'status'];
  const requests = new Counter({
    name: 'sanad_http_requests_total',
    help: 'Requests answered, by route pattern and status.',
    labelNames,
    registers,
  });
  const requestDuration = new Histogram({
    name: 'sanad_http_request_duration_seconds',
    help: 'Time to answer a request.',
    labelNames,
    buckets: SECONDS_BUCKETS,
    registers,
  });
  const rateLimited = new Counter({
    name: 'sanad_rate_limited_total',
    help: 'Requests refused by a rate limit.',
    labelNames: ['route'] as const,
    registers,
  });
  const verifications = new Counter({
    name: 'sanad_verifications_total',
    help: 'Presentations verified, by outcome and first error code (none when verified).',
    labelNames: ['outcome', 'code'] as const,
    registers,
  });
  const fetchFailures = new Counter({
    name: 'sanad_status_list_fetch_failures_total',
    help: 'Status checks whose list could not be fetched: answered from the cache, or not at all.',
    labelNames: ['fallback'] as const,
    registers,
  });
  // When each list was issued (epoch ms), from the last check that used it; its age is taken at scrape time.
  const listIssuedAt = new Map<string, number>();
  new Gauge({
    name: 'sanad_status_list_age_seconds',
    help: 'Age of each status list this instance last checked a credential against.',
    labelNames: ['list'] as const,
    registers,
    collect() {
      this.reset();
      for (const [list, issuedAt] of listIssuedAt)
        this.set({ list }, Math.max(0, (Date.now() - issuedAt) / 1000));
    },
  });
  const watched: { store: ServiceStore; kinds: readonly RecordKind[]; now: () => number }[] = [];
  new Gauge({
    name: 'sanad_store_records',
    help: 'Live (unexpired) records in the service store, by kind.',
    labelNames: ['kind'] as const,
    registers,
    async collect() {
      this.reset();
      for (const { store, kinds, now } of watched) {
        for (const kind of kinds) this.set({ kind }, await store.count(kind, now()));
      }
    },
  });
  let statusProblem: ErrorReport | undefined;

  return {
    registry,
    requests,
    requestDuration,
    rateLimited,
    recordVerification(result) {
      const outcome = result.verified ? 'verified' : result.retryable ? 'undecided' : 'rejected';
      verifications.inc({ outcome, code: result.errors[0]?.code ?? 'none' });
      const problem = [...result.errors, ...result.warnings].find((e) =>
        NO_USABLE_LIST.has(e.code),
      );
      const source = result.statusSource;
      if (problem && problem.code !== 'ERR_STATUS_LIST_EXPIRED')
        fetchFailures.inc({ fallback: 'none' });
      else if (source?.source === 'cache') fetchFailures.inc({ fallback: 'cache' });
      const tracked =
        source && (listIssuedAt.has(source.uri) || listIssuedAt.size < MAX_TRACKED_STATUS_LISTS);
      if (tracked && source.ageSeconds !== undefined) {
        listIssuedAt.set(source.uri, Date.now() - source.ageSeconds * 1000);
      }
      if (problem) statusProblem = problem;
      else if (source) statusProblem = undefined;
    },
    watchStore(store, kinds, now) {
      watched.push({ store, kinds, now });
    },
    statusProblem: () => statusProblem,
    async exposition() {
      return `${await registry.metrics()}\n${await processMetrics().metrics()}`;
    },
  };
}

/**
 * Counts and times every request by method, route pattern and status. It also makes the
 * metrics reachable from later middleware: `metricsOf(c)?.rateLimited.inc({ route })`.
 */
export function requestMetrics(metrics: ServiceMetrics): MiddlewareHandler {
  return async (c, next) => {
    c.set('metrics', metrics);
    const started = performance.now();
    await next();
    const labels = { method: c.req.method, route: routePattern(c), status: String(c.res.status) };
    metrics.requests.inc(labels);
    metrics.requestDuration.observe(labels, (performance.now() - started) / 1000);
  };
}

/** The metrics {@link requestMetrics} put on this request, for middleware mounted after it. */
export const metricsOf = (c: Context): ServiceMetrics | undefined =>
  c.get('metrics') as ServiceMetrics | undefined;
