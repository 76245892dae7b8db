/**
 * Issue 14, why 5: a nonce is spent only when the verifier reaches a verdict about the
 * presentation. A check that fails only because the status list could not be fetched
 * (`ERR_STATUS_UNAVAILABLE`, reject policy) leaves it usable, so following the guide's advice
 * ("sync the status lists, or go online") and checking the same presentation again works —
 * once. Real issuer, real signatures, a real status server on loopback that goes down and up.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createGuardedFetch,
  didKeyFromJwk,
  didKeyMultibase,
  generateKeyPair,
  type PresentationRequest,
  signerFromJwk,
} from '@sanad/core';
import {
  createIssuer,
  createMemoryIssuerStore,
  type Issuer,
  refugeeStatusType,
} from '@sanad/issuer';
import {
  createFileNonceStore,
  createMemoryNonceStore,
  createPresentationRequest,
  createVerifier,
  type NonceStore,
  type VerifierOptions,
} from '@sanad/verifier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amal, makeHolder, presentSdJwt, trustFor, VCT } from './support/fixtures.js';
import { runSanad } from './support/sanad-cli.js';

const AUDIENCE = 'https://clinic.example';
const work = mkdtempSync(join(tmpdir(), 'sanad-status-retry-'));
let server: Server;
let up = false;
let issuer: Issuer;
let issuerDid: string;
let credential: string;
let revokedCredential: string;
const holder = await makeHolder();

beforeAll(async () => {
  server = createServer(async (req, res) => {
    if (!up) return void res.writeHead(503).end();
    const list = (await issuer.publishStatusLists()).find(
      (l) => new URL(l.uri).pathname === req.url,
    );
    if (!list) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/statuslist+jwt' }).end(list.token);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const keys = await generateKeyPair('ES256');
  issuerDid = didKeyFromJwk(keys.publicJwk);
  issuer = await createIssuer({
    store: createMemoryIssuerStore(),
    signer: await signerFromJwk(keys.privateJwk),
    issuerId: issuerDid,
    kid: `${issuerDid}#${didKeyMultibase(issuerDid)}`,
    statusBaseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/status`,
    types: [refugeeStatusType],
    statusListTtlSeconds: 60,
  });
  credential = (await issuer.issue({ type: 'refugee-status', claims: amal, holders: [holder] }))
    .bundle.credentials[0]!;
  const revoked = await issuer.issue({ type: 'refugee-status', claims: amal, holders: [holder] });
  await issuer.revoke(revoked.batchId);
  revokedCredential = revoked.bundle.credentials[0]!;
  writeFileSync(join(work, 'trust.json'), JSON.stringify(trustFor({ did: issuerDid }).document));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(work, { recursive: true, force: true });
});

const verifierWith = (nonceStore: NonceStore, options: Partial<VerifierOptions> = {}) =>
  createVerifier({
    trustList: trustFor({ did: issuerDid }),
    // A revocation in the test must show at the next check, within the list's ttl.
    statusListReuseSeconds: 0,
    nonceStore,
    fetch: createGuardedFetch({ allowInsecure: true }),
    ...options,
  });

async function requestAndAnswer(
  nonceStore: NonceStore,
  of = credential,
): Promise<{ request: PresentationRequest; presentation: string }> {
  const request = await createPresentationRequest({
    clientId: AUDIENCE,
    purpose: { en: 'Adult check' },
    credentials: [{ format: 'dc+sd-jwt', types: [VCT], claims: [['age_over_18']] }],
    nonceStore,
  });
  return {
    request,
    presentation: await presentSdJwt(of, holder.signer, ['age_over_18'], {
      nonce: request.nonce,
      aud: AUDIENCE,
    }),
  };
}

const codes = (r: { errors: Array<{ code: string }> }) => r.errors.map((e) => e.code).sort();

describe('a status list that could not be fetched does not spend the nonce (issue 14, why 5)', () => {
  it('status server down: refused, retryable, nonce kept; back up: the same presentation is accepted once', async () => {
    const nonceStore = createMemoryNonceStore();
    const verifier = verifierWith(nonceStore);
    const { request, presentation } = await requestAndAnswer(nonceStore);
    up = false;
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const down = await verifier.verify(presentation, { request });
      expect(down).toMatchObject({
        verified: false,
        status: 'unknown',
        retryable: true,
        claims: {},
      });
      expect(codes(down)).toEqual(['ERR_STATUS_UNAVAILABLE']);
    }
    up = true;
    const accepted = await verifier.verify(presentation, { request });
    expect(accepted).toMatchObject({
      verified: true,
      status: 'valid',
      claims: { age_over_18: true },
    });
    expect(accepted.retryable).toBeUndefined();
    const replay = await verifier.verify(presentation, { request });
    expect(codes(replay)).toEqual(['ERR_NONCE_REPLAYED']);
  });

  it('every verdict still spends it: accepted with a warning, revoked, not answering the request', async () => {
    up = false;
    const warned = createMemoryNonceStore();
    const lenient = verifierWith(warned, { onStatusUnavailable: 'accept-with-warning' });
    const first = await requestAndAnswer(warned);
    const accepted = await lenient.verify(first.presentation, { request: first.request });
    expect(accepted.verified).toBe(true);
    expect(accepted.warnings.map((w) => w.code)).toContain('WARN_STATUS_UNAVAILABLE');
    expect(codes(await lenient.verify(first.presentation, { request: first.request }))).toContain(
      'ERR_NONCE_REPLAYED',
    );

    up = true;
    const store = createMemoryNonceStore();
    const verifier = verifierWith(store);
    const revoked = await requestAndAnswer(store, revokedCredential);
    expect(
      codes(await verifier.verify(revoked.presentation, { request: revoked.request })),
    ).toEqual(['ERR_STATUS_REVOKED']);
    expect(
      codes(await verifier.verify(revoked.presentation, { request: revoked.request })),
    ).toEqual(['ERR_NONCE_REPLAYED', 'ERR_STATUS_REVOKED']);

    // Refused for a reason about the presentation while the status is unavailable: a verdict too.
    up = false;
    const withheld = await requestAndAnswer(store);
    const bare = await presentSdJwt(credential, holder.signer, [], {
      nonce: withheld.request.nonce,
      aud: AUDIENCE,
    });
    const refused = await verifier.verify(bare, { request: withheld.request });
    expect(codes(refused)).toEqual(['ERR_REQUEST_NOT_SATISFIED', 'ERR_STATUS_UNAVAILABLE']);
    expect(refused.retryable).toBeUndefined();
    up = true;
    expect(
      codes(await verifier.verify(withheld.presentation, { request: withheld.request })),
    ).toEqual(['ERR_NONCE_REPLAYED']);
  });

  it('a spent or unknown nonce is reported at once even while the status is unavailable, and is never retryable', async () => {
    const store = createMemoryNonceStore();
    const verifier = verifierWith(store);
    const { request, presentation } = await requestAndAnswer(store);
    up = true;
    expect((await verifier.verify(presentation, { request })).verified).toBe(true);
    up = false;
    const replay = await verifier.verify(presentation, { request });
    expect(codes(replay)).toEqual(['ERR_NONCE_REPLAYED', 'ERR_STATUS_UNAVAILABLE']);
    expect(replay.retryable).toBeUndefined();
  });

  it('replay protection stays exact: ten concurrent checks of one presentation after recovery accept exactly one', async () => {
    const store = createMemoryNonceStore();
    const verifier = verifierWith(store);
    const { request, presentation } = await requestAndAnswer(store);
    up = false;
    expect((await verifier.verify(presentation, { request })).retryable).toBe(true);
    up = true;
    const results = await Promise.all(
      Array.from({ length: 10 }, () => verifier.verify(presentation, { request })),
    );
    expect(results.filter((r) => r.verified)).toHaveLength(1);
    for (const r of results.filter((x) => !x.verified))
      expect(codes(r)).toEqual(['ERR_NONCE_REPLAYED']);
  });

  it("replayGuard 'caller' (a session keeps \"answered once\"): the nonce store is neither read nor spent, the request's expiry still holds", async () => {
    const store = createMemoryNonceStore();
    const verifier = verifierWith(store);
    up = true;
    // A request the store never saw: with the store as guard it is refused as replayed.
    const { request, presentation } = await requestAndAnswer(createMemoryNonceStore());
    expect(codes(await verifier.verify(presentation, { request }))).toEqual(['ERR_NONCE_REPLAYED']);
    for (let check = 0; check < 2; check += 1)
      expect(await verifier.verify(presentation, { request, replayGuard: 'caller' })).toMatchObject(
        { verified: true, claims: { age_over_18: true } },
      );
    const stale = { ...request, exp: Math.floor(Date.now() / 1000) - 3_600 };
    expect(
      codes(await verifier.verify(presentation, { request: stale, replayGuard: 'caller' })),
    ).toContain('ERR_REQUEST_EXPIRED');
  });

  it('`sanad verifier request --nonce-store` then `sanad verify --nonce-store`: status down, then up, then a replay', async () => {
    const nonces = join(work, 'nonces.json');
    const requestFile = join(work, 'request.json');
    const made = await runSanad([
      'verifier',
      'request',
      '--client-id',
      AUDIENCE,
      '--type',
      VCT,
      '--claim',
      'age_over_18',
      '--purpose',
      'Adult check',
      '--nonce-store',
      nonces,
      '--out',
      requestFile,
      '--json',
    ]);
    expect(made.code).toBe(0);
    const request = JSON.parse(readFileSync(requestFile, 'utf8')) as PresentationRequest;
    const presentationFile = join(work, 'presentation.txt');
    writeFileSync(
      presentationFile,
      await presentSdJwt(credential, holder.signer, ['age_over_18'], {
        nonce: request.nonce,
        aud: AUDIENCE,
      }),
    );
    const verify = (json: boolean) =>
      runSanad([
        'verify',
        '--presentation',
        presentationFile,
        '--request',
        requestFile,
        '--trust',
        join(work, 'trust.json'),
        '--nonce-store',
        nonces,
        '--allow-http',
        ...(json ? ['--json'] : []),
      ]);

    up = false;
    const down = await verify(true);
    expect(down.code).toBe(1);
    expect(JSON.parse(down.stdout)).toMatchObject({
      verified: false,
      retryable: true,
      errors: [{ code: 'ERR_STATUS_UNAVAILABLE' }],
    });
    const told = await verify(false);
    expect(told.code).toBe(1);
    expect(told.stdout).toMatch(/^NOT CHECKED YET\n/);
    expect(told.stdout).toContain(
      'the request was not used up: sync the status lists (or go online) and run the same command again',
    );

    up = true;
    const accepted = await verify(true);
    expect(accepted.code).toBe(0);
    expect(JSON.parse(accepted.stdout)).toMatchObject({
      verified: true,
      claims: { age_over_18: true },
    });
    const replay = await verify(true);
    expect(replay.code).toBe(1);
    expect(JSON.parse(replay.stdout).errors.map((e: { code: string }) => e.code)).toEqual([
      'ERR_NONCE_REPLAYED',
    ]);
  });

  it('the file nonce store used by the CLI can be asked without spending (peek)', async () => {
    const store = createFileNonceStore(join(work, 'peek.json'));
    await store.issue('nonce-for-peek-0123456789', Date.now() / 1000 + 60);
    expect(await store.peek!('nonce-for-peek-0123456789', Date.now() / 1000)).toBe(true);
    expect(await store.peek!('nonce-for-peek-0123456789', Date.now() / 1000)).toBe(true);
    expect(await store.consume('nonce-for-peek-0123456789', Date.now() / 1000)).toBe(true);
    expect(await store.peek!('nonce-for-peek-0123456789', Date.now() / 1000)).toBe(false);
  });
});

describe("how long a verifier reuses a status list: the list's ttl, or less when it says so", () => {
  it("within the issuer's ttl a revocation is unseen by default; statusListReuseSeconds: 0 sees it at the next check", async () => {
    up = true;
    const batch = await issuer.issue({ type: 'refugee-status', claims: amal, holders: [holder] });
    const of = batch.bundle.credentials[0]!;
    const [reusing, fresh] = [createMemoryNonceStore(), createMemoryNonceStore()];
    const byTtl = createVerifier({
      trustList: trustFor({ did: issuerDid }),
      nonceStore: reusing,
      fetch: createGuardedFetch({ allowInsecure: true }),
    });
    const everyTime = verifierWith(fresh);
    for (const [verifier, store] of [
      [byTtl, reusing],
      [everyTime, fresh],
    ] as const) {
      const { request, presentation } = await requestAndAnswer(store, of);
      expect((await verifier.verify(presentation, { request })).status).toBe('valid');
    }
    await issuer.revoke(batch.batchId);
    const statusSeenBy = async (verifier: typeof byTtl, store: NonceStore) => {
      const { request, presentation } = await requestAndAnswer(store, of);
      return (await verifier.verify(presentation, { request })).status;
    };
    // The list says ttl 60: the first verifier keeps the one it fetched, as the issuer allowed.
    expect(await statusSeenBy(byTtl, reusing)).toBe('valid');
    expect(await statusSeenBy(everyTime, fresh)).toBe('revoked');
  });
});
