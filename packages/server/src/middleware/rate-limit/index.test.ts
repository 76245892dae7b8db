import type { Clock } from '@sanad/core';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { operatorAuth } from '../../http/operator-auth.js';
import { errorResponse } from '../../http/errors.js';
import { clientKey } from './client-address.js';
import { type RateLimitOptions, rateLimit } from './index.js';

const TOKEN = 'operator-token-for-rate-limit-tests';

/** A frozen clock the test moves by hand. */
function manualClock(): Clock & { advance(ms: number): void } {
  let now = Date.parse('2026-12-02T12:00:00Z');
  return { now: () => now, advance: (ms) => (now += ms) };
}

function appWith(options: RateLimitOptions) {
  const limiter = rateLimit(options);
  const app = new Hono();
  app.onError((err, c) => errorResponse(c, err, () => undefined));
  app.use('*', limiter);
  app.get('/public', (c) => c.json({ ok: true }));
  const operator = new Hono();
  operator.use('*', operatorAuth(TOKEN));
  operator.get('/presets', (c) => c.json({ ok: true }));
  app.route('/operator', operator);
  return { app, limiter };
}

const from = (address: string, headers: Record<string, string> = {}) => ({
  headers: { 'x-forwarded-for': address, ...headers },
});
const operatorAs = (address: string, token = TOKEN) =>
  from(address, { authorization: `Bearer ${token}` });

