import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { eventLoopLagMs } from './event-loop-lag.js';
import { type LoadSheddingOptions, loadShedding } from './index.js';

/** A route that holds its request until the test lets it go. */
function appWith(options: LoadSheddingOptions) {
  const shedder = loadShedding(options);
  const waiting: Array<() => void> = [];
  const app = new Hono();
  app.onError((_err, c) => c.json({ error: 'server_error' }, 500));
  app.use('*', shedder);
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/slow', async (c) => {
    await new Promise<void>((resolve) => waiting.push(resolve));
    return c.json({ ok: true });
  });
  app.get('/fast', (c) => c.json({ ok: true }));
  app.post('/body', async (c) => c.json({ length: (await c.req.text()).length }));
  const releaseAll = () => {
    for (const go of waiting.splice(0)) go();
  };
  return { app, shedder, waiting, releaseAll };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('load shedding', () => {
  it('answers 503 with Retry-After and ERR_SERVICE_OVERLOADED past maxInFlight, and admits again once requests finish', async () => {
    const { app, shedder, waiting, releaseAll } = appWith({
      maxInFlight: 3,
      maxEventLoopLagMs: false,
    });
    const held = Array.from({ length: 3 }, () => app.request('/slow'));
    while (waiting.length < 3) await settle();
    expect(shedder.inFlight()).toBe(3);
    const shed = await app.request('/fast');
    expect(shed.status).toBe(503);
    expect(shed.headers.get('retry-after')).toBe('2');
    expect(await shed.json()).toEqual({
      error: 'temporarily_unavailable',
      error_description: expect.any(String),
      sanad_code: 'ERR_SERVICE_OVERLOADED',
    });
    // Probes are answered even now.
    expect((await app.request('/healthz')).status).toBe(200);
    releaseAll();
    expect((await Promise.all(held)).map((r) => r.status)).toEqual([200, 200, 200]);
    expect(shedder.inFlight()).toBe(0);
    expect((await app.request('/fast')).status).toBe(200);
  });

  it("gives a request's place back when its body stream fails (a client gone mid-upload does not leak a place)", async () => {
    const { app, shedder } = appWith({ maxInFlight: 1, maxEventLoopLagMs: false });
    for (let i = 0; i < 5; i += 1) {
      const body = new ReadableStream({
        pull: (controller) => controller.error(new Error('connection reset')),
      });
      const answer = await app.request('/body', {
        method: 'POST',
        body,
        duplex: 'half',
      } as RequestInit);
      expect(answer.status).toBe(500);
    }
    expect(shedder.inFlight()).toBe(0);
    expect((await app.request('/fast')).status).toBe(200);
  });

  it('sheds while the event loop lags past the bound, and not otherwise', async () => {
    let lag = 0;
    const seen: string[] = [];
    const { app } = appWith({
      maxEventLoopLagMs: 100,
      retryAfterSeconds: 5,
      eventLoopLag: () => lag,
      onRefusal: (r) => seen.push(r.limit),
    });
    expect((await app.request('/fast')).status).toBe(200);
    lag = 250;
    const shed = await app.request('/fast');
    expect(shed.status).toBe(503);
    expect(shed.headers.get('retry-after')).toBe('5');
    expect((await app.request('/healthz')).status).toBe(200);
    lag = 20;
    expect((await app.request('/fast')).status).toBe(200);
    expect(seen).toEqual(['event_loop_lag']);
  });

  it('measures the real event loop: a loop kept busy shows a lag at least near its blocking time', async () => {
    eventLoopLagMs();
    // Blocks of 150 ms for 1.5 s: every sample in the windows that follow is late by about that.
    const until = Date.now() + 1_500;
    while (Date.now() < until) {
      const end = Date.now() + 150;
      while (Date.now() < end);
      await settle();
    }
    expect(eventLoopLagMs()).toBeGreaterThanOrEqual(60);
  });

  it('refuses nonsense settings', () => {
    expect(() => loadShedding({ maxInFlight: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }),
    );
    expect(() => loadShedding({ maxEventLoopLagMs: -1 })).toThrow(
      expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }),
    );
  });
});
