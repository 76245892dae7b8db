/** Node-only: resolves a host name with the system resolver, for the guarded fetch. */
import { lookup } from 'node:dns/promises';
import { SanadError } from '../errors.js';
import type { HostResolver } from '../net/guarded-fetch.js';
import { createPublicOnlyFetch } from './pinned-fetch.js';

/**
 * Every address `host` resolves to.
 *
 * @example
 * ```ts
 * createGuardedFetch({ resolveHost: nodeHostResolver })
 * ```
 */
export const nodeHostResolver: HostResolver = async (host) => {
  try {
    return (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch (cause) {
    throw new SanadError('ERR_FETCH_FAILED', 'The host name does not resolve.', { cause });
  }
};

/**
 * The network options a Node verifier or wallet should use for untrusted URLs: names checked
 * before the request and the dialled address checked again (see `createPublicOnlyFetch`).
 *
 * @example
 * ```ts
 * createGuardedFetch(nodeNetwork())
 * ```
 */
export function nodeNetwork(): { resolveHost: HostResolver; fetch: typeof globalThis.fetch } {
  return { resolveHost: nodeHostResolver, fetch: createPublicOnlyFetch() };
}
