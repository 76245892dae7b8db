import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { epochSeconds, generateKeyPair, isSanadError, signerFromJwk, TrustList } from '@sanad/core';
import { refugeeStatusType } from '@sanad/issuer';
import { afterAll, describe, expect, it } from 'vitest';
import { composeIssuerService, composeVerifierService } from './compose.js';
import { testIssuer } from './issuer-service/testing.js';
import { openSqliteServiceStore } from './store/sqlite-service-store.js';
import { createMemoryServiceStore } from './store/service-store.js';
import { standardPresets, type VerifierPreset } from './verifier-service/presets.js';

const work = mkdtempSync(join(tmpdir(), 'sanad-compose-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const silent = { logLevel: 'silent' } as const;
const trustList = new TrustList({ type: 'sanad-trust-list', version: 1, issuers: [] });
const vct = refugeeStatusType.definition.vct;
/** Asks for the name where its purpose lists only the age: the data-minimisation lint refuses it. */
const overAsking: VerifierPreset = {
  id: 'too-much',
  name: { en: 'Too much' },
  purpose: { en: 'Adult check' },
  purposeClaims: ['age_over_18'],
  credentials: [{ id: 'c', format: 'dc+sd-jwt', types: [vct], claims: [['given_name']] }],
};

describe('composeVerifierService', () => {
  it('closes the store it opened and what it was handed when the service cannot be made', async () => {
    const closed: string[] = [];
    const path = join(work, 'refused.sqlite');
    const err = await composeVerifierService({
      trustList,
      store: { sqlitePath: path },
      baseUrl: 'https://verifier.test',
      signer: await signerFromJwk((await generateKeyPair('ES256')).privateJwk),
      verifierName: 'Al Noor Clinic',
      presets: [overAsking],
      observability: silent,
      closeAfter: [{ close: async () => void closed.push('folder') }],
    }).catch((e: unknown) => e);
    expect(isSanadError(err) && err.code).toBe('ERR_CONFIG_INVALID');
    expect(closed).toEqual(['folder']);
    // The file is free again: another store opens it and writes.
    const again = openSqliteServiceStore(path);
    expect(await again.put('session', 'x', { ok: true }, epochSeconds() + 60, epochSeconds())).toBe(
      true,
    );
    await again.close();
  });

  it('serves from a store it opened, and closes it and then what it was handed, once', async () => {
    const closed: string[] = [];
    const composed = await composeVerifierService({
      trustList,
      store: { sqlitePath: join(work, 'served.sqlite') },
      baseUrl: 'https://verifier.test',
      signer: await signerFromJwk((await generateKeyPair('ES256')).privateJwk),
      verifierName: 'Al Noor Clinic',
      presets: standardPresets(vct),
      operatorToken: 'operator-token-for-compose-0123456789',
      observability: silent,
      closeAfter: [
        { close: async () => void closed.push('first') },
        { close: async () => void closed.push('second') },
      ],
    });
    const session = await composed.service.createSession({ preset: 'over-18' });
    expect((await composed.service.app.request(`/requests/${session.sessionId}`)).status).toBe(200);
    await Promise.all([composed.close(), composed.close()]);
    expect(closed).toEqual(['first', 'second']);
    await expect(
      composed.store.get('session', session.sessionId, epochSeconds()),
    ).rejects.toThrow();
  });
});

describe('composeIssuerService', () => {
  it('leaves a store it was given open for its owner', async () => {
    const store = createMemoryServiceStore();
    const composed = await composeIssuerService({
      issuer: await testIssuer(),
      store,
      baseUrl: 'https://issuer.test',
      operatorToken: 'operator-token-for-compose-0123456789',
      observability: silent,
    });
    await composed.service.createOffer({
      type: 'refugee-status',
      claims: {
        given_name: 'Amal',
        family_name: 'Haddad',
        birthdate: '1994-03-12',
        nationality: 'SYR',
        case_number: 'LB-1',
        age_over_18: true,
      },
    });
    await composed.close();
    expect(await store.count('offer', epochSeconds())).toBe(1);
  });
});
