/**
 * Scale past one machine: N verifier instances, each with its own connection pool, share one
 * PostgreSQL nonce store. A presentation sent to all of them at once (the same nonce, in
 * parallel) is accepted exactly once (OpenID4VP 1.0 section 14.1: nonces are single-use).
 */
import {
  createMemoryStatusCache,
  createPresentationRequest,
  createVerifier,
  importStatusList,
} from '@sanad/verifier';
import { openPostgresServiceStore, type ServiceStore, serviceNonceStore } from '@sanad/server';
import { createMemoryStorage, createWallet } from '@sanad/wallet';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithPostgres, postgresSchema } from '../support/postgres.js';
import {
  type Agency,
  amal,
  LOW_COST_WALLET,
  makeAgency,
  trustFor,
  VCT,
} from '../support/fixtures.js';

const INSTANCES = 4;
const ATTEMPTS_PER_INSTANCE = 6;
const NONCES = 15;
const CLINIC = 'https://clinic.example';

describeWithPostgres('verifier instances sharing PostgreSQL', (url) => {
  const schema = postgresSchema();
  let stores: ServiceStore[];
  let agency: Agency;
  beforeAll(async () => {
    // One after the other: the first creates the schema.
    stores = [];
    for (let i = 0; i < INSTANCES; i += 1)
      stores.push(await openPostgresServiceStore({ connectionString: url, schema, max: 4 }));
    agency = await makeAgency();
  });
  afterAll(async () => {
    for (const store of stores) await store.close();
  });

  it(`accept each presentation exactly once when ${INSTANCES} instances get it ${ATTEMPTS_PER_INSTANCE} times each, all at once (${NONCES} nonces)`, async () => {
    const statusCache = createMemoryStatusCache();
    const wallet = await createWallet(
      createMemoryStorage(),
      'a long enough passphrase',
      LOW_COST_WALLET,
    );
    await wallet.import(
      (
        await agency.issuer.issue({
          type: 'refugee-status',
          claims: amal,
          holders: await wallet.createHolderKeys(NONCES),
        })
      ).bundle,
    );
    for (const list of await agency.issuer.publishStatusLists())
      await importStatusList(statusCache, list.token);
    const verifiers = stores.map((store) =>
      createVerifier({
        trustList: trustFor({ did: agency.did }),
        statusCache,
        offline: true,
        nonceStore: serviceNonceStore(store),
      }),
    );

    for (let n = 0; n < NONCES; n += 1) {
      // The request (and its nonce) is made by one instance; the response may reach any.
      const request = await createPresentationRequest({
        clientId: CLINIC,
        purpose: { en: 'Adult check' },
        credentials: [{ id: 'q', format: 'dc+sd-jwt', types: [VCT], claims: [['age_over_18']] }],
        nonceStore: serviceNonceStore(stores[n % INSTANCES]!),
      });
      const response = await wallet.present(
        wallet.decide(wallet.propose(request), { approve: true }),
      );
      const results = await Promise.all(
        verifiers.flatMap((verifier) =>
          Array.from({ length: ATTEMPTS_PER_INSTANCE }, () =>
            verifier.verify(response, { request }),
          ),
        ),
      );
      expect(results.filter((r) => r.verified)).toHaveLength(1);
      for (const refused of results.filter((r) => !r.verified))
        expect(refused.errors.map((e) => e.code)).toEqual(['ERR_NONCE_REPLAYED']);
    }
  });
});
