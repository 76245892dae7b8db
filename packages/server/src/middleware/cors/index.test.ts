import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { describe, expect, it } from 'vitest';
import { publicCors } from './index.js';

/** The same routes behind this middleware and behind Hono's own `cors()` with the options it replaces. */
function app(middleware: ReturnType<typeof cors>): Hono {
  const app = new Hono();
  app.use('*', middleware);
  app.onError((_err, c) => c.json({ error: 'server_error' }, 500));
  app.post('/json', (c) => c.json({ ok: true }));
  app.get('/raw', () => new Response('raw', { headers: { 'WWW-Authenticate': 'Bearer' } }));
  app.get('/redirect', () => Response.redirect('https://example.org/', 302));
  app.get('/fails', () => {
    throw new Error('boom');
  });
  return app;
}

const ours = app(publicCors);
const hono = app(
  cors({
    origin: '*',
    allowMethods: ['GET', 'POST'],
    allowHeaders: [
      'Authorization',
      'Content-Type',
      'DPoP',
      'OAuth-Client-Attestation',
      'OAuth-Client-Attestation-PoP',
    ],
    exposeHeaders: ['WWW-Authenticate', 'DPoP-Nonce', 'Retry-After'],
    maxAge: 600,
  }),
);

const cross = { Origin: 'https://wallet.example' };
function corsHeaders(response: Response): Record<string, string> {
  const found: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (name.startsWith('access-control-')) found[name] = value;
  });
  return found;
}

describe('CORS for the public endpoints', () => {
  it("answers a preflight as Hono's cors() does: 204, methods, headers, max age, any origin", async () => {
    const preflight = {
      method: 'OPTIONS',
      headers: {
        ...cross,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    };
    const [a, b] = [await ours.request('/json', preflight), await hono.request('/json', preflight)];
    expect(a.status).toBe(204);
    expect(corsHeaders(a)).toEqual(corsHeaders(b));
    expect(a.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it("puts the same headers on answers, raw responses, immutable redirects, errors and unknown routes, keeping the handler's own", async () => {
    for (const [method, path] of [
      ['POST', '/json'],
      ['GET', '/raw'],
      ['GET', '/redirect'],
      ['GET', '/fails'],
      ['GET', '/no-such-route'],
    ] as const) {
      const [a, b] = [
        await ours.request(path, { method, headers: cross }),
        await hono.request(path, { method, headers: cross }),
      ];
      expect(a.status, path).toBe(b.status);
      expect(corsHeaders(a), path).toEqual(corsHeaders(b));
      expect(corsHeaders(a)['access-control-allow-origin'], path).toBe('*');
    }
    expect((await ours.request('/raw', { headers: cross })).headers.get('www-authenticate')).toBe(
      'Bearer',
    );
    expect((await ours.request('/redirect', { headers: cross })).headers.get('location')).toBe(
      'https://example.org/',
    );
    expect(await (await ours.request('/json', { method: 'POST', headers: cross })).json()).toEqual({
      ok: true,
    });
  });
});
