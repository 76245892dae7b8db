/**
 * Anyone who sees the desk's QR code can answer it. Over real HTTP on loopback: a
 * shoulder-surfer answers first, with a real presentation of their own (revoked) credential
 * bound to the request's nonce, and with garbage; each is refused and counted, and the
 * holder's real answer that follows is accepted. Only a verified answer or a decline settles.
 */
import { createMemoryIssuerStore } from '@sanad/issuer';
import { createMemoryServiceStore } from '@sanad/server';
import type { Wallet } from '@sanad/wallet';
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
  s = await startServices({
    issuer: createMemoryIssuerStore(),
    service: createMemoryServiceStore(),
    dump: async () => '',
  });
});
afterAll(() => s.close());

async function walletWithCredential(): Promise<{ wallet: Wallet; offerId: string }> {
  const { json } = await operator(s.issuerUrl, 'POST', '/offers', {
    type: 'refugee-status',
    claims: amal,
  });
  const wallet = await newWallet();
  await wallet.receive(json.offer_link as string, {
    fetch,
    txCode: async () => json.tx_code as string,
  });
  return { wallet, offerId: json.offer_id as string };
}

it("refuses a shoulder-surfer's answers and accepts the holder's real one after them  [OpenID4VP 1.0 section 14.1]", async () => {
  const holder = await walletWithCredential();
  const surfer = await walletWithCredential();
  expect(
    (await operator(s.issuerUrl, 'POST', `/credentials/${surfer.offerId}/revoke`)).status,
  ).toBe(200);
  const created = await operator(s.verifierUrl, 'POST', '/sessions', {
    preset: 'over-18',
    response_mode: 'direct_post',
  });
  const id = created.json.session_id as string;
  const qr = created.json.authorization_request as string;

  // The surfer reads the QR code and answers first: a signed presentation bound to the nonce, of a revoked credential.
  const seen = await surfer.wallet.openRequest(qr, { fetch });
  await expect(
    surfer.wallet.respond(
      seen,
      surfer.wallet.decide(surfer.wallet.propose(seen.request), { approve: true }),
      { fetch },
    ),
  ).rejects.toMatchObject({ code: 'ERR_PROTOCOL' });
  // And garbage, by hand.
  const garbage = await fetch(`${s.verifierUrl}/responses/${id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      vp_token: '{"refugee-status":["eyJhbGciOiJub25lIn0.e30."]}',
      state: seen.authorizationRequest.state as string,
    }).toString(),
  });
  expect(garbage.status).toBe(400);
  expect(await garbage.json()).toMatchObject({
    error: 'invalid_request',
    sanad_code: expect.stringMatching(/^ERR_/),
  });
  const waiting = await operator(s.verifierUrl, 'GET', `/sessions/${id}`);
  expect(waiting.json).toMatchObject({ status: 'pending', outcome: 'pending', refusedAnswers: 2 });
  expect(waiting.json).not.toHaveProperty('result');

  // The holder's real answer is accepted: nothing the surfer sent was recorded or used up.
  const opened = await holder.wallet.openRequest(qr, { fetch });
  expect(
    await holder.wallet.respond(
      opened,
      holder.wallet.decide(holder.wallet.propose(opened.request), { approve: true }),
      { fetch },
    ),
  ).toEqual({ shared: true });
  const done = await operator(s.verifierUrl, 'GET', `/sessions/${id}`);
  expect(done.json).toMatchObject({
    status: 'answered',
    outcome: 'valid',
    refusedAnswers: 2,
    result: { verified: true, claims: { age_over_18: true } },
  });
});
