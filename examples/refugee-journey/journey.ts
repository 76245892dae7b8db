/**
 * The refugee journey through the library API: an agency issues, a refugee's wallet stores,
 * a clinic checks "over 18" and "still valid", the agency revokes, the next check fails.
 * Everything in memory; run with `pnpm --filter @sanad/example-refugee-journey start`.
 */
import {
  didKeyFromJwk,
  didKeyMultibase,
  generateKeyPair,
  signerFromJwk,
  TrustList,
} from '@sanad/core';
import { createIssuer, createMemoryIssuerStore, refugeeStatusType } from '@sanad/issuer';
import {
  createMemoryNonceStore,
  createMemoryStatusCache,
  createPresentationRequest,
  createVerifier,
  importStatusList,
} from '@sanad/verifier';
import { createMemoryStorage, createWallet } from '@sanad/wallet';
import { nodeScrypt } from '@sanad/wallet/node';

export async function journey(
  log: (line: string) => void = console.log,
): Promise<{ first: boolean; second: string }> {
  // 1. The agency: a key, a did:key identifier, a register that keeps no claim values.
  const keys = await generateKeyPair('ES256');
  const did = didKeyFromJwk(keys.publicJwk);
  const agency = await createIssuer({
    store: createMemoryIssuerStore(),
    signer: await signerFromJwk(keys.privateJwk),
    issuerId: did,
    kid: `${did}#${didKeyMultibase(did)}`,
    statusBaseUrl: 'https://agency.example/status',
    types: [refugeeStatusType],
  });

  // 2. Amal's wallet makes one key per copy; the agency issues three unlinkable copies.
  const wallet = await createWallet(createMemoryStorage(), 'amal-correct-horse', {
    kdf: nodeScrypt,
  });
  const { bundle, batchId } = await agency.issue({
    type: 'refugee-status',
    claims: {
      given_name: 'Amal',
      family_name: 'Haddad',
      birthdate: '1994-03-12',
      nationality: 'SYR',
      case_number: 'AMM-2026-044817',
      age_over_18: true,
    },
    holders: await wallet.createHolderKeys(3),
  });
  await wallet.import(bundle);
  log(
    `Wallet holds: ${wallet
      .list('fr')
      .map((c) => `${c.name} (${c.unusedCopies} copies)`)
      .join(', ')}`,
  );

  // 3. The clinic trusts the agency for this type, and caches the agency's status list.
  const statusCache = createMemoryStatusCache();
  const sync = async (): Promise<void> => {
    for (const list of await agency.publishStatusLists())
      await importStatusList(statusCache, list.token);
  };
  await sync();
  const trustList = new TrustList({
    type: 'sanad-trust-list',
    version: 1,
    issuers: [
      { id: did, name: 'Refugee agency', credential_types: [refugeeStatusType.definition.vct] },
    ],
  });
  const nonceStore = createMemoryNonceStore();
  const clinic = createVerifier({ trustList, nonceStore, statusCache, offline: true });
  const ask = () =>
    createPresentationRequest({
      clientId: 'https://clinic.example',
      verifierName: 'Al Noor Clinic',
      purpose: { en: 'Confirm the patient is an adult', ar: 'التأكد من أن المريض بالغ' },
      credentials: [
        {
          id: 'refugee',
          format: 'dc+sd-jwt',
          types: [refugeeStatusType.definition.vct],
          claims: [['age_over_18']],
        },
      ],
      nonceStore,
    });

  // 4. The wallet shows what will be shared, the holder agrees, the clinic verifies.
  const request = await ask();
  const proposal = wallet.propose(request);
  for (const line of proposal.summary) log(line);
  const first = await clinic.verify(
    await wallet.present(wallet.decide(proposal, { approve: true })),
    { request },
  );
  log(
    `Clinic: verified=${first.verified}, claims=${JSON.stringify(first.claims)}, status=${first.status}`,
  );

  // 5. The agency revokes every copy; the clinic syncs; the next check fails.
  await agency.revoke(batchId);
  await sync();
  const again = await ask();
  const second = await clinic.verify(
    await wallet.present(wallet.decide(wallet.propose(again), { approve: true })),
    { request: again },
  );
  log(
    `After revocation: verified=${second.verified}, status=${second.status} (${second.errors.map((e) => e.code).join(', ')})`,
  );
  return { first: first.verified, second: second.status };
}

if (import.meta.url === `file://${process.argv[1]}`) await journey();
