/**
 * Errors that tell the holder what happened, by stable code, over real HTTP on loopback: tries
 * left after a wrong PIN, a mistyped PIN caught before it costs a try, an expired offer reported
 * before the PIN is asked for, a presentation request already answered, no network.
 */
import { createGuardedHttpFetch } from '@sanad/core';
import { createMemoryIssuerStore } from '@sanad/issuer';
import { createMemoryServiceStore } from '@sanad/server';
import { createMemoryStorage, createWallet, type Wallet } from '@sanad/wallet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amal, LOW_COST_WALLET } from '../support/fixtures.js';
import { loopbackFetch as fetch, operator, type Services, startServices } from '../support/services.js';

let s: Services;
let wallet: Wallet;

async function offer(body: Record<string, unknown> = {}): Promise<{ uri: string; pin: string }> {
  const { status, json } = await operator(s.issuerUrl, 'POST', '/offers', { type: 'refugee-status', claims: amal, ...body });
  expect(status).toBe(201);
  return { uri: String(json.credential_offer_uri), pin: String(json.tx_code) };
}
const wrongPin = (pin: string) => String((Number(pin) + 1) % 1_000_000).padStart(pin.length, '0');

beforeAll(async () => {
  s = await startServices({ issuer: createMemoryIssuerStore(), service: createMemoryServiceStore(), dump: async () => '' });
  wallet = await createWallet(createMemoryStorage(), 'correct horse battery staple', LOW_COST_WALLET);
});
afterAll(() => s.close());

describe('errors the holder can act on', () => {
  it('a wrong PIN says how many tries are left; a PIN of the wrong length or with letters is refused before a try is spent', async () => {
    const o = await offer();
    const prompts: Array<{ length?: number; inputMode?: string }> = [];
    const receive = (pin: string) => wallet.receive(o.uri, { fetch, txCode: async (prompt) => (prompts.push(prompt), pin) });
    await expect(receive(o.pin.slice(0, 2))).rejects.toMatchObject({ code: 'ERR_TX_CODE_MALFORMED', details: { length: 6 } });
    await expect(receive(`${o.pin.slice(0, 5)}x`)).rejects.toMatchObject({ code: 'ERR_TX_CODE_MALFORMED' });
    expect(prompts[0]).toMatchObject({ length: 6, inputMode: 'numeric' });
    // Neither the typos nor the wallet's look at the offer before each prompt counted: 4 of 5 left.
    await expect(receive(wrongPin(o.pin))).rejects.toMatchObject({ code: 'ERR_TX_CODE_INVALID', details: { attemptsLeft: 4 } });
    await expect(receive(wrongPin(o.pin))).rejects.toMatchObject({ code: 'ERR_TX_CODE_INVALID', details: { attemptsLeft: 3 } });
    expect((await receive(o.pin)).name).toBeTruthy();
  });

  it('an expired or already used offer is reported before the PIN is asked for', async () => {
    const o = await offer({ ttl_seconds: 60 });
    let asked = 0;
    const options = { fetch, txCode: async () => (asked++, o.pin) };
    s.shiftClock(120);
    try {
      await expect(wallet.receive(o.uri, options)).rejects.toMatchObject({ code: 'ERR_OFFER_EXPIRED' });
    } finally {
      s.shiftClock(0);
    }
    expect(asked).toBe(0);

    const used = await offer();
    await wallet.receive(used.uri, { fetch, txCode: async () => used.pin });
    await expect(wallet.receive(used.uri, options)).rejects.toMatchObject({ code: 'ERR_OFFER_EXPIRED' });
    expect(asked).toBe(0);
  });

  it('a presentation request already answered says so, by code, when opened again or answered twice', async () => {
    const { json } = await operator(s.verifierUrl, 'POST', '/sessions', { preset: 'over-18' });
    const uri = String(json.authorization_request);
    const opened = await wallet.openRequest(uri, { fetch });
    const twice = await wallet.openRequest(uri, { fetch });
    await wallet.respond(opened, wallet.decide(wallet.propose(opened.request), { approve: true }), { fetch });
    await expect(wallet.openRequest(uri, { fetch })).rejects.toMatchObject({ code: 'ERR_REQUEST_USED' });
    await expect(wallet.respond(twice, wallet.decide(wallet.propose(twice.request), { approve: true }), { fetch })).rejects.toMatchObject({ code: 'ERR_REQUEST_USED' });
  });

  it('no network is a fetch failure, for requests and offers alike', async () => {
    const offline = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof globalThis.fetch;
    const { json } = await operator(s.verifierUrl, 'POST', '/sessions', { preset: 'over-18' });
    const noNetwork = createGuardedHttpFetch({ allowInsecure: true, fetch: offline });
    await expect(wallet.openRequest(String(json.authorization_request), { fetch: noNetwork })).rejects.toMatchObject({ code: 'ERR_FETCH_FAILED' });
    await expect(wallet.receive((await offer()).uri, { fetch: noNetwork, txCode: async () => '000000' })).rejects.toMatchObject({ code: 'ERR_FETCH_FAILED' });
  });
});
