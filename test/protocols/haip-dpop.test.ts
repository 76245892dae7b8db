/**
 * DPoP end to end on loopback: Sanad's wallet receives from an issuer service that requires it
 * (HAIP), with a key of that issuance only; its credential request carries the DPoP-bound token
 * and a proof, and the token it was given is useless to anyone who copies it.
 */
import { createMemoryIssuerStore } from '@sanad/issuer';
import { createMemoryServiceStore } from '@sanad/server';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { amal } from '../support/fixtures.js';
import {
  loopbackFetch as fetch,
  newWallet,
  operator,
  type Services,
  startServices,
} from '../support/services.js';

let s: Services;
beforeAll(async () => {
  s = await startServices(
    {
      issuer: createMemoryIssuerStore(),
      service: createMemoryServiceStore(),
      dump: async () => '',
    },
    { requireDpop: true },
  );
});
afterAll(() => s.close());

it('receives over DPoP from an issuer that requires it; the copied token gets nothing', async () => {
  const seen: Array<{ url: string; headers: Headers; body?: string }> = [];
  const watching: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    const response = await fetch(input, init);
    seen.push({
      url: request.url,
      headers: request.headers,
      ...(request.url.endsWith('/token') ? { body: await response.clone().text() } : {}),
    });
    return response;
  };
  const { json } = await operator(s.issuerUrl, 'POST', '/offers', {
    type: 'refugee-status',
    claims: amal,
  });
  const wallet = await newWallet();
  const card = await wallet.receive(String(json.offer_link), {
    fetch: watching,
    txCode: async () => String(json.tx_code),
  });
  expect(card.copies).toBeGreaterThan(0);

  const tokenCalls = seen.filter((r) => r.url.endsWith('/token'));
  // The first token request has no nonce yet: the server answers with one, the wallet retries.
  expect(tokenCalls.every((r) => r.headers.get('dpop'))).toBe(true);
  const issued = JSON.parse(tokenCalls.at(-1)!.body!) as {
    token_type: string;
    access_token: string;
  };
  expect(issued.token_type).toBe('DPoP');
  const credentialCall = seen.find((r) => r.url.endsWith('/credential'))!;
  expect(credentialCall.headers.get('authorization')).toBe(`DPoP ${issued.access_token}`);
  expect(credentialCall.headers.get('dpop')).toBeTruthy();

  // Someone who copied the token off the wire, without the wallet's key, is refused.
  const stolen = await fetch(`${s.issuerUrl}/credential`, {
    method: 'POST',
    headers: { authorization: `Bearer ${issued.access_token}`, 'content-type': 'application/json' },
    body: '{}',
  });
  expect(stolen.status).toBe(401);
  expect(await stolen.json()).toMatchObject({ sanad_code: 'ERR_DPOP_PROOF_INVALID' });
});
