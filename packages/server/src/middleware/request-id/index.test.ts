import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { REQUEST_ID_HEADER, requestId, requestIdOf } from './index.js';

function app(): Hono {
  const app = new Hono();
  app.use('*', requestId());
  app.onError((_err, c) => c.json({ error: 'server_error' }, 500));
  app.get('/id', (c) => c.text(requestIdOf(c)));
  app.get('/raw', () => new Response('raw'));
  app.get('/redirect', () => Response.redirect('https://example.org/', 302));
  app.get('/fails', () => {
    throw new Error('boom');
  });
  return app;
}

describe('request ids', () => {
  it('keeps a well-formed X-Request-Id and echoes it', async () => {
    const response = await app().request('/id', {
      headers: { [REQUEST_ID_HEADER]: 'proxy-7f3a.b2:c9_01' },
    });
    expect(response.headers.get(REQUEST_ID_HEADER)).toBe('proxy-7f3a.b2:c9_01');
    expect(await response.text()).toBe('proxy-7f3a.b2:c9_01');
  });

  it('replaces a malformed one (spaces, too short, too long, other characters) with a fresh UUID', async () => {
    const given = ['Amina Yusuf 1990-01-01', 'short', 'x'.repeat(129), 'id;drop', 'ümlaut-123456'];
    const seen = new Set<string>();
    for (const value of given) {
      const response = await app().request('/id', { headers: { [REQUEST_ID_HEADER]: value } });
      const id = response.headers.get(REQUEST_ID_HEADER)!;
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(await response.text()).toBe(id);
      seen.add(id);
    }
    expect(seen.size).toBe(given.length);
  });

  it('echoes the id on error responses, raw responses and responses with immutable headers', async () => {
    for (const path of ['/fails', '/raw', '/redirect', '/no-such-route']) {
      const response = await app().request(path, {
        headers: { [REQUEST_ID_HEADER]: 'trace-0123456789' },
      });
      expect(response.headers.get(REQUEST_ID_HEADER), path).toBe('trace-0123456789');
    }
  });
});