describe('rate limits per client', () => {
  it('lets a burst through, then answers 429 with Retry-After and ERR_RATE_LIMITED, and refills over time', async () => {
    const clock = manualClock();
    const { app } = appWith({ public: { burst: 3, perSecond: 0.5 }, trustProxy: 1, clock });
    for (let i = 0; i < 3; i += 1)
      expect((await app.request('/public', from('198.51.100.7'))).status).toBe(200);
    const refused = await app.request('/public', from('198.51.100.7'));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('2');
    expect(await refused.json()).toEqual({
      error: 'rate_limited',
      error_description: expect.any(String),
      sanad_code: 'ERR_RATE_LIMITED',
    });
    // Another client has its own budget.
    expect((await app.request('/public', from('198.51.100.8'))).status).toBe(200);
    clock.advance(2000);
    expect((await app.request('/public', from('198.51.100.7'))).status).toBe(200);
    expect((await app.request('/public', from('198.51.100.7'))).status).toBe(429);
  });

  it('keeps the operator API on its own budget: a public flood does not lock the desk out', async () => {
    const clock = manualClock();
    const { app } = appWith({
      public: { burst: 2, perSecond: 1 },
      operator: { burst: 5, perSecond: 1 },
      trustProxy: 1,
      clock,
    });
    for (let i = 0; i < 10; i += 1) await app.request('/public', from('203.0.113.5'));
    expect((await app.request('/public', from('203.0.113.5'))).status).toBe(429);
    expect((await app.request('/operator/presets', operatorAs('203.0.113.5'))).status).toBe(200);
  });

  it('limits bad operator tokens far harder than good requests, and the lockout lapses', async () => {
    const clock = manualClock();
    const { app } = appWith({
      operator: { burst: 100, perSecond: 10 },
      operatorFailures: { burst: 3, perSecond: 0.1 },
      trustProxy: 1,
      clock,
    });
    // Good requests never spend the failure budget.
    for (let i = 0; i < 20; i += 1)
      expect((await app.request('/operator/presets', operatorAs('192.0.2.1'))).status).toBe(200);
    for (let i = 0; i < 3; i += 1)
      expect(
        (await app.request('/operator/presets', operatorAs('192.0.2.1', 'x'.repeat(30)))).status,
      ).toBe(401);
    const locked = await app.request('/operator/presets', operatorAs('192.0.2.1', 'x'.repeat(30)));
    expect(locked.status).toBe(429);
    expect(locked.headers.get('retry-after')).toBe('10');
    expect((await locked.json()).sanad_code).toBe('ERR_RATE_LIMITED');
    // Until the failure budget refills, the address waits even with the right token.
    expect((await app.request('/operator/presets', operatorAs('192.0.2.1'))).status).toBe(429);
    expect((await app.request('/operator/presets', operatorAs('192.0.2.2'))).status).toBe(200);
    clock.advance(10_000);
    expect((await app.request('/operator/presets', operatorAs('192.0.2.1'))).status).toBe(200);
  });

  it('cuts off concurrent bad tokens as surely as sequential ones', async () => {
    const { app } = appWith({ operatorFailures: { burst: 5, perSecond: 0.01 }, trustProxy: 1 });
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        app.request('/operator/presets', operatorAs('192.0.2.9', 'y'.repeat(30))),
      ),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(45);
  });

  it('ignores X-Forwarded-For unless told how many proxies to trust, and then reads the address the proxy saw', async () => {
    const clock = manualClock();
    const direct = appWith({ public: { burst: 1, perSecond: 0.001 }, clock }).app;
    // Served in process there is no socket: every spoofed address shares one budget.
    expect((await direct.request('/public', from('10.0.0.1'))).status).toBe(200);
    expect((await direct.request('/public', from('10.0.0.2'))).status).toBe(429);

    const proxied = appWith({ public: { burst: 1, perSecond: 0.001 }, trustProxy: 1, clock }).app;
    // The proxy appends the real address; what the client wrote before it does not count.
    expect((await proxied.request('/public', from('10.9.9.9, 198.51.100.20'))).status).toBe(200);
    expect((await proxied.request('/public', from('10.9.9.8, 198.51.100.20'))).status).toBe(429);
  });

  it('counts IPv6 clients per /64, so rotating addresses inside one block buys nothing', async () => {
    expect(clientKey('2001:db8:aa:bb:1::2')).toBe('2001:db8:aa:bb::/64');
    expect(clientKey('2001:0db8:00aa:00bb:ffff:1:2:3')).toBe('2001:db8:aa:bb::/64');
    expect(clientKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(clientKey('::1')).toBe('0:0:0:0::/64');
    expect(clientKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(clientKey('192.0.2.1')).toBe('192.0.2.1');
    const { app } = appWith({ public: { burst: 2, perSecond: 0.001 }, trustProxy: 1 });
    expect((await app.request('/public', from('2001:db8:1:2::a'))).status).toBe(200);
    expect((await app.request('/public', from('2001:db8:1:2:ffff::b'))).status).toBe(200);
    expect((await app.request('/public', from('2001:db8:1:2::c'))).status).toBe(429);
    expect((await app.request('/public', from('2001:db8:1:3::a'))).status).toBe(200);
  });

  it('holds at most maxClients per budget however many addresses a flood comes from', async () => {
    const { app, limiter } = appWith({ maxClients: 100, trustProxy: 1 });
    for (let i = 0; i < 1_000; i += 1)
      await app.request('/public', from(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`));
    expect(limiter.trackedClients().public).toBe(100);
  });

  it('switches each budget off with false and refuses nonsense settings', async () => {
    const { app } = appWith({ public: false, trustProxy: 1 });
    for (let i = 0; i < 300; i += 1)
      expect((await app.request('/public', from('198.51.100.1'))).status).toBe(200);
    expect(() => rateLimit({ public: { burst: 0, perSecond: 1 } })).toThrow(
      expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }),
    );
    expect(() => rateLimit({ operator: { burst: 10, perSecond: Number.NaN } })).toThrow(
      expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }),
    );
    expect(() => rateLimit({ maxClients: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }),
    );
    expect(() => rateLimit({ trustProxy: -1 })).toThrow(
      expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }),
    );
  });

  it('tells onRefusal which budget refused', async () => {
    const seen: string[] = [];
    const { app } = appWith({
      public: { burst: 1, perSecond: 0.001 },
      trustProxy: 1,
      onRefusal: (r) => seen.push(`${r.limit} ${r.status}`),
    });
    await app.request('/public', from('198.51.100.3'));
    await app.request('/public', from('198.51.100.3'));
    expect(seen).toEqual(['public 429']);
  });
});
