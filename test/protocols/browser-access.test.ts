/**
 * What browsers need from the services, over real HTTP on loopback: CORS on the public protocol
 * endpoints (a web wallet runs on its own origin), none on the operator API, and the desk page.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryIssuerStore } from '@sanad/issuer';
import { createMemoryServiceStore } from '@sanad/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amal, makeHolder } from '../support/fixtures.js';
import { OPERATOR_TOKEN, operator, type Services, startServices } from '../support/services.js';

const WALLET_ORIGIN = 'http://127.0.0.1:9999';
const deskDir = mkdtempSync(join(tmpdir(), 'sanad-desk-'));
let s: Services;

beforeAll(async () => {
  mkdirSync(join(deskDir, 'assets'));
  writeFileSync(
    join(deskDir, 'index.html'),
    '<!doctype html><title>Sanad desk</title><script type="module" src="./assets/desk-1a2b.js"></script>',
  );
  writeFileSync(join(deskDir, 'assets', 'desk-1a2b.js'), 'export {};');
  s = await startServices(
    {
      issuer: createMemoryIssuerStore(),
      service: createMemoryServiceStore(),
      dump: async () => '',
    },
    { deskDir },
  );
});
afterAll(async () => {
  await s.close();
  rmSync(deskDir, { recursive: true, force: true });
});

const preflight = (url: string, method: string, headers: string) =>
  fetch(url, {
    method: 'OPTIONS',
    headers: {
      origin: WALLET_ORIGIN,
      'access-control-request-method': method,
      'access-control-request-headers': headers,
    },
  });

describe('CORS  [Fetch standard, CORS protocol]', () => {
  it('lets a wallet on another origin call the issuer: preflight for bearer tokens and DPoP, headers on answers and errors', async () => {
    const pre = await preflight(
      `${s.issuerUrl}/credential`,
      'POST',
      'authorization,content-type,dpop',
    );
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');
    expect(pre.headers.get('access-control-allow-headers')?.toLowerCase().split(',')).toEqual(
      expect.arrayContaining(['authorization', 'content-type', 'dpop']),
    );
    // Never with credentials: these endpoints do not use cookies.
    expect(pre.headers.get('access-control-allow-credentials')).toBeNull();

    for (const path of [
      '/.well-known/openid-credential-issuer',
      '/.well-known/oauth-authorization-server',
      '/jwks',
    ]) {
      const r = await fetch(`${s.issuerUrl}${path}`, { headers: { origin: WALLET_ORIGIN } });
      expect(r.status, path).toBe(200);
      expect(r.headers.get('access-control-allow-origin'), path).toBe('*');
    }
    const nonce = await fetch(`${s.issuerUrl}/nonce`, {
      method: 'POST',
      headers: { origin: WALLET_ORIGIN },
    });
    expect(nonce.headers.get('access-control-allow-origin')).toBe('*');
    // An error must be readable too, or the wallet cannot tell the holder what went wrong.
    const refused = await fetch(`${s.issuerUrl}/token`, {
      method: 'POST',
      headers: { origin: WALLET_ORIGIN, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('access-control-allow-origin')).toBe('*');
    const unauthorized = await fetch(`${s.issuerUrl}/credential`, {
      method: 'POST',
      headers: {
        origin: WALLET_ORIGIN,
        authorization: 'Bearer x.y.z',
        'content-type': 'application/json',
      },
      body: '{}',
    });
    expect(unauthorized.headers.get('access-control-allow-origin')).toBe('*');
    expect(unauthorized.headers.get('access-control-expose-headers')).toContain('WWW-Authenticate');
  });

  it('serves status lists and the verifier protocol endpoints cross-origin', async () => {
    const session = await operator(s.verifierUrl, 'POST', '/sessions', { preset: 'over-18' });
    const id = String(session.json.session_id);
    const request = await fetch(`${s.verifierUrl}/requests/${id}`, {
      headers: { origin: WALLET_ORIGIN },
    });
    expect(request.status).toBe(200);
    expect(request.headers.get('access-control-allow-origin')).toBe('*');
    expect(
      (await preflight(`${s.verifierUrl}/responses/${id}`, 'POST', 'content-type')).headers.get(
        'access-control-allow-origin',
      ),
    ).toBe('*');
    const results = await fetch(`${s.verifierUrl}/results/${id}?response_code=x`, {
      headers: { origin: WALLET_ORIGIN },
    });
    expect(results.status).toBe(404);
    expect(results.headers.get('access-control-allow-origin')).toBe('*');
    await s.issuer.issue({ type: 'refugee-status', claims: amal, holders: [await makeHolder()] });
    const [list] = await s.issuer.publishStatusLists();
    const status = await fetch(`${s.issuerUrl}/status/${list!.path}`, {
      headers: { origin: WALLET_ORIGIN },
    });
    expect(status.headers.get('content-type')).toBe('application/statuslist+jwt');
    expect(status.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('gives the operator API no CORS at all: a page on another origin cannot call it', async () => {
    for (const url of [`${s.issuerUrl}/operator/offers`, `${s.verifierUrl}/operator/sessions`]) {
      const pre = await preflight(url, 'POST', 'authorization,content-type');
      expect(pre.headers.get('access-control-allow-origin'), url).toBeNull();
      expect(pre.headers.get('access-control-allow-headers'), url).toBeNull();
      const call = await fetch(url, {
        method: 'POST',
        headers: {
          origin: WALLET_ORIGIN,
          authorization: `Bearer ${OPERATOR_TOKEN}`,
          'content-type': 'application/json',
        },
        body: '{}',
      });
      expect(call.headers.get('access-control-allow-origin'), url).toBeNull();
    }
    const presets = await fetch(`${s.verifierUrl}/operator/presets`, {
      headers: { origin: WALLET_ORIGIN, authorization: `Bearer ${OPERATOR_TOKEN}` },
    });
    expect(presets.status).toBe(200);
    expect(presets.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('the desk page', () => {
  it('is served at /desk/ from the built folder, with its CSP; /desk redirects there', async () => {
    const bare = await fetch(`${s.verifierUrl}/desk`, { redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(new URL(bare.headers.get('location')!, `${s.verifierUrl}/desk`).href).toBe(
      `${s.verifierUrl}/desk/`,
    );
    const page = await fetch(`${s.verifierUrl}/desk/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("connect-src 'self';");
    expect(page.headers.get('access-control-allow-origin')).toBeNull();
    expect(await page.text()).toContain('<title>Sanad desk</title>');
    expect(
      (await fetch(`${s.verifierUrl}/desk/assets/desk-1a2b.js`)).headers.get('content-type'),
    ).toBe('text/javascript; charset=utf-8');
    expect((await fetch(`${s.verifierUrl}/desk/assets/none.js`)).status).toBe(404);
  });
});
