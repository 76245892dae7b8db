/** Who a request comes from, for per-client limits. */
import { Hono } from 'hono';
import { listen } from '../node/listen.js';
import { describe, expect, it } from 'vitest';
import { type ClientKeyOptions, clientKey, UNKNOWN_CLIENT } from './client-key.js';

async function keyOf(
  headers: Record<string, string>,
  options: ClientKeyOptions,
  remoteAddress?: string,
): Promise<string> {
  const app = new Hono();
  app.get('/', (c) => c.text(clientKey(c, options)));
  const env = remoteAddress ? { incoming: { socket: { remoteAddress } } } : undefined;
  return (await app.request('/', { headers }, env)).text();
}

describe('clientKey', () => {
  it('is the peer address, and ignores X-Forwarded-For unless the proxy is trusted', async () => {
    expect(await keyOf({ 'x-forwarded-for': '198.51.100.9' }, {}, '203.0.113.7')).toBe(
      '203.0.113.7',
    );
    expect(await keyOf({}, {}, '::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(await keyOf({ 'x-forwarded-for': '198.51.100.9' }, {})).toBe(UNKNOWN_CLIENT);
  });

  it("behind a trusted proxy, is the address the proxy appended last (the ones before are the client's to choose)", async () => {
    expect(
      await keyOf(
        { 'x-forwarded-for': '10.9.9.9, 198.51.100.9' },
        { trustProxy: true },
        '10.0.0.1',
      ),
    ).toBe('198.51.100.9');
    expect(await keyOf({}, { trustProxy: true }, '10.0.0.1')).toBe('10.0.0.1');
  });

  it('groups IPv6 clients by their /64', async () => {
    expect(await keyOf({}, {}, '2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(await keyOf({}, {}, '2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(await keyOf({}, {}, '2001:db8::1')).toBe('2001:db8:0:0::/64');
  });

  it('is the socket address when served by listen(), which passes no Node bindings to the app', async () => {
    const app = new Hono();
    app.get('/', (c) => c.text(clientKey(c)));
    const server = await listen((request) => app.fetch(request));
    try {
      expect(await (await fetch(server.url)).text()).toBe('127.0.0.1');
    } finally {
      await server.close();
    }
  });
});
