/**
 * Who a request counts against: the peer's socket address, or with a trusted reverse proxy in
 * front, the address that proxy saw (`X-Forwarded-For`). IPv6 clients count per /64, the block
 * one subscriber usually holds, so rotating addresses inside it buys nothing.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { Context } from 'hono';
import { remoteAddressOf } from '../../node/listen.js';

/** Requests whose sender is not known (served in process, e.g. `app.request()`) share one budget. */
export const UNKNOWN_CLIENT = 'unknown';

/**
 * The client's address. `trustProxy` is the number of reverse proxies in front of the service
 * that append to `X-Forwarded-For` (0: ignore the header, anyone can write it). With `n` proxies
 * the client is the `n`-th address from the right of the chain ending in the socket's address.
 */
export function clientAddress(c: Context, trustProxy: number): string {
  const socket = remoteAddressOf(c.req.raw, c.env) ?? UNKNOWN_CLIENT;
  if (trustProxy === 0) return socket;
  const forwarded = (c.req.header('x-forwarded-for') ?? '')
    .split(',')
    .map((a) => a.trim())
    .filter((a) => a.length > 0);
  const chain = [socket, ...forwarded.reverse()];
  return chain[Math.min(trustProxy, chain.length - 1)]!;
}

/** The key a client's budget is kept under: an IPv4 address, an IPv6 /64 prefix, or the text as given. */
export function clientKey(address: string): string {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped) return mapped[1]!;
  if (isIPv4(bare) || !isIPv6(bare)) return bare;
  const groups = (part: string): string[] =>
    (part === '' ? [] : part.split(':')).flatMap((g) => (g.includes('.') ? ['0', '0'] : [g]));
  const [head = '', tail] = bare.split('::');
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const full = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${full
    .slice(0, 4)
    .map((g) => g.toLowerCase().replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
