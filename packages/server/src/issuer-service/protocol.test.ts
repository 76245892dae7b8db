/** The issuer's protocol object, called directly: no HTTP, a real issuer, real signatures, a real store. */
import { decodeJwt } from '@sanad/core';
import { describe, expect, it } from 'vitest';
import {
  createMemoryServiceStore,
  type RecordKind,
  type ServiceStore,
} from '../store/service-store.js';
import { createIssuerProtocol, type IssuerProtocolOptions } from './protocol.js';
import {
  AMAL,
  BASE_URL,
  keyProof,
  preAuthorizedCode,
  requestTo,
  testIssuer,
  tokenBody,
  wrongPin,
} from './testing.js';

const KINDS: RecordKind[] = [
  'offer',
  'access_token',
  'c_nonce',
  'session',
  'vp_nonce',
  'tx_code_client',
  'service_key',
];
const rows = async (store: ServiceStore, now = Math.floor(Date.now() / 1000)): Promise<number> =>
  (await Promise.all(KINDS.map((kind) => store.count(kind, now)))).reduce((a, b) => a + b, 0);

async function protocolWith(options: Partial<IssuerProtocolOptions> = {}) {
  const store = options.store ?? createMemoryServiceStore();
  const protocol = createIssuerProtocol({
    issuer: await testIssuer(),
    store,
    baseUrl: BASE_URL,
    log: () => undefined,
    ...options,
  });
  return { protocol, store };
}

