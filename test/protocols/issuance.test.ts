import { createGuardedHttpFetch, didKeyFromJwk, didKeyMultibase, generateKeyPair, signerFromJwk } from '@sanad/core';
import { createIssuer, createMemoryIssuerStore, refugeeStatusType } from '@sanad/issuer';
import { createIssuerService, createMemoryServiceStore, listen } from '@sanad/server';
import { createMemoryStorage, createWallet } from '@sanad/wallet';
import { allowInsecureHttpUrls } from '@sanad/openid4vc';
import { expect, it } from 'vitest';
import { amal } from '../support/fixtures.js';

const fetch = createGuardedHttpFetch({ allowInsecure: true });
allowInsecureHttpUrls(true);

it('issues a batch over OpenID4VCI with a pre-authorized code and PIN', async () => {
  let handler: (r: Request) => Response | Promise<Response> = () => new Response(null, { status: 503 });
  const server = await listen((r) => handler(r));
  const { publicJwk, privateJwk } = await generateKeyPair('ES256');
  const did = didKeyFromJwk(publicJwk);
  const issuer = await createIssuer({ store: createMemoryIssuerStore(), signer: await signerFromJwk(privateJwk), issuerId: did, kid: `${did}#${didKeyMultibase(did)}`, statusBaseUrl: `${server.url}/status`, types: [refugeeStatusType] });
  const service = createIssuerService({ issuer, store: createMemoryServiceStore(), baseUrl: server.url, operatorToken: 'x'.repeat(32) });
  handler = (r) => service.app.fetch(r);
  const offer = await service.createOffer({ type: 'refugee-status', claims: amal });
  const wallet = await createWallet(createMemoryStorage(), 'correct horse battery staple', { kdfParams: { N: 2 ** 15, r: 8, p: 1 } });
  const card = await wallet.receive(offer.offerUri, { fetch, txCode: async () => offer.txCode! });
  expect(card.copies).toBe(3);
  await server.close();
});
