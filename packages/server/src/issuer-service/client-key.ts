/**
 * Who is asking, for per-client limits: the peer address of the connection, or, behind a
 * reverse proxy the operator says to trust, the address that proxy appended last to
 * `X-Forwarded-For` (the ones before it are whatever the client chose to send).
 */
import type { Context } from 'hono';

export interface ClientKeyOptions {
  /** Read `X-Forwarded-For`: only when every request comes through a proxy that sets it (default false). */
  trustProxy?: boolean;
}

/** The key all requests share when no address is known (a handler called without a Node socket). */
export const UNKNOWN_CLIENT = 'unknown';

/**
 * The client's key: an IPv4 address, or the /64 prefix of an IPv6 address (one subscriber is
 * usually given a whole /64, so single addresses would be free to rotate through).
 *
 * @example
 * ```ts
 * clientKey(c, { trustProxy: true }) // '203.0.113.7' for 'X-Forwarded-For: 10.0.0.1, 203.0.113.7'
 * ```
 */
export function clientKey(c: Context, options: ClientKeyOptions = {}): string {
  const forwarded = options.trustProxy ? c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim() : undefined;
  const env: unknown = c.env;
  const peer = (env as { incoming?: { socket?: { remoteAddress?: unknown } } } | undefined)?.incoming?.socket?.remoteAddress;
  const address = forwarded || (typeof peer === 'string' ? peer : '');
  return address ? normalise(address) : UNKNOWN_CLIENT;
}

function normalise(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!address.includes(':')) return address;
  // Expand "::" and keep the first four groups.
  const [head = '', tail = ''] = address.toLowerCase().split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = address.includes('::') ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
