/**
 * The services' denial-of-service defences in one call, on by default: per-client rate limits
 * first (a flood from one client is turned away before it takes a place), then load shedding.
 * Each part is tuned through its options or switched off with `false`; see docs/deployment.md.
 */
import { SanadError } from '@sanad/core';
import type { MiddlewareHandler } from 'hono';
import { type LoadSheddingOptions, loadShedding } from '../load-shedding/index.js';
import { type RateLimitOptions, rateLimit } from '../rate-limit/index.js';
import type { OnRefusal } from '../refusal.js';

export interface DefencesOptions {
  /** Per-client budgets (see `RateLimitOptions`); `false` switches them off. */
  rateLimit?: RateLimitOptions | false;
  /** Concurrency and event-loop-lag limits (see `LoadSheddingOptions`); `false` switches them off. */
  loadShedding?: LoadSheddingOptions | false;
  /** Told of every refused request, whichever part refused it (for metrics). */
  onRefusal?: OnRefusal;
}

/**
 * The defences' middleware, in the order to use them; `false` gives none.
 *
 * @example
 * ```ts
 * app.use('*', ...defences({ rateLimit: { trustProxy: 1 }, loadShedding: { maxInFlight: 100 } }))
 * ```
 */
export function defences(options: DefencesOptions | false = {}): MiddlewareHandler[] {
  if (options === false) return [];
  const shared = options.onRefusal;
  const withHook = <T extends { onRefusal?: OnRefusal }>(part: T): T => {
    if (!shared) return part;
    const own = part.onRefusal;
    return {
      ...part,
      onRefusal: own
        ? (refusal, c) => {
            own(refusal, c);
            shared(refusal, c);
          }
        : shared,
    };
  };
  const handlers: MiddlewareHandler[] = [];
  if (options.rateLimit !== false) handlers.push(rateLimit(withHook(options.rateLimit ?? {})));
  if (options.loadShedding !== false)
    handlers.push(loadShedding(withHook(options.loadShedding ?? {})));
  return handlers;
}

/**
 * A service's one `trustProxy` (reverse proxies in front that append to `X-Forwarded-For`) given
 * to its rate limits as well: every per-client count the service keeps must see the same client.
 * Refused when `defences.rateLimit.trustProxy` says otherwise.
 */
export function servicesDefences(
  options: DefencesOptions | false | undefined,
  trustProxy: boolean | number | undefined,
): { defences: DefencesOptions | false | undefined; trustProxy: boolean | number | undefined } {
  if (options === false || options?.rateLimit === false) return { defences: options, trustProxy };
  const own = options?.rateLimit?.trustProxy;
  if (trustProxy === undefined) return { defences: options, trustProxy: own };
  if (own !== undefined && own !== trustProxy)
    throw new SanadError(
      'ERR_CONFIG_INVALID',
      'trustProxy and defences.rateLimit.trustProxy disagree: set trustProxy only.',
    );
  return { defences: { ...options, rateLimit: { ...options?.rateLimit, trustProxy } }, trustProxy };
}
