import { request as httpRequest } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Listening, listen } from '../node/listen.js';
import { contentSecurityPolicy, staticFiles } from './static-files.js';

const parent = mkdtempSync(join(tmpdir(), 'sanad-static-'));
const root = join(parent, 'dist');
let server: Listening;

beforeAll(async () => {
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Desk</title>');
  writeFileSync(join(root, 'assets', 'index-3f9a1c.js'), 'export {};');
  writeFileSync(join(root, 'assets', 'index-3f9a1c.css'), 'body{}');
  writeFileSync(join(root, 'manifest.webmanifest'), '{}');
  writeFileSync(join(root, 'sw.js'), '');
  writeFileSync(join(root, '.env'), 'SECRET=1');
  writeFileSync(join(root, 'notes.md'), '# not served');
  writeFileSync(join(parent, 'secret.txt'), 'outside the root');
  const files = staticFiles({
    root,
    prefix: '/desk/',
    connectSrc: ['https:', 'http://127.0.0.1:8080'],
  });
  server = await listen((r) => files(r));
});
afterAll(async () => {
  await server.close();
  rmSync(parent, { recursive: true, force: true });
});

/** A raw request: fetch() would normalise `..` before it leaves the client. */
function rawGet(path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    httpRequest({ hostname, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('staticFiles', () => {
  it('serves index.html at the prefix root with a strict Content-Security-Policy', async () => {
    const page = await fetch(`${server.url}/desk/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toBe(contentSecurityPolicy(['https:', 'http://127.0.0.1:8080']));
    expect(csp).toContain("connect-src 'self' https: http://127.0.0.1:8080");
    for (const directive of [
      "script-src 'self'",
      "style-src 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
      "form-action 'none'",
    ])
      expect(csp).toContain(directive);
    expect(csp).not.toContain('unsafe');
    expect(await page.text()).toContain('<title>Desk</title>');
  });

  it('gives each file its type; hashed assets are cached for good, the rest revalidated', async () => {
    const js = await fetch(`${server.url}/desk/assets/index-3f9a1c.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(js.headers.get('content-security-policy')).toBeNull();
    expect(
      (await fetch(`${server.url}/desk/assets/index-3f9a1c.css`)).headers.get('content-type'),
    ).toBe('text/css; charset=utf-8');
    const manifest = await fetch(`${server.url}/desk/manifest.webmanifest`);
    expect(manifest.headers.get('content-type')).toBe('application/manifest+json');
    expect(manifest.headers.get('cache-control')).toBe('no-cache');
    expect((await fetch(`${server.url}/desk/sw.js`)).headers.get('cache-control')).toBe('no-cache');
  });

  it('answers a revalidation with 304 and HEAD without a body', async () => {
    const first = await fetch(`${server.url}/desk/sw.js`);
    const etag = first.headers.get('etag')!;
    expect(
      (await fetch(`${server.url}/desk/sw.js`, { headers: { 'if-none-match': etag } })).status,
    ).toBe(304);
    const head = await fetch(`${server.url}/desk/index.html`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
    expect((await fetch(`${server.url}/desk/index.html`, { method: 'POST' })).status).toBe(405);
  });

  it('refuses path traversal, dotfiles, unknown types and missing files  [CWE-22; CWE-538]', async () => {
    for (const path of [
      '/desk/../secret.txt',
      '/desk/..%2fsecret.txt',
      '/desk/..%2F..%2Fsecret.txt',
      '/desk/%2e%2e/secret.txt',
      '/desk/assets/..%5c..%5csecret.txt',
      '/desk/../..%2f',
      '/desk//etc/passwd',
    ]) {
      const r = await rawGet(path);
      expect(r.status, path).toBe(404);
      expect(r.body).not.toContain('outside the root');
    }
    expect((await rawGet('/desk/.env')).status).toBe(404);
    expect((await rawGet('/desk/%2eenv')).status).toBe(404);
    expect((await rawGet('/desk/notes.md')).status).toBe(404);
    expect((await rawGet('/desk/missing.js')).status).toBe(404);
    expect((await rawGet('/desk/%E0%A4%A')).status).toBe(404);
    expect((await rawGet('/other/index.html')).status).toBe(404);
  });

  it('refuses a relative root or a prefix without slashes', () => {
    expect(() => staticFiles({ root: 'dist' })).toThrow(
      expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }),
    );
    expect(() => staticFiles({ root, prefix: '/desk' })).toThrow(
      expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }),
    );
  });
});
