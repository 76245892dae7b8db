/** The fetch that checks the address it dials, against a real server on loopback. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublicOnlyFetch, type DnsLookup } from './pinned-fetch.js';

let server: Server;
let port: number;
let served = 0;

beforeAll(async () => {
  server = createServer((_, res) => {
    served += 1;
    res.end('reached');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** A resolver that answers every name with `address`: what a rebinding DNS server does on its second answer. */
const answering =
  (address: string, family: 4 | 6 = 4): DnsLookup =>
  (_, __, callback) =>
    callback(null, [{ address, family }]);

describe('createPublicOnlyFetch', () => {
  it('refuses to dial a name that resolves to loopback when the connection is made, and never reaches the server', async () => {
    const fetch = createPublicOnlyFetch({ lookup: answering('127.0.0.1') });
    const err = await fetch(`http://rebind.example:${port}/`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as { cause?: unknown }).cause).toMatchObject({ code: 'ERR_FETCH_URL_FORBIDDEN' });
    expect(served).toBe(0);
  });

  it('refuses private and mapped addresses as well', async () => {
    for (const [address, family] of [
      ['10.0.0.7', 4],
      ['169.254.169.254', 4],
      ['::ffff:127.0.0.1', 6],
    ] as const) {
      const err = await createPublicOnlyFetch({ lookup: answering(address, family) })(
        `http://rebind.example:${port}/`,
      ).catch((e: unknown) => e);
      expect((err as { cause?: unknown }).cause).toMatchObject({ code: 'ERR_FETCH_URL_FORBIDDEN' });
    }
    expect(served).toBe(0);
  });
});
