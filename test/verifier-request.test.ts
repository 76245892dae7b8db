/**
 * Issue 14, why 8: `sanad verifier request` without `--claim` makes the type-only check the
 * verifier guide recommends ("registered, valid" is the status check itself and needs no claim):
 * the DCQL query names the type and no claims, the holder's wallet discloses nothing, and
 * `sanad verify` accepts it with no claims.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseSdJwt, type PresentationRequest } from '@sanad/core';
import { createDirectoryStatusCache, importStatusList } from '@sanad/verifier';
import { createMemoryStorage, createWallet } from '@sanad/wallet';
import { afterAll, describe, expect, it } from 'vitest';
import { amal, LOW_COST_WALLET, makeAgency, trustFor, VCT } from './support/fixtures.js';
import { runSanad } from './support/sanad-cli.js';

const work = mkdtempSync(join(tmpdir(), 'sanad-type-only-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('a type-only request needs no --claim (issue 14, why 8)', () => {
  it('asks for the type and no claims; the wallet discloses nothing; sanad verify accepts it with no claims', async () => {
    const agency = await makeAgency();
    const wallet = await createWallet(
      createMemoryStorage(),
      'correct horse battery staple',
      LOW_COST_WALLET,
    );
    await wallet.import(
      (
        await agency.issuer.issue({
          type: 'refugee-status',
          claims: amal,
          holders: await wallet.createHolderKeys(1),
        })
      ).bundle,
    );
    const cache = createDirectoryStatusCache(join(work, 'cache'));
    for (const list of await agency.issuer.publishStatusLists())
      await importStatusList(cache, list.token);
    writeFileSync(join(work, 'trust.json'), JSON.stringify(trustFor({ did: agency.did }).document));

    const made = await runSanad([
      'verifier',
      'request',
      '--client-id',
      'https://shelter.example',
      '--type',
      VCT,
      '--purpose',
      'Registered refugee?',
      '--nonce-store',
      join(work, 'nonces.json'),
      '--out',
      join(work, 'request.json'),
    ]);
    expect(made.code).toBe(0);
    expect(made.stdout).toContain(`Request for a valid ${VCT}, no claims`);
    const request = JSON.parse(
      readFileSync(join(work, 'request.json'), 'utf8'),
    ) as PresentationRequest;
    expect(request.dcql_query.credentials).toEqual([
      { id: 'credential', format: 'dc+sd-jwt', meta: { vct_values: [VCT] } },
    ]);

    const proposal = wallet.propose(request);
    expect(proposal.items[0]!.shared).toEqual([]);
    const response = await wallet.present(wallet.decide(proposal, { approve: true }));
    const presentation = Object.values(response.vp_token).flat()[0]!;
    expect(parseSdJwt(presentation).disclosures).toEqual([]);
    writeFileSync(join(work, 'response.json'), JSON.stringify(response));

    const verified = await runSanad([
      'verify',
      '--presentation',
      join(work, 'response.json'),
      '--request',
      join(work, 'request.json'),
      '--nonce-store',
      join(work, 'nonces.json'),
      '--trust',
      join(work, 'trust.json'),
      '--status-cache',
      join(work, 'cache'),
      '--offline',
      '--json',
    ]);
    expect(verified.code).toBe(0);
    expect(JSON.parse(verified.stdout)).toMatchObject({
      verified: true,
      status: 'valid',
      claims: {},
      credentialType: VCT,
    });
  });
});
