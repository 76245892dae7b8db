/**
 * The holder's own view of status, against a real issuer service on loopback: the operator
 * revokes or suspends, the wallet fetches the signed lists (each whole, once per list however
 * many credentials and copies point into it) and records what it found; offline, or given a
 * list that fails its checks, it keeps the last known status.
 */
import { decodeJwt, fromUtf8, generateKeyPair, signerFromJwk, signJwt } from '@sanad/core';
import { createMemoryIssuerStore } from '@sanad/issuer';
import { createMemoryServiceStore } from '@sanad/server';
import {
  createMemoryStorage,
  createWallet,
  openWallet,
  type Wallet,
  type WalletStorage,
} from '@sanad/wallet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amal, LOW_COST_WALLET } from '../support/fixtures.js';
import { loopbackFetch, operator, type Services, startServices } from '../support/services.js';

const PASSPHRASE = 'correct horse battery staple';
let s: Services;
let storage: WalletStorage;
let wallet: Wallet;
const offers: Array<{ offerId: string; credentialId: string }> = [];
/** Every URL the wallet fetched from the status endpoint. */
const statusFetches: string[] = [];

const countingFetch: typeof fetch = (input, init) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  if (url.startsWith(`${s.issuerUrl}/status/`)) statusFetches.push(url);
  return loopbackFetch(input, init);
};
const offline = (async () => {
  throw new TypeError('fetch failed');
}) as typeof fetch;

async function receive(
  format: 'dc+sd-jwt' | 'jwt_vc_json' = 'dc+sd-jwt',
): Promise<{ offerId: string; credentialId: string }> {
  const { json } = await operator(s.issuerUrl, 'POST', '/offers', {
    type: 'refugee-status',
    claims: amal,
    format,
  });
  const card = await wallet.receive(String(json.offer_link), {
    fetch: loopbackFetch,
    txCode: async () => String(json.tx_code),
    copies: 3,
  });
  return { offerId: String(json.offer_id), credentialId: card.id };
}

const statusOf = (id: string) => wallet.list().find((c) => c.id === id)?.status?.value;

beforeAll(async () => {
  s = await startServices({
    issuer: createMemoryIssuerStore(),
    service: createMemoryServiceStore(),
    dump: async () => '',
  });
  storage = createMemoryStorage();
  wallet = await createWallet(storage, PASSPHRASE, LOW_COST_WALLET);
  offers.push(await receive(), await receive(), await receive('jwt_vc_json'));
});
afterAll(() => s.close());

describe('holder-side status refresh', () => {
  it('is absent until checked, then valid for every credential, with one fetch per distinct list', async () => {
    expect(wallet.list().map((c) => c.status)).toEqual([undefined, undefined, undefined]);
    statusFetches.length = 0;
    const results = await wallet.refreshStatus({ fetch: countingFetch });
    expect(results.map((r) => r.status?.value)).toEqual(['valid', 'valid', 'valid']);
    expect(results.every((r) => r.error === undefined)).toBe(true);
    // Two SD-JWT VCs with three copies each share one Token Status List; the VC-JWT has its
    // Bitstring lists (revocation and suspension): each fetched once, whole.
    console.log(`status refresh of 3 credentials (9 copies): ${statusFetches.length} list fetches`);
    expect(statusFetches.length).toBe(new Set(statusFetches).size);
    expect(statusFetches.length).toBeLessThanOrEqual(3);
    expect(statusFetches.every((url) => !url.includes('?') && !url.includes('#'))).toBe(true);
  });

  it('sees a revocation and a suspension by the operator, and keeps them across save and reopen', async () => {
    expect(
      (await operator(s.issuerUrl, 'POST', `/credentials/${offers[0]!.offerId}/revoke`)).status,
    ).toBe(200);
    expect(
      (await operator(s.issuerUrl, 'POST', `/credentials/${offers[2]!.offerId}/suspend`)).status,
    ).toBe(200);
    await wallet.refreshStatus({ fetch: loopbackFetch });
    expect(offers.map((o) => statusOf(o.credentialId))).toEqual(['revoked', 'valid', 'suspended']);
    const checkedAt = wallet.list()[0]!.status!.checkedAt;
    expect(Number.isNaN(Date.parse(checkedAt))).toBe(false);

    await wallet.close();
    wallet = await openWallet(storage, PASSPHRASE, LOW_COST_WALLET);
    expect(offers.map((o) => statusOf(o.credentialId))).toEqual(['revoked', 'valid', 'suspended']);
    expect(wallet.list()[0]!.status!.checkedAt).toBe(checkedAt);
  });

  it('offline: keeps the last known status and says why', async () => {
    const before = wallet.list().map((c) => c.status);
    const results = await wallet.refreshStatus({ fetch: offline });
    expect(results.map((r) => r.error?.code)).toEqual([
      'ERR_STATUS_UNAVAILABLE',
      'ERR_STATUS_UNAVAILABLE',
      'ERR_STATUS_UNAVAILABLE',
    ]);
    expect(wallet.list().map((c) => c.status)).toEqual(before);
  });

  it('refuses a status list not signed by the issuer, keeping the last known status', async () => {
    // Someone between the wallet and the issuer serves lists saying "all valid", signed with their own key.
    const forger = await signerFromJwk((await generateKeyPair('ES256')).privateJwk);
    const forging: typeof fetch = async (input, init) => {
      const response = await loopbackFetch(input, init);
      const token = fromUtf8(new Uint8Array(await response.arrayBuffer())).trim();
      const { header, payload } = decodeJwt(token);
      const forged = await signJwt(forger, header, {
        ...payload,
        status_list: { bits: 2, lst: 'eNrbuRgAAhcBXQ' },
      });
      return new Response(forged, { status: 200, headers: response.headers });
    };
    const results = await wallet.refreshStatus({ fetch: forging });
    expect(results[0]!.error?.code).toBe('ERR_STATUS_LIST_INVALID');
    expect(statusOf(offers[0]!.credentialId)).toBe('revoked');
  });

  it('sees a reinstated credential as valid again', async () => {
    expect(
      (await operator(s.issuerUrl, 'POST', `/credentials/${offers[2]!.offerId}/reinstate`)).status,
    ).toBe(200);
    await wallet.refreshStatus({ fetch: loopbackFetch });
    expect(statusOf(offers[2]!.credentialId)).toBe('valid');
  });
});
