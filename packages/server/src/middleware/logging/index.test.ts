import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { REQUEST_ID_HEADER, requestId } from '../request-id/index.js';
import { createServiceLogger, messageLogger, requestLogging } from './index.js';

function logged() {
  const lines: Record<string, unknown>[] = [];
  const logger = createServiceLogger({
    service: 'verifier',
    level: 'info',
    destination: { write: (line: string) => void lines.push(JSON.parse(line)) },
  });
  const log = messageLogger(logger);
  const app = new Hono();
  app.use('*', requestId(), requestLogging(logger));
  app.onError((_err, c) => c.json({ error: 'server_error' }, 500));
  const operator = new Hono();
  operator.get('/sessions/:id', (c) => {
    log('session looked up');
    return c.json({});
  });
  app.route('/operator', operator);
  app.post('/responses/:id', (c) => c.json({}, 400));
  app.get('/fails', () => {
    throw new Error('boom');
  });
  return { app, lines };
}

describe('request logs', () => {
  it('writes one line per request: id, method, route pattern, status, duration; no path or query', async () => {
    const { app, lines } = logged();
    const response = await app.request(
      '/operator/sessions/Zm9vYmFyc2Vzc2lvbg?response_code=secret-code',
      {
        headers: { [REQUEST_ID_HEADER]: 'desk-42-abcdef' },
      },
    );
    expect(response.status).toBe(200);
    const request = lines.find((l) => l.msg === 'request')!;
    expect(request).toMatchObject({
      level: 'info',
      service: 'verifier',
      req_id: 'desk-42-abcdef',
      method: 'GET',
      route: '/operator/sessions/:id',
      status: 200,
    });
    expect(typeof request.duration_ms).toBe('number');
    expect(typeof request.time).toBe('string');
    expect(JSON.stringify(lines)).not.toMatch(/Zm9vYmFyc2Vzc2lvbg|secret-code/);
  });

  it("gives the service's own messages the id of the request they were written in", async () => {
    const { app, lines } = logged();
    await app.request('/operator/sessions/abc', {
      headers: { [REQUEST_ID_HEADER]: 'trace-0000-1111' },
    });
    expect(lines.find((l) => l.msg === 'session looked up')).toMatchObject({
      level: 'info',
      service: 'verifier',
      req_id: 'trace-0000-1111',
    });
  });

  it('logs failures at error level, and requests that matched no route as "unmatched"', async () => {
    const { app, lines } = logged();
    await app.request('/fails');
    await app.request('/responses/abc', { method: 'POST' });
    await app.request('/no/such/path/amina-yusuf');
    const requests = lines
      .filter((l) => l.msg === 'request')
      .map(({ level, route, status }) => ({ level, route, status }));
    expect(requests).toEqual([
      { level: 'error', route: '/fails', status: 500 },
      { level: 'info', route: '/responses/:id', status: 400 },
      { level: 'info', route: 'unmatched', status: 404 },
    ]);
    expect(JSON.stringify(lines)).not.toContain('amina');
  });

  it('writes nothing at level silent', async () => {
    const lines: string[] = [];
    const logger = createServiceLogger({
      service: 'issuer',
      level: 'silent',
      destination: { write: (line: string) => void lines.push(line) },
    });
    const app = new Hono();
    app.use('*', requestId(), requestLogging(logger));
    app.get('/', (c) => c.text('ok'));
    await app.request('/');
    messageLogger(logger)('a message');
    expect(lines).toEqual([]);
  });
});
