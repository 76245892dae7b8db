/** The verifier service refuses a credential from an issuer its trust list does not name. */
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
    { trustIssuer: false },
  );
});
afterAll(() => s.close());

it('rejects a valid credential from an untrusted issuer, sharing no claims onward', async () => {
  const { json } = await operator(s.issuerUrl, 'POST', '/offers', {
    type: 'refugee-status',
    claims: amal,
  });
  const wallet = await newWallet();
  await wallet.receive(String(json.offer_link), {
    fetch,
    txCode: async () => String(json.tx_code),
  });
  const session = await operator(s.verifierUrl, 'POST', '/sessions', { preset: 'over-18' });
  const opened = await wallet.openRequest(String(session.json.authorization_request), { fetch });
  await expect(
    wallet.respond(opened, wallet.decide(wallet.propose(opened.request), { approve: true }), {
      fetch,
    }),
  ).rejects.toMatchObject({ code: 'ERR_PROTOCOL' });
  const { json: result } = await operator(
    s.verifierUrl,
    'GET',
    `/sessions/${session.json.session_id as string}`,
  );
  expect(result).toMatchObject({
    status: 'pending',
    refusedAnswers: 1,
    lastRefusal: { code: 'ERR_ISSUER_UNTRUSTED', outcome: 'untrusted' },
  });
  expect(result).not.toHaveProperty('result');
});

it('refuses to start a verifier whose preset asks for more than its purpose  [OpenID4VP 1.0 section 14.8 (over-asking); GDPR art. 5(1)(c) data minimisation]', async () => {
  const { startServices: start } = await import('../support/services.js');
  await expect(
    start(
      {
        issuer: createMemoryIssuerStore(),
        service: createMemoryServiceStore(),
        dump: async () => '',
      },
      {
        presets: [
          {
            id: 'greedy',
            name: { en: 'Over 18' },
            purpose: { en: 'Adult check' },
            purposeClaims: ['age_over_18'],
            credentials: [
              { format: 'dc+sd-jwt', types: ['x'], claims: [['age_over_18'], ['case_number']] },
            ],
          },
        ],
      },
    ),
  ).rejects.toMatchObject({ code: 'ERR_CONFIG_INVALID' });
});
