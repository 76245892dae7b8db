/**
 * Node-only: a fetch that checks the address it actually dials. Resolving a name, checking it
 * and then letting the HTTP client resolve it again leaves a DNS-rebinding window (the second
 * answer can be 127.0.0.1). Here the connection's own lookup refuses internal addresses, so
 * the address checked is the address dialled.
 */
import { lookup as systemLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import type { Agent, fetch as undiciFetch } from 'undici';
import { SanadError } from '../errors.js';
import { isInternalAddress } from '../net/ip-address.js';

/** The callback-style `dns.lookup` signature sockets call (`all: true` is the form used here). */
export type DnsLookup = (
  hostname: string,
  options: LookupOptions & { all: true },
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

type SocketLookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** A socket `lookup` that answers only with public addresses. */
export function publicOnlyLookup(lookup: DnsLookup = systemLookup as unknown as DnsLookup) {
  return (hostname: string, options: LookupOptions, callback: SocketLookupCallback): void => {
    lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      if (addresses.length === 0 || addresses.some((a) => isInternalAddress(a.address))) {
        const refused = new SanadError(
          'ERR_FETCH_URL_FORBIDDEN',
          'The host resolved to a loopback, private or link-local address when dialled.',
        );
        return callback(refused as unknown as NodeJS.ErrnoException, []);
      }
      if (options.all) return callback(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

/**
 * A standard `fetch` whose connections only reach public addresses, for the guarded fetches:
 * `createGuardedFetch({ resolveHost: nodeHostResolver, fetch: createPublicOnlyFetch() })`.
 *
 * @example
 * ```ts
 * const fetch = createPublicOnlyFetch()
 * ```
 */
export function createPublicOnlyFetch(
  options: { lookup?: DnsLookup } = {},
): typeof globalThis.fetch {
  // undici is loaded on the first request, not at start-up: an offline `sanad verify` never dials.
  let client: Promise<{ fetch: typeof undiciFetch; dispatcher: Agent }> | undefined;
  return (async (input: Parameters<typeof globalThis.fetch>[0], init?: RequestInit) => {
    client ??= import('undici').then((undici) => ({
      fetch: undici.fetch,
      dispatcher: new undici.Agent({ connect: { lookup: publicOnlyLookup(options.lookup) } }),
    }));
    const { fetch, dispatcher } = await client;
    return fetch(input as never, { ...(init as object), dispatcher } as never);
  }) as unknown as typeof globalThis.fetch;
}
