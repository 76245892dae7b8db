/**
 * Issue 15 §5: a registry authority runs the verifier registry from the CLI, as
 * docs/verifier-registry.md shows — key, add, remove, sign, show — and the CLI wallet's consent
 * summary says who is asking from it: the registered name, or "not registered", and each claim
 * asked beyond the registration.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { didJwkFromJwk, generateKeyPair, signerFromJwk, signVerifierRegistry } from '@sanad/core';
import { createMemoryNonceStore, createPresentationRequest } from '@sanad/verifier';
import { createWallet, MIN_KDF } from '@sanad/wallet';
import { nodeScrypt, openFileStorage } from '@sanad/wallet/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amal, makeAgency, VCT } from './support/fixtures.js';
import { runSanad } from './support/sanad-cli.js';

const work = mkdtempSync(join(tmpdir(), 'sanad-verifier-registry-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const at = (name: string): string => join(work, name);
const json = (run: { stdout: string }) => JSON.parse(run.stdout) as Record<string, unknown>;
const PASS = 'the holder passphrase';
const env = { SANAD_WALLET_PASSPHRASE: PASS, LC_ALL: '', LC_MESSAGES: '', LANG: '' };

const clinic = didJwkFromJwk((await generateKeyPair()).publicJwk);
const stranger = didJwkFromJwk((await generateKeyPair()).publicJwk);

describe('sanad verifier-registry', () => {
  it('makes an authority key, registers a verifier, signs with an expiry and shows the checked registry', async () => {
    const keygen = await runSanad([
      'verifier-registry',
      'keygen',
      '--out',
      at('authority/key.jwk.json'),
      '--public-out',
      at('authority/public.jwk.json'),
      '--json',
    ]);
    expect(keygen.code).toBe(0);
    expect(statSync(at('authority/key.jwk.json')).mode & 0o777).toBe(0o600);
    const authorityDid = json(keygen).did as string;
    expect(authorityDid).toMatch(/^did:key:z/);

    const add = await runSanad([
      'verifier-registry',
      'add',
      '--file',
      at('registry.json'),
      '--client-id',
      clinic,
      '--name',
      'en=Al Noor Clinic',
      '--name',
      'ar=عيادة النور',
      '--purpose',
      'en=health partners, Jordan',
      '--type',
      VCT,
      '--claim',
      'given_name',
      '--claim',
      'address.locality',
      '--claim',
      'nationalities[]',
      '--json',
    ]);
    expect(add.code).toBe(0);
    expect(json(add).verifier).toEqual({
      client_ids: [`decentralized_identifier:${clinic}`],
      names: { en: 'Al Noor Clinic', ar: 'عيادة النور' },
      purposes: [{ en: 'health partners, Jordan' }],
      credentials: [
        {
          credential_type: VCT,
          claims: [['given_name'], ['address', 'locality'], ['nationalities', null]],
        },
      ],
    });
    // An update keeps what it does not change; a second credential type joins the first.
    const update = await runSanad([
      'verifier-registry',
      'add',
      '--file',
      at('registry.json'),
      '--client-id',
      `decentralized_identifier:${clinic}`,
      '--type',
      'VaccinationCredential',
      '--claim',
      'vaccine',
      '--valid-until',
      '365d',
    ]);
    expect(update.code, update.stderr).toBe(0);
    expect(update.stdout).toContain(
      `Al Noor Clinic is registered for ${VCT} (given_name, address.locality, nationalities[]); VaccinationCredential (vaccine)`,
    );

    const sign = await runSanad([
      'verifier-registry',
      'sign',
      '--file',
      at('registry.json'),
      '--key',
      at('authority/key.jwk.json'),
      '--out',
      at('registry.jws'),
      '--expires',
      '90d',
      '--json',
    ]);
    expect(sign.code).toBe(0);
    expect(json(sign)).toMatchObject({ verifiers: 1, expires_at: expect.any(String) });

    for (const key of [authorityDid, at('authority/public.jwk.json')]) {
      const show = await runSanad([
        'verifier-registry',
        'show',
        '--file',
        at('registry.jws'),
        '--registry-key',
        key,
      ]);
      expect(show.code).toBe(0);
      expect(show.stdout).toContain('Verifier registry (signature checked)');
      expect(show.stdout).toContain('Al Noor Clinic — health partners, Jordan (until');
      expect(show.stdout).toContain(
        `may ask for ${VCT}: given_name, address.locality, nationalities[]`,
      );
    }
  });

  it('exits 1 for a wrong authority key or an expired registry, 2 for malformed input, with the code', async () => {
    const other = didJwkFromJwk((await generateKeyPair()).publicJwk);
    const wrong = await runSanad([
      'verifier-registry',
      'show',
      '--file',
      at('registry.jws'),
      '--registry-key',
      other,
    ]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('(ERR_VERIFIER_REGISTRY_SIGNATURE_INVALID)');
    const authority = await generateKeyPair();
    writeFileSync(
      at('expired.jws'),
      await signVerifierRegistry(
        {
          type: 'sanad-verifier-registry',
          version: 1,
          expires_at: '2026-01-01T00:00:00Z',
          verifiers: [],
        },
        await signerFromJwk(authority.privateJwk),
      ),
    );
    writeFileSync(at('authority-2.json'), JSON.stringify(authority.publicJwk));
    const expired = await runSanad([
      'verifier-registry',
      'show',
      '--file',
      at('expired.jws'),
      '--registry-key',
      at('authority-2.json'),
    ]);
    expect(expired.code).toBe(1);
    expect(expired.stderr).toContain('(ERR_VERIFIER_REGISTRY_EXPIRED)');
    const https = await runSanad([
      'verifier-registry',
      'add',
      '--file',
      at('registry.json'),
      '--client-id',
      'https://clinic.example',
      '--name',
      'en=X',
      '--purpose',
      'en=Y',
    ]);
    expect(https.code).toBe(2);
    expect(https.stderr).toContain('(ERR_VERIFIER_REGISTRY_INVALID)');
    const nameless = await runSanad([
      'verifier-registry',
      'add',
      '--file',
      at('registry.json'),
      '--client-id',
      stranger,
    ]);
    expect(nameless.code).toBe(2);
    expect(nameless.stderr).toContain('needs --name');
    const privatePin = await runSanad([
      'verifier-registry',
      'show',
      '--file',
      at('registry.jws'),
      '--registry-key',
      at('authority/key.jwk.json'),
    ]);
    expect(privatePin.code).toBe(2);
    expect(privatePin.stderr).toContain('(ERR_INVALID_KEY)');
  });

  it('removes a verifier and stamps the registry', async () => {
    const before = JSON.parse(readFileSync(at('registry.json'), 'utf8'));
    await runSanad([
      'verifier-registry',
      'add',
      '--file',
      at('registry.json'),
      '--client-id',
      stranger,
      '--name',
      'en=Other desk',
      '--purpose',
      'en=tests',
    ]);
    const removed = await runSanad([
      'verifier-registry',
      'remove',
      '--file',
      at('registry.json'),
      '--client-id',
      stranger,
      '--json',
    ]);
    expect(removed.code).toBe(0);
    expect(json(removed)).toMatchObject({ verifiers: 1 });
    expect(
      JSON.parse(readFileSync(at('registry.json'), 'utf8')).issued_at >= before.issued_at,
    ).toBe(true);
    expect(
      (
        await runSanad([
          'verifier-registry',
          'remove',
          '--file',
          at('registry.json'),
          '--client-id',
          stranger,
        ])
      ).code,
    ).toBe(2);
  });
});

describe('sanad wallet present --verifier-registry', () => {
  const walletFile = at('wallet.json');
  let requests = 0;
  const requestFrom = async (clientId: string, claims: string[][]) => {
    const file = at(`request-${(requests += 1)}.json`);
    writeFileSync(
      file,
      JSON.stringify(
        await createPresentationRequest({
          clientId,
          verifierName: 'Friendly Desk',
          purpose: { en: 'Check your case' },
          credentials: [{ id: 'q', format: 'dc+sd-jwt', types: [VCT], claims }],
          nonceStore: createMemoryNonceStore(),
        }),
      ),
    );
    return file;
  };
  const present = async (request: string, extra: string[] = []) =>
    runSanad(
      [
        'wallet',
        'present',
        '--request',
        request,
        '--out',
        at('presentation.json'),
        '--yes',
        '--wallet',
        walletFile,
        '--lang',
        'en',
        ...extra,
      ],
      env,
    );
  const pinned = () => [
    '--verifier-registry',
    at('registry.jws'),
    '--registry-key',
    at('authority/public.jwk.json'),
  ];

  beforeAll(async () => {
    const agency = await makeAgency();
    const wallet = await createWallet(await openFileStorage(walletFile), PASS, {
      kdf: nodeScrypt,
      kdfParams: MIN_KDF,
    });
    await wallet.import(
      (
        await agency.issuer.issue({
          type: 'refugee-status',
          claims: amal,
          holders: await wallet.createHolderKeys(5),
        })
      ).bundle,
    );
    await wallet.close();
  });

  it('names a registered verifier by its registration and flags the claim it asks beyond it', async () => {
    const r = await present(
      await requestFrom(`decentralized_identifier:${clinic}`, [['given_name'], ['case_number']]),
      pinned(),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Al Noor Clinic');
    expect(r.stdout).toContain('Registered: Al Noor Clinic — health partners, Jordan');
    expect(r.stdout).toContain(
      'This verifier asks for more than it is registered for: Case number.',
    );
    expect(r.stdout).toMatch(/- Case number \(Not in its registration\)/);
    expect(r.stdout).toMatch(/- Given name\n/);
    expect(r.stdout).toMatch(
      /The verifier will also learn that you hold “Refugee status”, issued by /,
    );
    expect(r.stdout).not.toContain('Friendly Desk');
  });

  it('warns of an unregistered verifier, showing its own name only as what it calls itself', async () => {
    const r = await present(
      await requestFrom(`decentralized_identifier:${stranger}`, [['given_name']]),
      pinned(),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Not registered: be careful.');
    expect(r.stdout).toContain('It calls itself “Friendly Desk”.');
    const without = await present(
      await requestFrom(`decentralized_identifier:${stranger}`, [['given_name']]),
    );
    expect(without.stdout).toContain('This wallet has no list of registered verifiers');
  });

  it('refuses a registry without its authority key, or signed by another', async () => {
    const request = await requestFrom(`decentralized_identifier:${clinic}`, [['given_name']]);
    const unpinned = await present(request, ['--verifier-registry', at('registry.jws')]);
    expect(unpinned.code).toBe(2);
    expect(unpinned.stderr).toContain('--registry-key');
    const wrong = await present(request, [
      '--verifier-registry',
      at('registry.jws'),
      '--registry-key',
      at('authority-2.json'),
    ]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('ERR_VERIFIER_REGISTRY_SIGNATURE_INVALID');
  });
});
