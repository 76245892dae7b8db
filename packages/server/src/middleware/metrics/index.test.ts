import { errorReport, type VerificationResult } from '@sanad/core';
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { describe, expect, it } from 'vitest';
import { createMemoryServiceStore } from '../../store/service-store.js';
import { createServiceMetrics, metricsOf, requestMetrics } from './index.js';

const result = (over: Partial<VerificationResult>): VerificationResult => ({
  verified: false,
  format: 'dc+sd-jwt',
  issuer: 'did:example:agency',
  credentialType: 'refugee-status',
  claims: {},
  status: 'unknown',
  errors: [],
  warnings: [],
  ...over,
});

/** The value of one series (`name{a="x",b="y"}`, labels in any order) in the text exposition, or undefined. */
function sample(text: string, series: string): number | undefined {
  const [, name, labels] = /^([^{]+)\{(.*)\}$/.exec(series)!;
  const wanted = labels!.split(',').sort().join(',');
  for (const line of text.split('\n')) {
    const m = /^([^{ ]+)\{(.*)\} (\S+)$/.exec(line);
    if (m && m[1] === name && m[2]!.split(',').sort().join(',') === wanted) return Number(m[3]);
  }
  return undefined;
}

describe('service metrics', () => {
  it('counts and times requests by method, route pattern and status, never by raw path', async () => {
    const metrics = createServiceMetrics('verifier');
    const app = new Hono();
    app.use('*', requestMetrics(metrics));
    app.use('/token', cors());
    app.get('/requests/:id', (c) => c.text('jwt'));
    app.post('/token', (c) => c.json({}));
    for (const id of ['a1', 'b2', 'c3']) await app.request(`/requests/${id}`);
    await app.request('/token', {
      method: 'OPTIONS',
      headers: { origin: 'https://wallet.example', 'access-control-request-method': 'POST' },
    });
    await app.request('/nothing/here');
    const text = await metrics.exposition();
    expect(
      sample(
        text,
        'sanad_http_requests_total{method="GET",route="/requests/:id",status="200",service="verifier"}',
      ),
    ).toBe(3);
    expect(
      sample(
        text,
        'sanad_http_requests_total{method="OPTIONS",route="/token",status="204",service="verifier"}',
      ),
    ).toBe(1);
    expect(
      sample(
        text,
        'sanad_http_requests_total{method="GET",route="unmatched",status="404",service="verifier"}',
      ),
    ).toBe(1);
    expect(
      sample(
        text,
        'sanad_http_request_duration_seconds_count{method="GET",route="/requests/:id",status="200",service="verifier"}',
      ),
    ).toBe(3);
    expect(text).not.toMatch(/a1|b2|c3|nothing/);
    // The process metrics come along, once per process.
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('lets later middleware count rate-limit refusals through the request', async () => {
    const metrics = createServiceMetrics('issuer');
    const app = new Hono();
    app.use('*', requestMetrics(metrics));
    app.use('/nonce', async (c) => {
      metricsOf(c)?.rateLimited.inc({ route: '/nonce' });
      return c.json({ error: 'slow_down', sanad_code: 'ERR_RATE_LIMITED' }, 429);
    });
    app.post('/nonce', (c) => c.json({}));
    await app.request('/nonce', { method: 'POST' });
    await app.request('/nonce', { method: 'POST' });
    const text = await metrics.exposition();
    expect(sample(text, 'sanad_rate_limited_total{route="/nonce",service="issuer"}')).toBe(2);
    expect(
      sample(
        text,
        'sanad_http_requests_total{method="POST",route="/nonce",status="429",service="issuer"}',
      ),
    ).toBe(2);
  });

  it('counts verifications by outcome and first error code, and what the status checks saw', async () => {
    const metrics = createServiceMetrics('verifier');
    const uri = 'https://agency.example/status/1';
    metrics.recordVerification(
      result({
        verified: true,
        status: 'valid',
        statusSource: { source: 'network', uri, ageSeconds: 30 },
      }),
    );
    metrics.recordVerification(
      result({
        verified: true,
        status: 'valid',
        statusSource: { source: 'cache', uri, ageSeconds: 600 },
      }),
    );
    metrics.recordVerification(
      result({
        status: 'revoked',
        errors: [errorReport('ERR_STATUS_REVOKED')],
        statusSource: { source: 'network', uri, ageSeconds: 5 },
      }),
    );
    expect(metrics.statusProblem()).toBeUndefined();
    metrics.recordVerification(
      result({ retryable: true, errors: [errorReport('ERR_STATUS_UNAVAILABLE')] }),
    );
    expect(metrics.statusProblem()?.code).toBe('ERR_STATUS_UNAVAILABLE');
    metrics.recordVerification(result({ errors: [errorReport('ERR_NOT_A_PRESENTATION')] }));
    const text = await metrics.exposition();
    const v = (outcome: string, code: string) =>
      sample(
        text,
        `sanad_verifications_total{outcome="${outcome}",code="${code}",service="verifier"}`,
      );
    expect([
      v('verified', 'none'),
      v('rejected', 'ERR_STATUS_REVOKED'),
      v('undecided', 'ERR_STATUS_UNAVAILABLE'),
      v('rejected', 'ERR_NOT_A_PRESENTATION'),
    ]).toEqual([2, 1, 1, 1]);
    expect(
      sample(text, 'sanad_status_list_fetch_failures_total{fallback="cache",service="verifier"}'),
    ).toBe(1);
    expect(
      sample(text, 'sanad_status_list_fetch_failures_total{fallback="none",service="verifier"}'),
    ).toBe(1);
    // The last check that used the list saw it 5 s old; the age is taken at scrape time, so it only grows.
    expect(
      sample(text, `sanad_status_list_age_seconds{list="${uri}",service="verifier"}`),
    ).toBeGreaterThanOrEqual(5);
    // A good check clears the readiness problem again.
    metrics.recordVerification(
      result({
        verified: true,
        status: 'valid',
        statusSource: { source: 'network', uri, ageSeconds: 1 },
      }),
    );
    expect(metrics.statusProblem()).toBeUndefined();
  });

  it('reads the store sizes at each scrape', async () => {
    const metrics = createServiceMetrics('verifier');
    const store = createMemoryServiceStore();
    const now = 1_800_000_000;
    metrics.watchStore(store, ['session', 'vp_nonce'], () => now);
    expect(
      sample(await metrics.exposition(), 'sanad_store_records{kind="session",service="verifier"}'),
    ).toBe(0);
    await store.put('session', 's1', {}, now + 60, now);
    await store.put('session', 's2', {}, now + 60, now);
    await store.put('vp_nonce', 'n1', {}, now + 60, now);
    await store.put('offer', 'o1', {}, now + 60, now);
    const text = await metrics.exposition();
    expect(sample(text, 'sanad_store_records{kind="session",service="verifier"}')).toBe(2);
    expect(sample(text, 'sanad_store_records{kind="vp_nonce",service="verifier"}')).toBe(1);
    expect(text).not.toContain('kind="offer"');
  });

  it("keeps each service's series in its own registry", async () => {
    const a = createServiceMetrics('verifier');
    const b = createServiceMetrics('verifier');
    a.rateLimited.inc({ route: '/x' });
    expect(
      sample(await a.exposition(), 'sanad_rate_limited_total{route="/x",service="verifier"}'),
    ).toBe(1);
    expect(await b.exposition()).not.toContain('route="/x"');
  });
});
