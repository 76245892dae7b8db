/**
 * Per-client rate limits, kept in memory by each instance: one budget for the public protocol
 * endpoints, one for the operator API, and a much smaller one for operator requests refused
 * for a bad token (once a client has spent it, its operator requests wait, good token or not).
 * Refused requests get 429 with `Retry-After` and `ERR_RATE_LIMITED`.
 *
 * Why not `hono-rate-limiter`: see docs/dependencies.md (its memory store holds one entry per
 * address seen in a window, without a bound).
 */
import { type Clock, SanadError, systemClock } from '@sanad/core';
import type { MiddlewareHandler } from 'hono';
import { type OnRefusal, type RefusalLimit, refuse } from '../refusal.js';
import { clientAddress, clientKey } from './client-address.js';
import { type RateBudget, TokenBuckets } from './token-buckets.js';

export type { RateBudget } from './token-buckets.js';

export interface RateLimitOptions {
  /** Every path outside the operator API (default burst 200, then 20/s per client). `false`: none. */
  public?: RateBudget | false;
  /** The operator API, counted per client whatever its token (default burst 200, then 20/s). */
  operator?: RateBudget | false;
  /** Operator requests answered 401 (default 10, then one per 6 s: 10 a minute). */
  operatorFailures?: RateBudget | false;
  /** Where the operator API is mounted (default `/operator`). */
  operatorPrefix?: string;
  /**
   * Reverse proxies in front that append the client's address to `X-Forwarded-For` (default 0:
   * the header is ignored). `true` is one. Behind a proxy without this, every client shares the
   * proxy's budget.
   */
  trustProxy?: number | boolean;
  /** Clients tracked per budget before the least recently seen is forgotten (default 10,000). */
  maxClients?: number;
  clock?: Clock;
  onRefusal?: OnRefusal;
}

export const DEFAULT_RATE_LIMITS = Object.freeze({
  public: Object.freeze({ burst: 200, perSecond: 20 }),
  operator: Object.freeze({ burst: 200, perSecond: 20 }),
  operatorFailures: Object.freeze({ burst: 10, perSecond: 1 / 6 }),
  operatorPrefix: '/operator',
  maxClients: 10_000,
});

/** The middleware, and how many clients each of its budgets tracks (bounded by `maxClients`). */
export type RateLimitMiddleware = MiddlewareHandler & {
  trackedClients(): Record<'public' | 'operator' | 'operator_failures', number>;
};

function checkedBudget(
  name: string,
  budget: RateBudget | false | undefined,
  fallback: RateBudget,
): RateBudget | undefined {
  if (budget === false) return undefined;
  const b = budget ?? fallback;
  if (
    !(b.burst >= 1 && Number.isFinite(b.burst) && b.perSecond > 0 && Number.isFinite(b.perSecond))
  ) {
    throw new SanadError(
      'ERR_CONFIG_INVALID',
      `Rate limit ${name} needs a burst of at least 1 and a positive perSecond.`,
    );
  }
  return b;
}

/**
 * @example
 * ```ts
 * app.use('*', rateLimit({ public: { burst: 100, perSecond: 10 }, trustProxy: 1 }))
 * ```
 */
export function rateLimit(options: RateLimitOptions = {}): RateLimitMiddleware {
  const maxClients = options.maxClients ?? DEFAULT_RATE_LIMITS.maxClients;
  if (!Number.isSafeInteger(maxClients) || maxClients < 1)
    throw new SanadError(
      'ERR_CONFIG_INVALID',
      'Rate limit maxClients must be a positive whole number.',
    );
  const hops =
    options.trustProxy === true
      ? 1
      : options.trustProxy === false || options.trustProxy === undefined
        ? 0
        : options.trustProxy;
  if (!Number.isSafeInteger(hops) || hops < 0)
    throw new SanadError(
      'ERR_CONFIG_INVALID',
      'Rate limit trustProxy must be true, false or a number of proxies.',
    );
  const buckets = (
    name: string,
    budget: RateBudget | false | undefined,
    fallback: RateBudget,
  ): TokenBuckets | undefined => {
    const checked = checkedBudget(name, budget, fallback);
    return checked ? new TokenBuckets(checked, maxClients) : undefined;
  };
  const publicBuckets = buckets('public', options.public, DEFAULT_RATE_LIMITS.public);
  const operatorBuckets = buckets('operator', options.operator, DEFAULT_RATE_LIMITS.operator);
  const failureBuckets = buckets(
    'operatorFailures',
    options.operatorFailures,
    DEFAULT_RATE_LIMITS.operatorFailures,
  );
  const prefix = (options.operatorPrefix ?? DEFAULT_RATE_LIMITS.operatorPrefix).replace(/\/+$/, '');
  const clock = options.clock ?? systemClock;
  const limited = (
    c: Parameters<MiddlewareHandler>[0],
    limit: RefusalLimit,
    retryAfterSeconds: number,
  ): Response =>
    refuse(c, { limit, status: 429, retryAfterSeconds }, 'ERR_RATE_LIMITED', options.onRefusal);

  const middleware: MiddlewareHandler = async (c, next) => {
    const key = clientKey(clientAddress(c, hops));
    const now = clock.now();
    const path = c.req.path;
    if (!(path === prefix || path.startsWith(`${prefix}/`))) {
      const wait = publicBuckets?.take(key, now) ?? 0;
      if (wait > 0) return limited(c, 'public', wait);
      await next();
      return;
    }
    // Taken before the request and given back unless it failed for its token, so that a flood
    // of concurrent bad tokens is cut off as surely as a sequential one.
    const failureWait = failureBuckets?.take(key, now) ?? 0;
    if (failureWait > 0) return limited(c, 'operator_failures', failureWait);
    const wait = operatorBuckets?.take(key, now) ?? 0;
    if (wait > 0) {
      failureBuckets?.giveBack(key);
      return limited(c, 'operator', wait);
    }
    try {
      await next();
    } finally {
      if (c.res.status !== 401) failureBuckets?.giveBack(key);
    }
  };
  return Object.assign(middleware, {
    trackedClients: () => ({
      public: publicBuckets?.size ?? 0,
      operator: operatorBuckets?.size ?? 0,
      operator_failures: failureBuckets?.size ?? 0,
    }),
  });
}
