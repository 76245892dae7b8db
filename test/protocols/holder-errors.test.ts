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
import {
  loopbackFetch as fetch,
  operator,
  type Services,
  startServices,
} from '../support/services.js';

let s: Services;
let wallet: Wallet;

async function offer(body: Record<string, unknown> = {}): Promise<{ uri: string; pin: string }> {
  const { status, json } = await operator(s.issuerUrl, 'POST', '/offers', {
    type: 'refugee-status',
    claims: amal,
    ...body,
  });
  expect(status).toBe(201);
  return { uri: String(json.offer_link), pin: String(json.tx_code) };
}
const preAuthorizedCodeOf = (uri: string): string =>
  JSON.parse(new URL(uri).searchParams.get('credential_offer')!).grants[
    'urn:ietf:params:oauth:grant-type:pre-authorized_code'
  ]['pre-authorized_code'];
const wrongPin = (pin: string) => String((Number(pin) + 1) % 1_000_000).padStart(pin.length, '0');

beforeAll(async () => {
  s = await startServices({
    issuer: createMemoryIssuerStore(),
    service: createMemoryServiceStore(),
    dump: async () => '',
  });
  wallet = await createWallet(
    createMemoryStorage(),
    'correct horse battery staple',
    LOW_COST_WALLET,
  );
});
afterAll(() => s.close());

describe('errors the holder can act on', () => {
  it('a wrong PIN says how many tries are left; a PIN of the wrong length or with letters is refused before a try is spent', async () => {
    const o = await offer();
    const prompts: Array<{ length?: number; inputMode?: string }> = [];
    const receive = (pin: string) =>
      wallet.receive(o.uri, { fetch, txCode: async (prompt) => (prompts.push(prompt), pin) });
    await expect(receive(o.pin.slice(0, 2))).rejects.toMatchObject({
      code: 'ERR_TX_CODE_MALFORMED',
      details: { length: 6 },
    });
    await expect(receive(`${o.pin.slice(0, 5)}x`)).rejects.toMatchObject({
      code: 'ERR_TX_CODE_MALFORMED',
    });
    expect(prompts[0]).toMatchObject({ length: 6, inputMode: 'numeric' });
    // Neither the typos nor the wallet's look at the offer before each prompt counted: 4 of 5 left.
    await expect(receive(wrongPin(o.pin))).rejects.toMatchObject({
      code: 'ERR_TX_CODE_INVALID',
      details: { attemptsLeft: 4 },
    });
    await expect(receive(wrongPin(o.pin))).rejects.toMatchObject({
      code: 'ERR_TX_CODE_INVALID',
      details: { attemptsLeft: 3 },
    });
    expect((await receive(o.pin)).name).toBeTruthy();
  });

  it('an expired or already used offer is reported before the PIN is asked for', async () => {
    const o = await offer({ ttl_seconds: 60 });
    let asked = 0;
    const options = { fetch, txCode: async () => (asked++, o.pin) };
    s.shiftClock(120);
    try {
      await expect(wallet.receive(o.uri, options)).rejects.toMatchObject({
        code: 'ERR_OFFER_EXPIRED',
      });
    } finally {
      s.shiftClock(0);
    }
    expect(asked).toBe(0);

    const used = await offer();
    await wallet.receive(used.uri, { fetch, txCode: async () => used.pin });
    await expect(wallet.receive(used.uri, options)).rejects.toMatchObject({
      code: 'ERR_OFFER_EXPIRED',
    });
    expect(asked).toBe(0);
  });

  it('a presentation request already answered says so, by code, when opened again or answered twice', async () => {
    const { json } = await operator(s.verifierUrl, 'POST', '/sessions', { preset: 'over-18' });
    const uri = String(json.authorization_request);
    const opened = await wallet.openRequest(uri, { fetch });
    const twice = await wallet.openRequest(uri, { fetch });
    await wallet.respond(opened, wallet.decide(wallet.propose(opened.request), { approve: true }), {
      fetch,
    });
    await expect(wallet.openRequest(uri, { fetch })).rejects.toMatchObject({
      code: 'ERR_REQUEST_USED',
    });
    await expect(
      wallet.respond(twice, wallet.decide(wallet.propose(twice.request), { approve: true }), {
        fetch,
      }),
    ).rejects.toMatchObject({ code: 'ERR_REQUEST_USED' });
  });

  it('no network is a fetch failure, for requests and offers alike', async () => {
    const offline = (async () => {
      throw new TypeError('fetch failed');
    }) as typeof globalThis.fetch;
    const { json } = await operator(s.verifierUrl, 'POST', '/sessions', { preset: 'over-18' });
    const noNetwork = createGuardedHttpFetch({ allowInsecure: true, fetch: offline });
    await expect(
      wallet.openRequest(String(json.authorization_request), { fetch: noNetwork }),
    ).rejects.toMatchObject({ code: 'ERR_FETCH_FAILED' });
    await expect(
      wallet.receive((await offer()).uri, { fetch: noNetwork, txCode: async () => '000000' }),
    ).rejects.toMatchObject({ code: 'ERR_FETCH_FAILED' });
  });

  it("reads the issuer's codes, never its words: in other words, a wrong PIN still says the tries left, and a client past its PIN limit is told to wait", async () => {
    // The issuer's descriptions rewritten on the way, as a translating or a non-Sanad server would word them.
    const reworded: typeof globalThis.fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (response.ok || !(response.headers.get('content-type') ?? '').includes('json'))
        return response;
      const headers = new Headers(response.headers);
      headers.delete('content-length');
      const body = {
        ...((await response.json()) as Record<string, unknown>),
        error_description: 'Quelque chose ne va pas.',
      };
      return new Response(JSON.stringify(body), { status: response.status, headers });
    };
    const o = await offer();
    await expect(
      wallet.receive(o.uri, { fetch: reworded, txCode: async () => wrongPin(o.pin) }),
    ).rejects.toMatchObject({ code: 'ERR_TX_CODE_INVALID', details: { attemptsLeft: 4 } });
    // Wrong PINs from one client across offers until the issuer says to wait (20 by default;
    // the services here see every test of this file as one client).
    let status = 400;
    for (let guesses = 0; status === 400 && guesses < 25; ) {
      const next = await offer();
      for (let i = 0; i < 4 && status === 400; i += 1, guesses += 1) {
        const body = new URLSearchParams({
          grant_type: 'urn:ietf:params:oauth:grant-type:pre-authorized_code',
          'pre-authorized_code': preAuthorizedCodeOf(next.uri),
          tx_code: wrongPin(next.pin),
        });
        status = (
          await fetch(`${s.issuerUrl}/token`, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body,
          })
        ).status;
      }
    }
    expect(status).toBe(429);
    const late = await offer();
    const refused = await wallet
      .receive(late.uri, { fetch: reworded, txCode: async () => late.pin })
      .catch((err: unknown) => err);
    expect(refused).toMatchObject({ code: 'ERR_RATE_LIMITED' });
    expect(
      (refused as { details: { retryAfterSeconds: number } }).details.retryAfterSeconds,
    ).toBeGreaterThan(0);
  });
});
