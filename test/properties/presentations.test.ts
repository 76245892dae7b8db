/**
 * Property-based tests (fast-check) of the issue -> present -> verify path:
 * random claim sets and disclosure choices round-trip exactly; random mutations of valid
 * presentations never change what is accepted, never throw, never hang.
 */
import { isSanadError, type VerificationResult } from '@sanad/core';
import type { Issuer } from '@sanad/issuer';
import {
  createMemoryNonceStore,
  createMemoryStatusCache,
  createPresentationRequest,
  createVerifier,
  importStatusList,
  type StatusCache,
} from '@sanad/verifier';
import { createMemoryStorage, createWallet } from '@sanad/wallet';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Agency,
  amal,
  type Holder,
  makeAgency,
  makeHolder,
  presentSdJwt,
  trustFor,
  LOW_COST_WALLET as LOW,
} from '../support/fixtures.js';
import { AUDIENCE, NONCE, vpJwt } from '../adversarial/presentation-corpus.js';
import { anyClaimsType, claimSets, mutated, runs, TYPED_CODE } from './support.js';
import { cpuMillisOf, patient } from '../support/patience.js';

let issuer: Issuer;
let issuerDid: string;
let statusCache: StatusCache;

beforeAll(async () => {
  ({ issuer, did: issuerDid } = await makeAgency('https://agency.example/status', 'ES256', [
    anyClaimsType,
  ]));
  const wallet = await createWallet(createMemoryStorage(), 'property test passphrase', LOW);
  // Every index of the list is valid: one published list covers all the credentials below.
  await issuer.issue({
    type: 'any-claims',
    claims: { c_0: 1 },
    holders: await wallet.createHolderKeys(1),
  });
  statusCache = createMemoryStatusCache();
  for (const list of await issuer.publishStatusLists())
    await importStatusList(statusCache, list.token);
});

describe('issue -> present -> verify', () => {
  it(
    `returns exactly the disclosed claims, for random claim sets and choices (${runs(500)} runs)`,
    async () => {
      const nonceStore = createMemoryNonceStore();
      const verifier = createVerifier({
        trustList: trustFor({ did: issuerDid, types: [anyClaimsType.definition.vct] }),
        statusCache,
        offline: true,
        nonceStore,
      });
      await fc.assert(
        fc.asyncProperty(
          claimSets.chain((claims) =>
            fc.tuple(fc.constant(claims), fc.subarray(Object.keys(claims), { minLength: 1 })),
          ),
          async ([claims, chosen]) => {
            // A wallet per case: no case can leave a credential (or history) behind for the next.
            const wallet = await createWallet(
              createMemoryStorage(),
              'property test passphrase',
              LOW,
            );
            const { bundle } = await issuer.issue({
              type: 'any-claims',
              claims,
              holders: await wallet.createHolderKeys(1),
            });
            const { id } = await wallet.import(bundle);
            const request = await createPresentationRequest({
              clientId: AUDIENCE,
              purpose: { en: 'Property test' },
              credentials: [
                {
                  id: 'q',
                  format: 'dc+sd-jwt',
                  types: [anyClaimsType.definition.vct],
                  claims: chosen.map((n) => [n]),
                },
              ],
              nonceStore,
            });
            const response = await wallet.present(
              wallet.decide(wallet.propose(request, { choose: { q: id } }), { approve: true }),
            );
            const result = await verifier.verify(response, { request });
            expect(result.errors).toEqual([]);
            // As JSON carries them (-0 travels as 0).
            expect(result.claims).toEqual(
              JSON.parse(JSON.stringify(Object.fromEntries(chosen.map((n) => [n, claims[n]])))),
            );
          },
        ),
        { numRuns: runs(500) },
      );
    },
    patient(600_000),
  );
});

describe('mutated presentations', () => {
  let agency: Agency;
  let holder: Holder;
  let edHolder: Holder;
  let sdJwt: string;
  let vp: string;
  let cache: StatusCache;

  beforeAll(async () => {
    agency = await makeAgency();
    holder = await makeHolder();
    edHolder = await makeHolder('EdDSA');
    const credential = (
      await agency.issuer.issue({ type: 'refugee-status', claims: amal, holders: [holder] })
    ).bundle.credentials[0]!;
    sdJwt = await presentSdJwt(
      credential,
      holder.signer,
      ['given_name', 'birthdate', 'nationality', 'age_over_18'],
      { nonce: NONCE, aud: AUDIENCE },
    );
    vp = await vpJwt(
      (
        await agency.issuer.issue({
          type: 'refugee-status',
          format: 'jwt_vc_json',
          claims: amal,
          holders: [edHolder],
        })
      ).bundle.credentials[0]!,
      edHolder,
    );
    cache = createMemoryStatusCache();
    for (const list of await agency.issuer.publishStatusLists())
      await importStatusList(cache, list.token);
  });

  /** Either the same acceptance as the original, or a refusal made only of typed errors. */
  async function neverChangesMeaning(original: string, runCount: number): Promise<void> {
    const verifier = createVerifier({
      trustList: trustFor({ did: agency.did }),
      statusCache: cache,
      offline: true,
    });
    const expected: VerificationResult = await verifier.verify(original, {
      nonce: NONCE,
      audience: AUDIENCE,
    });
    expect(expected.verified).toBe(true);
    let accepted = 0;
    await fc.assert(
      fc.asyncProperty(mutated(original), async (changed) => {
        let result!: VerificationResult;
        const work = await cpuMillisOf(
          async () =>
            (result = await verifier.verify(changed, { nonce: NONCE, audience: AUDIENCE })),
        );
        expect(work).toBeLessThan(2000);
        if (result.verified) {
          accepted += 1;
          expect(result.claims).toEqual(expected.claims);
          expect(result.issuer).toBe(expected.issuer);
        } else {
          expect(result.claims).toEqual({});
          expect(result.errors.length).toBeGreaterThan(0);
          for (const e of result.errors) expect(e.code).toMatch(TYPED_CODE);
        }
      }),
      { numRuns: runCount },
    );
    // Only spelling-preserving changes (e.g. a no-op swap) can be accepted; most must be refused.
    expect(accepted).toBeLessThan(runCount / 4);
  }

  it(
    `an SD-JWT VC presentation: byte flips, swaps, truncation, re-encoding, reordering, drops, duplicates (${runs(1500)} runs)`,
    async () => {
      await neverChangesMeaning(sdJwt, runs(1500));
    },
    patient(600_000),
  );

  it(
    `a VP-JWT with a VC-JWT inside (${runs(500)} runs)`,
    async () => {
      await neverChangesMeaning(vp, runs(500));
    },
    patient(600_000),
  );

  it(
    'a verifier never throws: non-Sanad inputs of every JSON shape are refused with typed errors',
    async () => {
      const verifier = createVerifier({
        trustList: trustFor({ did: agency.did }),
        statusCache: cache,
        offline: true,
      });
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.string(),
            fc.jsonValue().map((v) => JSON.stringify(v)),
          ),
          async (input) => {
            try {
              const result = await verifier.verify(input, { nonce: NONCE, audience: AUDIENCE });
              expect(result.verified).toBe(false);
            } catch (err) {
              expect(isSanadError(err) && TYPED_CODE.test(err.code)).toBe(true);
            }
          },
        ),
        { numRuns: runs(500) },
      );
    },
    patient(600_000),
  );
});
