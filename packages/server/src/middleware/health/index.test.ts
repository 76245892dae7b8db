import { SanadError } from '@sanad/core';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { healthRoutes } from './index.js';

const appWith = (
  checks: Parameters<typeof healthRoutes>[0]['checks'],
  timeoutMs?: number,
): Hono => {
  const app = new Hono();
  app.route('/', healthRoutes({ checks, ...(timeoutMs !== undefined ? { timeoutMs } : {}) }));
  return app;
};

describe('health and readiness', () => {
  it('/healthz answers without running any check', async () => {
    let ran = false;
    const response = await appWith({ store: () => (ran = true) }).request('/healthz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
    expect(ran).toBe(false);
  });

  it('/readyz is 200 and names each check when all pass', async () => {
    const response = await appWith({ store: async () => 0, signing_key: () => undefined }).request(
      '/readyz',
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({
      status: 'ready',
      checks: { store: { status: 'ok' }, signing_key: { status: 'ok' } },
    });
  });

  it("/readyz is 503 with the failed check's code only, never its message", async () => {
    const app = appWith({
      store: () => {
        throw new SanadError('ERR_STORAGE', 'could not reach db.internal.example:5432 as sanad');
      },
      trust_list: () => Promise.reject(new SanadError('ERR_TRUST_LIST_EXPIRED')),
      signing_key: () => {
        throw new TypeError('key file /etc/sanad/key.jwk unreadable');
      },
      clock: () => undefined,
    });
    const response = await app.request('/readyz');
    expect(response.status).toBe(503);
    const text = await response.text();
    expect(JSON.parse(text)).toEqual({
      status: 'not_ready',
      checks: {
        store: { status: 'failed', sanad_code: 'ERR_STORAGE' },
        trust_list: { status: 'failed', sanad_code: 'ERR_TRUST_LIST_EXPIRED' },
        signing_key: { status: 'failed', sanad_code: 'ERR_INTERNAL' },
        clock: { status: 'ok' },
      },
    });
    expect(text).not.toMatch(/db\.internal|key\.jwk/);
  });

  it('/readyz stays 200 but says degraded when only an advisory check fails', async () => {
    const app = new Hono();
    app.route(
      '/',
      healthRoutes({
        checks: { store: () => undefined },
        advisories: {
          status_lists: () => Promise.reject(new SanadError('ERR_STATUS_UNAVAILABLE')),
        },
      }),
    );
    const response = await app.request('/readyz');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'degraded',
      checks: {
        store: { status: 'ok' },
        status_lists: { status: 'failed', sanad_code: 'ERR_STATUS_UNAVAILABLE' },
      },
    });
    const both = new Hono();
    both.route(
      '/',
      healthRoutes({
        checks: { store: () => Promise.reject(new SanadError('ERR_STORAGE')) },
        advisories: { status_lists: () => undefined },
      }),
    );
    expect((await both.request('/readyz')).status).toBe(503);
  });

  it('/readyz counts a check that never answers as timed out', async () => {
    const response = await appWith(
      { store: () => new Promise(() => undefined), signing_key: () => undefined },
      20,
    ).request('/readyz');
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      status: 'not_ready',
      checks: { store: { status: 'timed_out' }, signing_key: { status: 'ok' } },
    });
  });
});
