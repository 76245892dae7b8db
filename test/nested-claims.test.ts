/** Nested-object and array-element selective disclosure, end to end: issuer -> wallet -> verifier. */
import {
  didKeyFromJwk,
  didKeyMultibase,
  generateKeyPair,
  parseSdJwt,
  signerFromJwk,
  TrustList,
} from '@sanad/core';
import { createIssuer, createMemoryIssuerStore } from '@sanad/issuer';
import {
  createMemoryStatusCache,
  createPresentationRequest,
  createVerifier,
  importStatusList,
} from '@sanad/verifier';
import { createMemoryStorage, createWallet } from '@sanad/wallet';
import { describe, expect, it } from 'vitest';
import { LOW_COST_WALLET as LOW, registrationType as registration } from './support/fixtures.js';

describe('nested and array claims', () => {
  it('discloses one nested member and the array elements only, and the verifier gets exactly those', async () => {
    const keys = await generateKeyPair();
    const did = didKeyFromJwk(keys.publicJwk);
    const issuer = await createIssuer({
      store: createMemoryIssuerStore(),
      signer: await signerFromJwk(keys.privateJwk),
      issuerId: did,
      kid: `${did}#${didKeyMultibase(did)}`,
      statusBaseUrl: 'https://a.example/status',
      types: [registration],
    });
    const wallet = await createWallet(createMemoryStorage(), 'nested passphrase', LOW);
    const { bundle } = await issuer.issue({
      type: 'registration',
      claims: {
        household_size: 4,
        address: { locality: 'Mafraq', camp: 'Zaatari', country: 'JO' },
        nationalities: ['SYR', 'IRQ'],
      },
      holders: await wallet.createHolderKeys(1),
    });
    // 1 + 2 nested + 2 array-element disclosures; the country stays plain.
    expect(parseSdJwt(bundle.credentials[0]!).disclosures).toHaveLength(5);
    await wallet.import(bundle);
    expect(wallet.show(wallet.list()[0]!.id, 'fr').claims.map((c) => c.label)).toEqual(
      expect.arrayContaining(['Locality (fr)', 'Camp (fr)']),
    );

    const statusCache = createMemoryStatusCache();
    for (const list of await issuer.publishStatusLists())
      await importStatusList(statusCache, list.token);
    const verifier = createVerifier({
      trustList: new TrustList({
        type: 'sanad-trust-list',
        version: 1,
        issuers: [{ id: did, credential_types: [registration.definition.vct] }],
      }),
      statusCache,
      offline: true,
    });
    const request = await createPresentationRequest({
      clientId: 'https://shelter.example',
      purpose: { en: 'Allocate a shelter near your locality' },
      credentials: [
        {
          id: 'r',
          format: 'dc+sd-jwt',
          types: [registration.definition.vct],
          claims: [
            ['address', 'locality'],
            ['nationalities', null],
          ],
        },
      ],
    });
    const proposal = wallet.propose(request);
    expect(proposal.items[0]!.shared.map((s) => s.label)).toEqual(['Locality', 'Nationalities']);
    expect(proposal.items[0]!.withheld).toEqual(expect.arrayContaining(['Household size', 'Camp']));
    const response = await wallet.present(wallet.decide(proposal, { approve: true }));
    expect(parseSdJwt(response.vp_token.r![0]!).disclosures).toHaveLength(3);
    const result = await verifier.verify(response, { request });
    expect(result.errors).toEqual([]);
    // `country` was never selectively disclosable: it travels with `address`, and is dropped here.
    expect(result.claims).toEqual({
      address: { locality: 'Mafraq' },
      nationalities: ['SYR', 'IRQ'],
    });
  });
});
