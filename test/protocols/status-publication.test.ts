/**
 * Status lists as an issuer service publishes them: signed at most every 30 s, so a CDN and a
 * busy service do not sign on every fetch; but a list opened since (by this instance or another
 * one on the same register) is found within seconds, not after the 30 s.
 */
import {
  type Clock,
  didKeyFromJwk,
  didKeyMultibase,
  generateKeyPair,
  signerFromJwk,
} from '@sanad/core';
import { createIssuer, createMemoryIssuerStore, refugeeStatusType } from '@sanad/issuer';
import { composeIssuerService, createMemoryServiceStore } from '@sanad/server';
import { describe, expect, it } from 'vitest';
import { amal } from '../support/fixtures.js';
import { OPERATOR_TOKEN, TEST_DEFENCES } from '../support/services.js';

const BASE = 'https://issuer.example';

describe('status list publication across instances', () => {
  it('an instance finds a list another instance opened since it last signed, within seconds', async () => {
    const { publicJwk, privateJwk } = await generateKeyPair('ES256');
    const did = didKeyFromJwk(publicJwk);
    const register = createMemoryIssuerStore();
    let seconds = 0;
    const clock: Clock = { now: () => 1_800_000_000_000 + seconds * 1000 };
    const issuerOf = async () =>
      createIssuer({
        store: register,
        signer: await signerFromJwk(privateJwk),
        issuerId: did,
        kid: `${did}#${didKeyMultibase(did)}`,
        statusBaseUrl: `${BASE}/status`,
        types: [refugeeStatusType],
        statusListSize: 4,
        clock,
      });
    const [a, b] = [await issuerOf(), await issuerOf()];
    const serviceB = (
      await composeIssuerService({
        issuer: b,
        store: createMemoryServiceStore(),
        operatorToken: OPERATOR_TOKEN,
        clock,
        observability: { logLevel: 'silent' },
        defences: TEST_DEFENCES,
        purgeEverySeconds: false,
        baseUrl: BASE,
      })
    ).service;
    const get = (path: string) => serviceB.app.fetch(new Request(`${BASE}/status/${path}`));
    const holder = async () => {
      const keys = await generateKeyPair('ES256');
      return { did: didKeyFromJwk(keys.publicJwk), jwk: keys.publicJwk };
    };

    await a.issue({ type: 'refugee-status', claims: amal, holders: [await holder()] });
    const [first] = await a.publishStatusLists();
    expect((await get(first!.path)).status).toBe(200); // instance B signs and keeps its lists
    // Instance A fills list 1 and opens list 2.
    for (let i = 0; i < 4; i++)
      await a.issue({ type: 'refugee-status', claims: amal, holders: [await holder()] });
    const second = (await a.publishStatusLists()).find((l) => l.path !== first!.path)!;
    expect((await get(second.path)).status).toBe(404); // B signed a moment ago: not yet
    seconds += 5;
    const found = await get(second.path);
    expect(found.status).toBe(200); // 5 s on, not 30: B looks again for a list it lacks
    expect(await found.text()).toMatch(/^ey/);
    // A path that names no list does not make B sign again: still 404, at once.
    expect((await get('not-a-list')).status).toBe(404);
  });
});
