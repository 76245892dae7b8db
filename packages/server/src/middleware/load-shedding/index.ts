/**
 * Load shedding: when more requests are in progress than `maxInFlight`, or the event loop runs
 * later than `maxEventLoopLagMs`, new requests are answered at once with 503, `Retry-After` and
 * `ERR_SERVICE_OVERLOADED`, so that those already admitted finish in bounded time instead of
 * everyone waiting longer. Probes (`/healthz`, `/readyz`) are never shed: an orchestrator should
 * not restart a busy instance.
 */
import { SanadError } from '@sanad/core';
import type { MiddlewareHandler } from 'hono';
import { type OnRefusal, refuse } from '../refusal.js';
import { eventLoopLagMs } from './event-loop-lag.js';

export interface LoadSheddingOptions {
  /** Requests in progress at once, including those still receiving their body (default 1024). `false`: no limit. */
  maxInFlight?: number | false;
  /** Event-loop lag (ms, mean over half a second) past which requests are shed (default 500). `false`: never. */
  maxEventLoopLagMs?: number | false;
  /** The `Retry-After` of a shed request (default 2 s). */
  retryAfterSeconds?: number;
  /** Paths never shed (default `/healthz`, `/readyz`). */
  exemptPaths?: string[];
  /** Where the lag comes from (default: this process's event loop, see `eventLoopLagMs`). */
  eventLoopLag?: () => number;
  onRefusal?: OnRefusal;
}

export const DEFAULT_LOAD_SHEDDING = Object.freeze({
  maxInFlight: 1024,
  maxEventLoopLagMs: 500,
  retryAfterSeconds: 2,
  exemptPaths: Object.freeze(['/healthz', '/readyz']),
});

/** The middleware, and how many requests it has admitted that are still in progress. */
export type LoadSheddingMiddleware = MiddlewareHandler & { inFlight(): number };

const positive = (name: string, value: number): number => {
  if (!(value > 0 && Number.isFinite(value)))
    throw new SanadError('ERR_CONFIG_INVALID', `Load shedding ${name} must be a positive number.`);
  return value;
};

/**
 * @example
 * ```ts
 * app.use('*', loadShedding({ maxInFlight: 100, maxEventLoopLagMs: 250 }))
 * ```
 */
export function loadShedding(options: LoadSheddingOptions = {}): LoadSheddingMiddleware {
  const maxInFlight =
    options.maxInFlight === false
      ? Infinity
      : positive('maxInFlight', options.maxInFlight ?? DEFAULT_LOAD_SHEDDING.maxInFlight);
  const maxLag =
    options.maxEventLoopLagMs === false
      ? undefined
      : positive(
          'maxEventLoopLagMs',
          options.maxEventLoopLagMs ?? DEFAULT_LOAD_SHEDDING.maxEventLoopLagMs,
        );
  const retryAfterSeconds = Math.ceil(
    positive(
      'retryAfterSeconds',
      options.retryAfterSeconds ?? DEFAULT_LOAD_SHEDDING.retryAfterSeconds,
    ),
  );
  const exempt = new Set(options.exemptPaths ?? DEFAULT_LOAD_SHEDDING.exemptPaths);
  const lag = options.eventLoopLag ?? eventLoopLagMs;
  if (maxLag !== undefined) lag(); // starts the sampler, so the first requests already have a reading
  let inFlight = 0;

  const middleware: MiddlewareHandler = async (c, next) => {
    if (exempt.has(c.req.path)) return next();
    const overloaded =
      inFlight >= maxInFlight
        ? 'in_flight'
        : maxLag !== undefined && lag() > maxLag
          ? 'event_loop_lag'
          : undefined;
    if (overloaded)
      return refuse(
        c,
        { limit: overloaded, status: 503, retryAfterSeconds },
        'ERR_SERVICE_OVERLOADED',
        options.onRefusal,
      );
    inFlight += 1;
    try {
      await next();
    } finally {
      inFlight -= 1;
    }
  };
  return Object.assign(middleware, { inFlight: () => inFlight });
}
