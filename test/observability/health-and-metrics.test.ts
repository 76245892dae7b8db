/**
 * `/healthz`, `/readyz` and `/operator/metrics` of the real services over loopback HTTP: the
 * readiness checks follow the store, the trust list's expiry and the status lists (an issuer's
 * status server going down and coming back), and the metrics count what happened.
 */
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Clock,
  createGuardedFetch,
  didKeyFromJwk,
  didKeyMultibase,
  generateKeyPair,
  isSanadError,
  signerFromJwk,
  TrustList,
} from '@sanad/core';
import {
  createIssuer,
  createMemoryIssuerStore,
  type Issuer,
  refugeeStatusType,
} from '@sanad/issuer';
import {
  createIssuerService,
  createMemoryServiceStore,
  createVerifierService,
  type Listening,
  listen,
  openSqliteServiceStore,
  type ServiceStore,
  serviceNonceStore,
  standardPresets,
} from '@sanad/server';
import { createVerifier } from '@sanad/verifier';
import { createMemoryStorage, createWallet, type Wallet } from '@sanad/wallet';
import { nodeScrypt } from '@sanad/wallet/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amal } from '../support/fixtures.js';
import { loopbackFetch, OPERATOR_TOKEN, operator } from '../support/services.js';

const readyz = async (url: string) => {
  const response = await fetch(`${url}/readyz`);
  return {
    status: response.status,
    body: (await response.json()) as {
      status: string;
      checks: Record<string, { status: string; sanad_code?: string }>;
    },
  };
};

const scrape = async (url: string, token = OPERATOR_TOKEN) =>
  fetch(`${url}/operator/metrics`, { headers: { authorization: `Bearer ${token}` } });

/** The value of the series of `name` whose labels include all of `labels`. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split('\n')) {
    const m = /^([^{ ]+)\{(.*)\} (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    if (Object.entries(labels).every(([k, v]) => m[2]!.includes(`${k}="${v}"`)))
      return Number(m[3]);
  }
  return undefined;
}

describe('verifier service: health, readiness and metrics', () => {
  let statusUp = true;
  let statusServer: Server;
  let issuer: Issuer;
  let store: ServiceStore;
  let server: Listening;
  let url: string;
  let wallet: Wallet;
  let offset = 0;
  const clock: Clock = { now: () => Date.now() + offset * 1000 };

  beforeAll(async () => {
    statusServer = createServer(async (req, res) => {
      if (!statusUp) return void res.writeHead(503).end();
      const list = (await issuer.publishStatusLists()).find(
        (l) => new URL(l.uri).pathname === req.url,
      );
      res
        .writeHead(list ? 200 : 404, { 'content-type': 'application/statuslist+jwt' })
        .end(list?.token);
    });
    await new Promise<void>((resolve) => statusServer.listen(0, '127.0.0.1', resolve));
    const statusBaseUrl = `http://127.0.0.1:${(statusServer.address() as AddressInfo).port}/status`;
    const keys = await generateKeyPair('ES256');
    const did = didKeyFromJwk(keys.publicJwk);
    const signer = await signerFromJwk(keys.privateJwk);
    issuer = await createIssuer({
      store: createMemoryIssuerStore(),
      signer,
      issuerId: did,
      kid: `${did}#${didKeyMultibase(did)}`,
      statusBaseUrl,
      types: [refugeeStatusType],
      statusListTtlSeconds: 60,
    });

    store = openSqliteServiceStore(
      join(mkdtempSync(join(tmpdir(), 'sanad-obs-')), 'verifier.sqlite'),
    );
    const expiresAt = new Date(Date.now() + 3600_000).toISOString();
    const trustList = new TrustList({
      type: 'sanad-trust-list',
      version: 1,
      expires_at: expiresAt,
      issuers: [{ id: did, name: 'Agency', credential_types: [refugeeStatusType.definition.vct] }],
    });
    const verifier = createVerifier({
      trustList,
      // A revocation in the test must show at the next check, within the list's ttl.
      statusListReuseSeconds: 0,
      nonceStore: serviceNonceStore(store),
      fetch: createGuardedFetch({ allowInsecure: true }),
    });
    let handler: (r: Request) => Response | Promise<Response> = () =>
      new Response(null, { status: 503 });
    server = await listen((r) => handler(r));
    url = server.url;
    const service = await createVerifierService({
      verifier,
      store,
      baseUrl: url,
      signer: await signerFromJwk((await generateKeyPair('ES256')).privateJwk),
      verifierName: 'Border clinic',
      presets: standardPresets(refugeeStatusType.definition.vct),
      operatorToken: OPERATOR_TOKEN,
      clock,
    });
    handler = (r) => service.app.fetch(r);

    wallet = await createWallet(createMemoryStorage(), 'observability passphrase', {
      kdf: nodeScrypt,
      kdfParams: { N: 2 ** 15, r: 8, p: 1 },
    });
    const { bundle } = await issuer.issue({
      type: 'refugee-status',
      claims: amal,
      holders: await wallet.createHolderKeys(4),
    });
    await wallet.import(bundle);
  });

  afterAll(async () => {
    await server.close();
    statusServer.closeAllConnections();
    await new Promise((resolve) => statusServer.close(resolve));
  });

  /** One cross-device presentation; the error code when the wallet was told to retry. */
  async function present(): Promise<string | undefined> {
    const { json } = await operator(url, 'POST', '/sessions', { preset: 'over-18' });
    const opened = await wallet.openRequest(String(json.authorization_request), {
      fetch: loopbackFetch,
    });
    try {
      await wallet.respond(
        opened,
        wallet.decide(wallet.propose(opened.request), { approve: true }),
        {
          fetch: loopbackFetch,
        },
      );
      return undefined;
    } catch (err) {
      if (isSanadError(err)) return err.code;
      throw err;
    }
  }

  it('is ready with every check named, and /healthz answers as before', async () => {
    expect(await readyz(url)).toEqual({
      status: 200,
      body: {
        status: 'ready',
        checks: {
          store: { status: 'ok' },
          signing_key: { status: 'ok' },
          trust_list: { status: 'ok' },
          status_lists: { status: 'ok' },
        },
      },
    });
    const health = await fetch(`${url}/healthz`, {
      headers: { 'x-request-id': 'probe-0000-0001' },
    });
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(health.headers.get('x-request-id')).toBe('probe-0000-0001');
  });

  it('serves metrics only with the operator token: requests by route, verifications, status lists, sessions', async () => {
    expect(await present()).toBeUndefined();
    expect((await scrape(url, 'not-the-operator-token-at-all-000')).status).toBe(401);
    expect((await fetch(`${url}/operator/metrics`)).status).toBe(401);
    const response = await scrape(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(
      sample(text, 'sanad_verifications_total', {
        outcome: 'verified',
        code: 'none',
        service: 'verifier',
      }),
    ).toBe(1);
    expect(
      sample(text, 'sanad_http_requests_total', {
        method: 'POST',
        route: '/responses/:id',
        status: '200',
      }),
    ).toBe(1);
    expect(
      sample(text, 'sanad_http_requests_total', {
        method: 'GET',
        route: '/requests/:id',
        status: '200',
      }),
    ).toBe(1);
    expect(
      sample(text, 'sanad_http_requests_total', {
        method: 'POST',
        route: '/operator/sessions',
        status: '201',
      }),
    ).toBe(1);
    expect(sample(text, 'sanad_store_records', { kind: 'session' })).toBe(1);
    expect(
      sample(text, 'sanad_status_list_age_seconds', {
        list: (await issuer.publishStatusLists())[0]!.uri,
      }),
    ).toBeGreaterThanOrEqual(0);
    // Route patterns only: no session id, no path with an id in it.
    expect(text).not.toMatch(/route="\/(requests|responses)\/[A-Za-z0-9_-]{16,}/);
  });

  // Every instance shares an issuer's outage: not-ready would take them all out, refusing every other issuer's credentials too.
  it('stays ready but degraded while the status lists can be had from nowhere, and plain ready after a good check', async () => {
    statusUp = false;
    expect(await present()).toBe('ERR_STATUS_UNAVAILABLE');
    expect(await readyz(url)).toMatchObject({
      status: 200,
      body: {
        status: 'degraded',
        checks: {
          status_lists: { status: 'failed', sanad_code: 'ERR_STATUS_UNAVAILABLE' },
          store: { status: 'ok' },
        },
      },
    });
    const text = await (await scrape(url)).text();
    expect(
      sample(text, 'sanad_verifications_total', {
        outcome: 'undecided',
        code: 'ERR_STATUS_UNAVAILABLE',
      }),
    ).toBe(1);
    expect(sample(text, 'sanad_status_list_fetch_failures_total', { fallback: 'none' })).toBe(1);
    statusUp = true;
    expect(await present()).toBeUndefined();
    expect(await readyz(url)).toMatchObject({ status: 200, body: { status: 'ready' } });
  });

  it('is not ready once the trust list it started with has expired', async () => {
    offset = 2 * 3600;
    try {
      expect(await readyz(url)).toMatchObject({
        status: 503,
        body: {
          checks: { trust_list: { status: 'failed', sanad_code: 'ERR_TRUST_LIST_EXPIRED' } },
        },
      });
    } finally {
      offset = 0;
    }
    expect((await readyz(url)).status).toBe(200);
  });

  it('is not ready when its store fails, while /healthz still answers', async () => {
    await store.close();
    expect(await readyz(url)).toMatchObject({
      status: 503,
      body: { checks: { store: { status: 'failed', sanad_code: 'ERR_STORAGE' } } },
    });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });
});

