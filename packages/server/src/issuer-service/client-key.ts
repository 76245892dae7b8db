/**
 * Who is asking, for the issuer's per-client PIN limit: the same client the rate limits count
 * (`middleware/rate-limit/client-address.ts`), so a site sets `trustProxy` once for both.
 */
import type { Context } from 'hono';
import { clientAddress, clientKey as budgetKey } from '../middleware/rate-limit/client-address.js';

export { UNKNOWN_CLIENT } from '../middleware/rate-limit/client-address.js';

export interface ClientKeyOptions {
  /**
   * Reverse proxies in front that append to `X-Forwarded-For` (`true`: one). Only when every
   * request comes through them: otherwise clients write their own address (default none).
   */
  trustProxy?: boolean | number;
}

/**
 * The client's key: an IPv4 address, or the /64 prefix of an IPv6 address.
 *
 * @example
 * ```ts
 * clientKey(c, { trustProxy: true }) // '203.0.113.7' for 'X-Forwarded-For: 10.0.0.1, 203.0.113.7'
 * ```
 */
export function clientKey(c: Context, options: ClientKeyOptions = {}): string {
  const hops =
    options.trustProxy === true
      ? 1
      : typeof options.trustProxy === 'number'
        ? options.trustProxy
        : 0;
  return budgetKey(clientAddress(c, hops));
}
