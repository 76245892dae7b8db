/**
 * Expired records are invisible at once and deleted here, so an answered session, a spent
 * offer or a stale nonce does not linger in the database: "forgotten" means deleted.
 */
import { type Clock, epochSeconds } from '@sanad/core';
import type { ServiceStore } from './service-store.js';

/**
 * Deletes expired records every `everySeconds` (default 60) until the returned function is called.
 *
 * @example
 * ```ts
 * const stop = schedulePurge(store)
 * // on shutdown: stop()
 * ```
 */
export function schedulePurge(
  store: ServiceStore,
  options: { everySeconds?: number; clock?: Clock; log?: (message: string) => void } = {},
): () => void {
  const timer = setInterval(
    () => {
      store.purgeExpired(epochSeconds(options.clock)).then(
        (n) => {
          if (n > 0) options.log?.(`purged ${n} expired record${n === 1 ? '' : 's'}`);
        },
        () => options.log?.('purging expired records failed; will retry'),
      );
    },
    (options.everySeconds ?? 60) * 1000,
  );
  timer.unref();
  return () => clearInterval(timer);
}