describe('issuer service: readiness and metrics', () => {
  async function issuerService(operatorToken?: string) {
    const keys = await generateKeyPair('ES256');
    const did = didKeyFromJwk(keys.publicJwk);
    const issuer = await createIssuer({
      store: createMemoryIssuerStore(),
      signer: await signerFromJwk(keys.privateJwk),
      issuerId: did,
      kid: `${did}#${didKeyMultibase(did)}`,
      statusBaseUrl: 'https://issuer.example/status',
      types: [refugeeStatusType],
    });
    return createIssuerService({
      issuer,
      store: createMemoryServiceStore(),
      baseUrl: 'https://issuer.example',
      ...(operatorToken ? { operatorToken } : {}),
    });
  }

  it('is ready when its store answers, its key signs and its status lists are published; counts offers', async () => {
    const { app, createOffer } = await issuerService(OPERATOR_TOKEN);
    const ready = await app.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: {
        store: { status: 'ok' },
        signing_key: { status: 'ok' },
        status_lists: { status: 'ok' },
      },
    });
    await createOffer({ type: 'refugee-status', claims: amal });
    await createOffer({ type: 'refugee-status', claims: amal });
    const text = await (
      await app.request('/operator/metrics', {
        headers: { authorization: `Bearer ${OPERATOR_TOKEN}` },
      })
    ).text();
    expect(sample(text, 'sanad_store_records', { kind: 'offer', service: 'issuer' })).toBe(2);
    expect(
      sample(text, 'sanad_http_requests_total', {
        route: '/readyz',
        status: '200',
        service: 'issuer',
      }),
    ).toBe(1);
  });

  it('serves no metrics without an operator token', async () => {
    const { app } = await issuerService();
    expect((await app.request('/operator/metrics')).status).toBe(404);
    expect((await app.request('/readyz')).status).toBe(200);
  });
});