describe('issuer protocol', () => {
  it('issues a batch: offer, token for code and PIN, nonce, one copy per key proof', async () => {
    const { protocol } = await protocolWith();
    const offer = await protocol.createOffer({ type: 'refugee-status', claims: AMAL });
    const token = await protocol.redeemPreAuthorizedCode({
      request: requestTo('/token'),
      body: tokenBody(preAuthorizedCode(offer.offerUri), offer.txCode),
      client: 'a',
    });
    const { c_nonce: nonce } = await protocol.nonce();
    const response = await protocol.issueCredentials({
      request: requestTo('/credential', { authorization: `Bearer ${token.access_token}` }),
      body: {
        credential_configuration_id: 'refugee-status.sd-jwt',
        proofs: { jwt: [await keyProof(nonce), await keyProof(nonce)] },
      },
    });
    expect(response.credentials).toHaveLength(2);
    const [first, second] = (response.credentials ?? []).map(
      (c) => decodeJwt((c as { credential: string }).credential.split('~')[0]!).payload.cnf,
    );
    expect(first).not.toEqual(second);
  });

  it('answers 10,000 nonce requests without storing a row for any of them  [issue 16 §0: stateless c_nonce]', async () => {
    const { protocol, store } = await protocolWith();
    const before = await rows(store);
    const nonces = new Set<string>();
    for (let i = 0; i < 10_000; i += 1) nonces.add((await protocol.nonce()).c_nonce);
    expect(nonces.size).toBe(10_000);
    // Only the service's nonce key, stored once for every instance on this store.
    expect((await rows(store)) - before).toBe(1);
    expect(await store.count('service_key', Math.floor(Date.now() / 1000))).toBe(1);
  });

  it('accepts a nonce minted by another instance on the same store', async () => {
    const store = createMemoryServiceStore();
    const { protocol: one } = await protocolWith({ store });
    const { protocol: two } = await protocolWith({ store });
    const offer = await two.createOffer({ type: 'refugee-status', claims: AMAL, txCode: false });
    const token = await two.redeemPreAuthorizedCode({
      request: requestTo('/token'),
      body: tokenBody(preAuthorizedCode(offer.offerUri)),
      client: 'a',
    });
    const { c_nonce: nonce } = await one.nonce();
    const response = await two.issueCredentials({
      request: requestTo('/credential', { authorization: `Bearer ${token.access_token}` }),
      body: {
        credential_configuration_id: 'refugee-status.sd-jwt',
        proofs: { jwt: [await keyProof(nonce)] },
      },
    });
    expect(response.credentials).toHaveLength(1);
  });

  it('limits PIN attempts per client across offers: 429 ERR_RATE_LIMITED with a wait, other clients unaffected', async () => {
    const { protocol } = await protocolWith({ maxTxCodeAttemptsPerClient: 20 });
    const offers = await Promise.all(
      Array.from({ length: 6 }, () =>
        protocol.createOffer({ type: 'refugee-status', claims: AMAL }),
      ),
    );
    const guess = (i: number, client: string) => {
      const offer = offers[i % offers.length]!;
      return protocol.redeemPreAuthorizedCode({
        request: requestTo('/token'),
        body: tokenBody(preAuthorizedCode(offer.offerUri), wrongPin(offer.txCode!)),
        client,
      });
    };
    // 20 wrong PINs spread over 5 offers (4 each: none locked).
    for (let i = 0; i < 20; i += 1)
      await expect(guess(i % 5, 'attacker')).rejects.toMatchObject({ code: 'ERR_TX_CODE_INVALID' });
    const refused = await guess(5, 'attacker').catch((err: unknown) => err);
    expect(refused).toMatchObject({ status: 429, code: 'ERR_RATE_LIMITED' });
    const wait = Number((refused as { headers: Record<string, string> }).headers['Retry-After']);
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(600);
    await expect(guess(5, 'holder')).rejects.toMatchObject({
      code: 'ERR_TX_CODE_INVALID',
      extra: { sanad_attempts_left: 3 },
    });
    // The holder with the right PIN, from another address, is served.
    const last = offers[5]!;
    await expect(
      protocol.redeemPreAuthorizedCode({
        request: requestTo('/token'),
        body: tokenBody(preAuthorizedCode(last.offerUri), last.txCode),
        client: 'holder',
      }),
    ).resolves.toHaveProperty('access_token');
  });

  it('counts only wrong PINs against a client: right ones give their attempt back', async () => {
    const { protocol } = await protocolWith({ maxTxCodeAttemptsPerClient: 3 });
    const redeem = async (right: boolean) => {
      const offer = await protocol.createOffer({ type: 'refugee-status', claims: AMAL });
      const pin = right ? offer.txCode! : wrongPin(offer.txCode!);
      return protocol.redeemPreAuthorizedCode({
        request: requestTo('/token'),
        body: tokenBody(preAuthorizedCode(offer.offerUri), pin),
        client: 'camp',
      });
    };
    for (let i = 0; i < 10; i += 1)
      await expect(redeem(true)).resolves.toHaveProperty('access_token');
    for (let i = 0; i < 3; i += 1)
      await expect(redeem(false)).rejects.toMatchObject({ code: 'ERR_TX_CODE_INVALID' });
    await expect(redeem(false)).rejects.toMatchObject({ code: 'ERR_RATE_LIMITED' });
  });

  it('reserves client attempts atomically: of 40 parallel wrong PINs over 8 offers, at most the limit are compared', async () => {
    const { protocol } = await protocolWith({ maxTxCodeAttemptsPerClient: 7 });
    const offers = await Promise.all(
      Array.from({ length: 8 }, () =>
        protocol.createOffer({ type: 'refugee-status', claims: AMAL }),
      ),
    );
    const outcomes = await Promise.all(
      Array.from({ length: 40 }, (_, i) => {
        const offer = offers[i % 8]!;
        const body = tokenBody(preAuthorizedCode(offer.offerUri), wrongPin(offer.txCode!));
        return protocol
          .redeemPreAuthorizedCode({ request: requestTo('/token'), body, client: 'attacker' })
          .catch((err: { code: string }) => err.code);
      }),
    );
    expect(outcomes.filter((code) => code === 'ERR_TX_CODE_INVALID')).toHaveLength(7);
    expect(outcomes.filter((code) => code === 'ERR_RATE_LIMITED')).toHaveLength(33);
  });

  it('caps the open offers: 503 ERR_STORE_FULL with a wait, and room again once one is redeemed', async () => {
    const { protocol } = await protocolWith({ maxOpenOffers: 3 });
    const offers = await Promise.all(
      Array.from({ length: 3 }, () =>
        protocol.createOffer({ type: 'refugee-status', claims: AMAL, txCode: false }),
      ),
    );
    await expect(
      protocol.createOffer({ type: 'refugee-status', claims: AMAL }),
    ).rejects.toMatchObject({
      status: 503,
      code: 'ERR_STORE_FULL',
      headers: { 'Retry-After': '60' },
    });
    await protocol.redeemPreAuthorizedCode({
      request: requestTo('/token'),
      body: tokenBody(preAuthorizedCode(offers[0]!.offerUri)),
      client: 'a',
    });
    await expect(
      protocol.createOffer({ type: 'refugee-status', claims: AMAL }),
    ).resolves.toHaveProperty('offerId');
  });

  it('refuses offer input of the wrong type with a code, never a crash', async () => {
    const { protocol } = await protocolWith();
    const bad = [
      { type: { toString: 1 }, claims: AMAL },
      { type: 'refugee-status', claims: AMAL, format: 'toString' },
      { type: 'refugee-status', claims: AMAL, ttlSeconds: Number.POSITIVE_INFINITY },
      { type: 'refugee-status', claims: AMAL, txCode: 'no' },
    ];
    for (const input of bad)
      await expect(protocol.createOffer(input as never)).rejects.toMatchObject({
        name: 'SanadError',
      });
  });

  it('re-signs the status lists when a batch is revoked', async () => {
    const { protocol } = await protocolWith();
    const offer = await protocol.createOffer({
      type: 'refugee-status',
      claims: AMAL,
      txCode: false,
    });
    const token = await protocol.redeemPreAuthorizedCode({
      request: requestTo('/token'),
      body: tokenBody(preAuthorizedCode(offer.offerUri)),
      client: 'a',
    });
    const { c_nonce: nonce } = await protocol.nonce();
    await protocol.issueCredentials({
      request: requestTo('/credential', { authorization: `Bearer ${token.access_token}` }),
      body: {
        credential_configuration_id: 'refugee-status.sd-jwt',
        proofs: { jwt: [await keyProof(nonce)] },
      },
    });
    const [list] = await protocol.publishStatusLists();
    const before = await protocol.statusList(list!.path);
    const changed = await protocol.changeStatus('revoke', offer.offerId);
    expect(changed).toEqual([
      expect.objectContaining({ batch_id: offer.offerId, status: 'revoked' }),
    ]);
    expect((await protocol.statusList(list!.path)).token).not.toBe(before.token);
  });
});
