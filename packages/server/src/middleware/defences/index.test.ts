import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createServiceMetrics, requestMetrics } from '../metrics/index.js';
import { defences, servicesDefences } from './index.js';

function appWith(...handlers: ReturnType<typeof defences>) {
  const app = new Hono();
  app.use('*', ...handlers);
  app.get('/x', (c) => c.json({ ok: true }));
  return app;
}

describe('defences()', () => {
  it('is on by default: a client past its burst is rate limited', async () => {
    const app = appWith(...defences());
    const statuses: number[] = [];
    for (let i = 0; i < 250; i += 1) statuses.push((await app.request('/x')).status);
    expect(statuses.slice(0, 200).every((s) => s === 200)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });

  it('rate limits before it sheds, and tells one hook of refusals from both parts', async () => {
    const seen: string[] = [];
    let lag = 0;
    const app = appWith(
      ...defences({
        rateLimit: { public: { burst: 2, perSecond: 0.001 } },
        loadShedding: { maxEventLoopLagMs: 10, eventLoopLag: () => lag },
        onRefusal: (r) => seen.push(r.limit),
      }),
    );
    expect((await app.request('/x')).status).toBe(200);
    lag = 50;
    expect((await app.request('/x')).status).toBe(503);
    expect((await app.request('/x')).status).toBe(429);
    expect(seen).toEqual(['event_loop_lag', 'public']);
  });

  it('switches off as a whole or part by part', async () => {
    expect(defences(false)).toEqual([]);
    expect(defences({ rateLimit: false, loadShedding: false })).toEqual([]);
    const app = appWith(...defences({ rateLimit: false }));
    for (let i = 0; i < 300; i += 1) expect((await app.request('/x')).status).toBe(200);
  });

  it('counts every rate-limited request in the service metrics (sanad_rate_limited_total)', async () => {
    const metrics = createServiceMetrics('verifier');
    const app = new Hono();
    app.use(
      '*',
      requestMetrics(metrics),
      ...defences({ rateLimit: { public: { burst: 1, perSecond: 0.001 } } }),
    );
    app.get('/x', (c) => c.json({ ok: true }));
    for (let i = 0; i < 3; i += 1) await app.request('/x');
    const counted = (await metrics.rateLimited.get()).values.reduce((n, v) => n + v.value, 0);
    expect(counted).toBe(2);
  });

  it("gives a service's one trustProxy to its rate limits, and refuses a rate-limit setting that disagrees", async () => {
    const { defences: defended, trustProxy } = servicesDefences(
      { rateLimit: { public: { burst: 1, perSecond: 0.001 } } },
      1,
    );
    expect(trustProxy).toBe(1);
    const app = appWith(...defences(defended));
    const from = (address: string) =>
      app.request('/x', { headers: { 'x-forwarded-for': address } });
    expect((await from('198.51.100.1')).status).toBe(200);
    expect((await from('198.51.100.1')).status).toBe(429);
    expect((await from('198.51.100.2')).status).toBe(200);
    expect(servicesDefences({ rateLimit: { trustProxy: 2 } }, undefined).trustProxy).toBe(2);
    expect(() => servicesDefences({ rateLimit: { trustProxy: 2 } }, 1)).toThrow(
      expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }),
    );
    expect(servicesDefences(false, 1)).toEqual({ defences: false, trustProxy: 1 });
  });
});
