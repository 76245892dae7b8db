/**
 * `sanad issuer serve` as an agency deploys it: refuses unsafe configuration, and two instances
 * behind a round-robin load balancer share one PostgreSQL database.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeWithPostgres, postgresSchema } from './support/postgres.js';
import { killServices, sanadSync, startService } from './support/sanad-process.js';
import { loopbackFetch, newWallet } from './support/services.js';

const root = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'sanad-serve-'));
const token = 'operator-token-for-serve-tests-0123456789';
afterAll(() => {
  killServices();
  rmSync(work, { recursive: true, force: true });
});

const sanad = (args: string[], env: Record<string, string> = {}) =>
  sanadSync(args, { cwd: work, env });
const serve = (args: string[], env: Record<string, string> = {}) =>
  startService(args, { cwd: work, env: { SANAD_OPERATOR_TOKEN: token, ...env } });

describe('sanad issuer serve', () => {
  it('refuses to start without an operator token or with a plain-http base URL', () => {
    expect(
      sanad([
        'issuer',
        'init',
        '--dir',
        'agency',
        '--status-base-url',
        'https://agency.example/status',
      ]).status,
    ).toBe(0);
    const noToken = sanad([
      'issuer',
      'serve',
      '--dir',
      'agency',
      '--base-url',
      'https://issuer.agency.example',
    ]);
    expect(noToken.status).toBe(2);
    expect(noToken.stderr).toContain('ERR_CONFIG_INVALID');
    const http = sanad(
      ['issuer', 'serve', '--dir', 'agency', '--base-url', 'http://issuer.agency.example'],
      { SANAD_OPERATOR_TOKEN: token },
    );
    expect(http.status).toBe(2);
    expect(http.stderr).toContain('must be https');
  });
});

describe('sanad verifier serve', () => {
  it('serves signed requests to wallets and sessions to its operator only', async () => {
    writeFileSync(
      join(work, 'trust.json'),
      JSON.stringify({ type: 'sanad-trust-list', version: 1, issuers: [] }),
    );
    const { stop, info } = await serve([
      'verifier',
      'serve',
      '--base-url',
      'http://127.0.0.1:1',
      '--allow-http',
      '--port',
      '0',
      '--name',
      'Al Noor Clinic',
      '--trust',
      'trust.json',
      '--key',
      'clinic.jwk.json',
      '--data',
      '.',
    ]);
    expect(info).toMatchObject({
      client_id: expect.stringMatching(/^decentralized_identifier:did:jwk:/),
      presets: ['over-18', 'registered-refugee'],
      lint: [],
    });
    const listening = String(info.listening);
    expect(
      (await fetch(`${listening}/operator/sessions`, { method: 'POST', body: '{}' })).status,
    ).toBe(401);
    const created = await fetch(`${listening}/operator/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ preset: 'over-18' }),
    });
    expect(created.status).toBe(201);
    const { session_id } = (await created.json()) as { session_id: string };
    const requestObject = await fetch(`${listening}/requests/${session_id}`);
    expect(requestObject.headers.get('content-type')).toBe('application/oauth-authz-req+jwt');
    expect((await requestObject.text()).split('.')).toHaveLength(3);
    expect(await stop()).toBe(0);
  });

  // The desk ships as @sanad/verifier-web's build (`pnpm build:web`, which `pnpm test` runs first).
  it.skipIf(!existsSync(join(root, 'packages/verifier-web/dist/index.html')))(
    'serves the built desk page at /desk/, unless --no-desk',
    async () => {
      const args = [
        'verifier',
        'serve',
        '--base-url',
        'http://127.0.0.1:1',
        '--allow-http',
        '--port',
        '0',
        '--name',
        'Al Noor Clinic',
        '--trust',
        'trust.json',
        '--key',
        'clinic.jwk.json',
        '--data',
        '.',
      ];
      const withDesk = await serve(args);
      expect(withDesk.info.desk).toBe('http://127.0.0.1:1/desk/');
      const page = await fetch(`${String(withDesk.info.listening)}/desk/`);
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(await page.text()).toContain('<div id="app">');
      const withoutDesk = await serve([...args, '--no-desk']);
      expect(withoutDesk.info.desk).toBeNull();
      expect((await fetch(`${String(withoutDesk.info.listening)}/desk/`)).status).toBe(404);
      for (const service of [withDesk, withoutDesk]) expect(await service.stop()).toBe(0);
    },
  );
});

describeWithPostgres('two issuer instances behind a load balancer', (url) => {
  it('share one PostgreSQL database: an offer made on one is redeemed across both', async () => {
    const schema = postgresSchema();
    expect(
      sanad([
        'issuer',
        'init',
        '--dir',
        'agency-pg',
        '--status-base-url',
        'https://agency.example/pg-status',
        '--database',
        url,
        '--schema',
        schema,
      ]).status,
    ).toBe(0);
    // The load balancer: alternates between the instances, request by request.
    const backends: number[] = [];
    let next = 0;
    const hits = [0, 0];
    const lb: Server = createServer((req, res) => {
      const i = next++ % backends.length;
      hits[i]! += 1;
      const upstream = httpRequest(
        {
          host: '127.0.0.1',
          port: backends[i],
          path: req.url,
          method: req.method,
          headers: req.headers,
        },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => lb.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(lb.address() as AddressInfo).port}`;
    // The folder records where its register is; the password comes from the environment.
    const args = [
      'issuer',
      'serve',
      '--dir',
      'agency-pg',
      '--base-url',
      base,
      '--allow-http',
      '--port',
      '0',
    ];
    const env = { PGPASSWORD: new URL(url).password };
    const [a, b] = await Promise.all([serve(args, env), serve(args, env)]);
    for (const s of [a, b]) backends.push(Number(new URL(String(s.info.listening)).port));
    expect(a.info).toMatchObject({ storage: 'postgresql' });

    const created = await fetch(`${base}/operator/offers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'refugee-status',
        claims: {
          given_name: 'Amal',
          family_name: 'Haddad',
          birthdate: '1994-03-12',
          nationality: 'SYR',
          case_number: 'LB-1',
          age_over_18: true,
        },
      }),
    });
    expect(created.status).toBe(201);
    const offer = (await created.json()) as { offer_link: string; tx_code: string };
    const wallet = await newWallet();
    const card = await wallet.receive(offer.offer_link, {
      fetch: loopbackFetch,
      txCode: async () => offer.tx_code,
      copies: 4,
    });
    expect(card.copies).toBe(4);
    expect(hits[0]).toBeGreaterThan(0);
    expect(hits[1]).toBeGreaterThan(0);

    expect(await Promise.all([a.stop(), b.stop()])).toEqual([0, 0]);
    await new Promise((resolve) => lb.close(resolve));
  });
});
