/** The readiness checks the services run at `/readyz` (see `middleware/health`). */
import { type Clock, SanadError, type Signer, type TrustList } from '@sanad/core';
import type { ReadinessCheck } from '../middleware/health/index.js';
import type { ServiceMetrics } from '../middleware/metrics/index.js';
import type { ServiceStore } from '../store/service-store.js';

/** One primary-key read: the store answers (SQLite file open, PostgreSQL pool connected). */
export const storeReachable =
  (store: ServiceStore, now: () => number): ReadinessCheck =>
  () =>
    store.get('session', 'readiness-probe', now());

/**
 * The signing key signs: tried once (a key in memory, or a remote key service reached), then
 * known; a failure is tried again at the next probe.
 */
export function signingKeyLoaded(signer: Signer): ReadinessCheck {
  let signed = false;
  return async () => {
    if (signed) return;
    const signature = await signer
      .sign(new TextEncoder().encode('sanad readiness probe'))
      .catch(() => undefined);
    if (!signature?.length)
      throw new SanadError('ERR_CONFIG_INVALID', 'The signing key could not sign.');
    signed = true;
  };
}

/** The trust list was loaded when the service started; it must not have expired since. */
export const trustListCurrent =
  (trustList: TrustList, clock: Clock): ReadinessCheck =>
  () => {
    const expiresAt = trustList.document.expires_at;
    if (expiresAt !== undefined && Date.parse(expiresAt) <= clock.now())
      throw new SanadError('ERR_TRUST_LIST_EXPIRED');
  };

/**
 * The last status check found a usable list: fails while the status lists this instance needs
 * can be had neither from their servers nor from the cache, or have expired (an advisory check).
 */
export const statusListsUsable =
  (metrics: ServiceMetrics): ReadinessCheck =>
  () => {
    const problem = metrics.statusProblem();
    if (!problem) return;
    throw new SanadError(
      problem.code === 'ERR_STATUS_LIST_EXPIRED' ? problem.code : 'ERR_STATUS_UNAVAILABLE',
    );
  };
