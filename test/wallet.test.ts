/** The wallet library with a real issuer and verifier: import, consent, presentation, storage safety. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verifyCredential, verifyPresentation } from 'did-jwt-vc';
import { Resolver } from 'did-resolver';
import {
  createGuardedFetch,
  createGuardedHttpFetch,
  didKeyFromJwk,
  fromUtf8,
  generateKeyPair,
  loadVerifierRegistry,
  signerFromJwk,
  signVerifierRegistry,
  toDidResolverRegistry,
  utf8,
  type VerifierRegistryDocument,
} from '@sanad/core';
import { createMemoryNonceStore, createPresentationRequest, createVerifier } from '@sanad/verifier';
import {
  type ConsentDecision,
  createMemoryStorage,
  createWallet,
  generateRecoverySecret,
  openWallet,
  restoreBackup,
} from '@sanad/wallet';
import { nodeScrypt, openFileStorage } from '@sanad/wallet/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Agency,
  amal,
  makeAgency,
  serve,
  trustFor,
  VCT,
  LOW_COST_WALLET as LOW,
} from './support/fixtures.js';
import { patient } from './support/patience.js';

const PASS = 'correct horse battery';
const CLINIC = 'https://clinic.example';

let agency: Agency;
let server: Awaited<ReturnType<typeof serve>>;
const routes = new Map<string, string>();
const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'sanad-wallet-'));
  dirs.push(d);
  return d;
};

async function publish(): Promise<void> {
  for (const list of await agency.issuer.publishStatusLists())
    routes.set(`/status/${list.path}`, list.token);
}

beforeAll(async () => {
  server = await serve(routes);
  agency = await makeAgency(`${server.url}/status`);
});
afterAll(() => {
  server.server.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function walletWithCredential(
  copies = 3,
  format: 'dc+sd-jwt' | 'jwt_vc_json' = 'dc+sd-jwt',
  alg: 'ES256' | 'EdDSA' = 'ES256',
) {
  const wallet = await createWallet(createMemoryStorage(), PASS, LOW);
  const holders = await wallet.createHolderKeys(copies, alg);
  const issued = await agency.issuer.issue({
    type: 'refugee-status',
    format,
    claims: amal,
    holders,
  });
  await publish();
  const summary = await wallet.import(issued.bundle);
  return { wallet, issued, summary };
}

async function request(
  format: 'dc+sd-jwt' | 'jwt_vc_json' = 'dc+sd-jwt',
  nonceStore = createMemoryNonceStore(),
  claims: string[][] = [['age_over_18']],
) {
  return createPresentationRequest({
    clientId: CLINIC,
    verifierName: 'Al Noor Clinic',
    purpose: {
      en: 'Confirm the patient is an adult',
      fr: 'Confirmer que le patient est majeur',
      ar: 'التأكد من أن المريض بالغ',
    },
    credentials: [
      {
        id: 'q',
        format,
        types: [format === 'dc+sd-jwt' ? VCT : 'RefugeeStatusCredential'],
        claims,
      },
    ],
    nonceStore,
  });
}

const verifier = (nonceStore = createMemoryNonceStore()) =>
  createVerifier({
    trustList: trustFor(agency),
    fetch: createGuardedFetch({ allowInsecure: true }),
    nonceStore,
  });

describe('import, list and show', () => {
  it('imports a bundle as one credential with N copies, named in the holder language', async () => {
    const { wallet, summary } = await walletWithCredential(3);
    expect(summary).toMatchObject({
      copies: 3,
      unusedCopies: 3,
      issuer: agency.did,
      credentialType: VCT,
      issuerSignatureChecked: true,
    });
    expect(wallet.list('ar')[0]!.name).toBe('صفة اللاجئ');
    const details = wallet.show(summary.id, 'fr');
    expect(details.claims.find((c) => c.path[0] === 'given_name')).toEqual({
      path: ['given_name'],
      label: 'Prénom',
      value: 'Amal',
    });
    await wallet.delete(summary.id);
    expect(wallet.list()).toEqual([]);
    await expect(wallet.delete(summary.id)).rejects.toMatchObject({
      code: 'ERR_CREDENTIAL_NOT_FOUND',
    });
  });

  it('refuses credentials bound to another key, tampered ones, and unknown formats', async () => {
    const wallet = await createWallet(createMemoryStorage(), PASS, LOW);
    const other = await createWallet(createMemoryStorage(), PASS, LOW);
    const { bundle } = await agency.issuer.issue({
      type: 'refugee-status',
      claims: amal,
      holders: await other.createHolderKeys(1),
    });
    await expect(wallet.import(bundle)).rejects.toMatchObject({ code: 'ERR_CREDENTIAL_INVALID' });
    const [jwt, ...rest] = bundle.credentials[0]!.split('~');
    const tampered = [`${jwt!.slice(0, -4)}AAAA`, ...rest].join('~');
    await expect(other.import(tampered)).rejects.toMatchObject({ code: 'ERR_CREDENTIAL_INVALID' });
    await expect(other.import('hello')).rejects.toMatchObject({ code: 'ERR_UNSUPPORTED_FORMAT' });
    await expect(other.import(JSON.stringify({ type: 'something-else' }))).rejects.toMatchObject({
      code: 'ERR_UNSUPPORTED_FORMAT',
    });
  });
});

describe('consent and presentation', () => {
  it('states who asks, why and exactly what is shared; the verifier receives only that', async () => {
    const { wallet } = await walletWithCredential(2);
    const nonceStore = createMemoryNonceStore();
    const req = await request('dc+sd-jwt', nonceStore);
    expect(wallet.match(req)).toEqual([{ queryId: 'q', credentialIds: [wallet.list()[0]!.id] }]);
    const proposal = wallet.propose(req, { locale: 'en' });
    expect(proposal.verifier).toEqual({
      clientId: CLINIC,
      name: 'Al Noor Clinic',
      registration: { status: 'no-registry' },
    });
    expect(proposal.items[0]!).toMatchObject({ credentialType: VCT, issuer: { id: agency.did } });
    expect(proposal.items[0]!.shared.map((s) => s.label)).toEqual(['Over 18']);
    expect(proposal.items[0]!.withheld).toContain('Given name');
    expect(proposal.summary.join('\n')).toContain('Confirm the patient is an adult');
    const response = await wallet.present(wallet.decide(proposal, { approve: true }));
    const presentation = response.vp_token.q![0]!;
    expect(presentation.split('~')).toHaveLength(3); // issuer JWT, one disclosure, KB-JWT
    const result = await verifier(nonceStore).verify(response, { request: req });
    expect(result.errors).toEqual([]);
    expect(result.claims).toEqual({ age_over_18: true });
    expect(result.warnings).toEqual([]);
    const history = wallet.history();
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({
      verifier: { clientId: CLINIC },
      claims: [{ path: 'age_over_18', label: 'Over 18' }],
    });
    expect(JSON.stringify(history)).not.toContain('Amal');
    await wallet.clearHistory();
    expect(wallet.history()).toEqual([]);
  });

  it('uses each batch copy once, then warns that copies are reused', async () => {
    const { wallet } = await walletWithCredential(2);
    const seen = new Set<string>();
    for (let i = 0; i < 2; i += 1) {
      const proposal = wallet.propose(await request());
      expect(proposal.items[0]!.freshCopy).toBe(true);
      const response = await wallet.present(wallet.decide(proposal, { approve: true }));
      seen.add(response.vp_token.q![0]!.split('~')[0]!);
    }
    expect(seen.size).toBe(2);
    expect(wallet.list()[0]!.unusedCopies).toBe(0);
    const third = wallet.propose(await request());
    expect(third.items[0]!.freshCopy).toBe(false);
    expect(third.summary.join('\n')).toContain('used before');
  });

  it('offers the credential still usable first: after a re-issuance, the new card rather than the used-up or revoked old one', async () => {
    const { wallet, issued: old } = await walletWithCredential(1);
    await wallet.present(wallet.decide(wallet.propose(await request()), { approve: true }));
    const fresh = await agency.issuer.issue({
      type: 'refugee-status',
      format: 'dc+sd-jwt',
      claims: amal,
      holders: await wallet.createHolderKeys(1, 'ES256'),
    });
    const renewed = await wallet.import(fresh.bundle);
    expect(wallet.propose(await request()).items[0]).toMatchObject({
      credentialId: renewed.id,
      freshCopy: true,
    });
    // Used up too, but the old one is now known revoked: still the new one.
    await wallet.present(wallet.decide(wallet.propose(await request()), { approve: true }));
    await agency.issuer.revoke(old.batchId);
    await publish();
    await wallet.refreshStatus({ fetch: createGuardedHttpFetch({ allowInsecure: true }) });
    expect(wallet.propose(await request()).items[0]!.credentialId).toBe(renewed.id);
  });

  it("writes the consent summary in the holder language, from the web wallet's messages (issue 14: only claim and type names were translated)", async () => {
    const { wallet } = await walletWithCredential(1);
    const req = await request();
    const fr = wallet.propose(req, { locale: 'fr' }).summary.join('\n');
    expect(fr).toContain('https://clinic.example demande à voir :');
    // Without a registry, the name the request gives itself is only what it calls itself.
    expect(fr).toContain('Il se présente comme « Al Noor Clinic ».');
    expect(fr).toContain('Pourquoi : Confirmer que le patient est majeur');
    expect(fr).toContain('De votre attestation « Statut de réfugié » :');
    expect(fr).toMatch(/Non partagé : .*Prénom/);
    const ar = wallet.propose(req, { locale: 'ar' }).summary;
    expect(ar.join('\n')).toContain('يطلب الاطلاع على');
    expect(ar.join('\n')).toContain('لن تتم مشاركته');
    // Latin names in an Arabic sentence are isolated, so a bidi terminal cannot reorder them.
    expect(ar.join('\n')).toContain('\u2068Al Noor Clinic\u2069');
    expect(ar[0]).toContain('\u2068https://clinic.example\u2069');
    for (const summary of [fr, ar.join('\n')])
      expect(summary).not.toMatch(/asks|Purpose|Not shared|From "/);
  });

  it('says who asks from the pinned verifier registry, flags claims asked beyond the registration, and names the credential type and issuer', async () => {
    const { wallet } = await walletWithCredential(1);
    const clinic = `decentralized_identifier:${didKeyFromJwk((await generateKeyPair()).publicJwk)}`;
    const authority = await generateKeyPair();
    const registryDoc: VerifierRegistryDocument = {
      type: 'sanad-verifier-registry',
      version: 1,
      expires_at: new Date(Date.now() + 86_400_000).toISOString(),
      verifiers: [
        {
          client_ids: [clinic],
          names: { en: 'Al Noor Clinic', fr: 'Clinique Al Noor' },
          purposes: [{ en: 'health partners, Jordan', fr: 'partenaires de santé, Jordanie' }],
          credentials: [{ credential_type: VCT, claims: [['given_name']] }],
        },
      ],
    };
    const registry = await loadVerifierRegistry(
      await signVerifierRegistry(registryDoc, await signerFromJwk(authority.privateJwk)),
      { pinnedKey: authority.publicJwk },
    );
    const ask = (clientId: string) =>
      createPresentationRequest({
        clientId,
        verifierName: 'Trusted Clinic',
        purpose: { en: 'Check' },
        credentials: [
          { id: 'q', format: 'dc+sd-jwt', types: [VCT], claims: [['given_name'], ['case_number']] },
        ],
        nonceStore: createMemoryNonceStore(),
      });

    const registered = wallet.propose(await ask(clinic), { locale: 'fr', registry });
    expect(registered.verifier.registration).toEqual({
      status: 'registered',
      name: 'Clinique Al Noor',
      purposes: ['partenaires de santé, Jordanie'],
      overAsked: [{ queryId: 'q', path: ['case_number'], label: 'Numéro de dossier' }],
    });
    const summary = registered.summary.join('\n');
    expect(summary).toContain('Clinique Al Noor');
    expect(summary).toContain('Enregistré : Clinique Al Noor — partenaires de santé, Jordanie');
    expect(summary).not.toContain('Trusted Clinic');
    expect(summary).toMatch(/Numéro de dossier.* \(Hors de son enregistrement\)/);
    expect(summary).not.toMatch(/Prénom.*Hors/);
    expect(summary).toContain(
      'Le vérificateur saura aussi que vous détenez « Statut de réfugié », délivré par',
    );

    const stranger = wallet.propose(
      await ask(`decentralized_identifier:${didKeyFromJwk((await generateKeyPair()).publicJwk)}`),
      { registry },
    );
    expect(stranger.verifier.registration).toEqual({ status: 'not-registered' });
    expect(stranger.summary.join('\n')).toMatch(
      /Not registered: be careful[\s\S]*It calls itself “\u2068?Trusted Clinic\u2069?”/,
    );

    const old = await loadVerifierRegistry(
      await signVerifierRegistry(
        { ...registryDoc, expires_at: '2026-01-01T00:00:00Z' },
        await signerFromJwk(authority.privateJwk),
      ),
      { pinnedKey: authority.publicJwk, keepExpired: true },
    );
    const stale = wallet.propose(await ask(clinic), { registry: old });
    expect(stale.verifier.registration).toEqual({
      status: 'registry-expired',
      expiredAt: '2026-01-01T00:00:00Z',
    });
    expect(stale.summary.join('\n')).toContain('expired on');

    // The history keeps the registered name, never the one the request gave itself.
    await wallet.present(wallet.decide(registered, { approve: true }));
    expect(wallet.history()[0]!.verifier).toEqual({ clientId: clinic, name: 'Clinique Al Noor' });
  });

  it('names shared claims in the language asked for when showing the history, while the credential is held', async () => {
    const { wallet } = await walletWithCredential(1);
    await wallet.present(
      wallet.decide(wallet.propose(await request(), { locale: 'en' }), { approve: true }),
    );
    expect(wallet.history()[0]!.claims).toEqual([{ path: 'age_over_18', label: 'Over 18' }]);
    expect(wallet.history('fr')[0]!.claims).toEqual([
      { path: 'age_over_18', label: 'Plus de 18 ans' },
    ]);
    await wallet.delete(wallet.list()[0]!.id);
    expect(wallet.history('fr')[0]!.claims[0]!.label).toBe('Over 18'); // the credential is gone: the label as shown then
  });

  it('makes presenting without an explicit, approved, unused decision impossible', async () => {
    const { wallet } = await walletWithCredential(1);
    const proposal = wallet.propose(await request());
    const forged = { proposal, approved: true } as ConsentDecision;
    await expect(wallet.present(forged)).rejects.toMatchObject({ code: 'ERR_CONSENT_REQUIRED' });
    await expect(wallet.present(wallet.decide(proposal, { approve: false }))).rejects.toMatchObject(
      { code: 'ERR_CONSENT_DECLINED' },
    );
    const decision = wallet.decide(proposal, { approve: true });
    await wallet.present(decision);
    await expect(wallet.present(decision)).rejects.toMatchObject({ code: 'ERR_CONSENT_REQUIRED' });
    const { wallet: other } = await walletWithCredential(1);
    expect(() => other.decide(proposal, { approve: true })).toThrow(
      expect.objectContaining({ code: 'ERR_CONSENT_REQUIRED' }),
    );
  });

  it('refuses expired or malformed requests, and requests nothing in the wallet answers', async () => {
    const { wallet } = await walletWithCredential(1);
    const req = await request();
    expect(() => wallet.propose({ ...req, exp: 1000 })).toThrow(
      expect.objectContaining({ code: 'ERR_REQUEST_INVALID' }),
    );
    expect(() => wallet.propose({ ...req, dcql_query: { credentials: [] } })).toThrow(
      expect.objectContaining({ code: 'ERR_REQUEST_INVALID' }),
    );
    const other = await createPresentationRequest({
      clientId: CLINIC,
      purpose: { en: 'x' },
      credentials: [{ format: 'dc+sd-jwt', types: ['https://other.example/x'], claims: [['a']] }],
    });
    expect(() => wallet.propose(other)).toThrow(
      expect.objectContaining({ code: 'ERR_NO_MATCHING_CREDENTIAL' }),
    );
  });

  it('presents a VC-JWT as a VP-JWT that did-jwt-vc and Sanad verify, saying everything is shared', async () => {
    const { wallet } = await walletWithCredential(1, 'jwt_vc_json', 'EdDSA');
    const nonceStore = createMemoryNonceStore();
    const req = await request('jwt_vc_json', nonceStore);
    const proposal = wallet.propose(req);
    expect(proposal.items[0]!.sharesEverything).toBe(true);
    expect(proposal.summary.join('\n')).toContain('everything in it will be shared');
    const response = await wallet.present(wallet.decide(proposal, { approve: true }));
    const vp = response.vp_token.q![0]!;
    const resolver = new Resolver(toDidResolverRegistry());
    const checked = await verifyPresentation(vp, resolver, {
      challenge: req.nonce,
      audience: CLINIC,
    });
    await verifyCredential(
      checked.verifiablePresentation.verifiableCredential![0]!.proof.jwt as string,
      resolver,
    );
    const result = await verifier(nonceStore).verify(response, { request: req });
    expect(result.errors).toEqual([]);
    expect(result.claims).toEqual({ age_over_18: true });
  });
});

describe('encrypted, atomic storage', () => {
  it('tells a wrong passphrase from a tampered or truncated file, and writes nothing', async () => {
    const storage = createMemoryStorage();
    await (await createWallet(storage, PASS, LOW)).createHolderKeys(1);
    const good = storage.bytes()!;
    await expect(openWallet(storage, 'wrong passphrase', LOW)).rejects.toMatchObject({
      code: 'ERR_WALLET_WRONG_PASSPHRASE',
    });
    const envelope = JSON.parse(fromUtf8(good));
    const flipped =
      envelope.ciphertext.slice(0, 10) +
      (envelope.ciphertext[10] === 'A' ? 'B' : 'A') +
      envelope.ciphertext.slice(11);
    const tampered = createMemoryStorage(
      utf8(JSON.stringify({ ...envelope, ciphertext: flipped })),
    );
    await expect(openWallet(tampered, PASS, LOW)).rejects.toMatchObject({
      code: 'ERR_WALLET_CORRUPTED',
    });
    await expect(
      openWallet(createMemoryStorage(good.slice(0, good.length - 20)), PASS, LOW),
    ).rejects.toMatchObject({ code: 'ERR_WALLET_CORRUPTED' });
    expect(storage.bytes()).toEqual(good);
    await expect(openWallet(createMemoryStorage(), PASS, LOW)).rejects.toMatchObject({
      code: 'ERR_WALLET_NOT_FOUND',
    });
    await expect(createWallet(storage, PASS, LOW)).rejects.toMatchObject({
      code: 'ERR_WALLET_EXISTS',
    });
    await expect(createWallet(createMemoryStorage(), 'short', LOW)).rejects.toMatchObject({
      code: 'ERR_WALLET_PASSPHRASE_TOO_SHORT',
    });
  });

  it('refuses KDF parameters below the floor or absurdly high, and never lowers them', async () => {
    const storage = createMemoryStorage();
    await createWallet(storage, PASS, LOW);
    // With the default policy (N >= 2^15), the low-cost test file is refused as too weak.
    await expect(openWallet(storage, PASS, { kdf: nodeScrypt })).rejects.toMatchObject({
      code: 'ERR_WALLET_KDF_TOO_WEAK',
    });
    const envelope = JSON.parse(fromUtf8(storage.bytes()!));
    const huge = createMemoryStorage(
      utf8(JSON.stringify({ ...envelope, kdf: { ...envelope.kdf, N: 2 ** 30 } })),
    );
    await expect(openWallet(huge, PASS, LOW)).rejects.toMatchObject({
      code: 'ERR_WALLET_CORRUPTED',
    });
    // Opening with a lower requested cost keeps the stored one; a higher one raises it.
    const raised = createMemoryStorage();
    await createWallet(raised, PASS, { ...LOW, kdfParams: { N: 2 ** 11, r: 8, p: 1 } });
    await openWallet(raised, PASS, LOW);
    expect(JSON.parse(fromUtf8(raised.bytes()!)).kdf.N).toBe(2 ** 11);
    await openWallet(raised, PASS, { ...LOW, kdfParams: { N: 2 ** 12, r: 8, p: 1 } });
    expect(JSON.parse(fromUtf8(raised.bytes()!)).kdf.N).toBe(2 ** 12);
  });

  it(
    'refuses a second process while the wallet is open',
    async () => {
      const dir = tempDir();
      const path = join(dir, 'wallet.json');
      const first = await openFileStorage(path);
      await expect(openFileStorage(path)).resolves.toBeDefined(); // same process: the lock is ours
      const child = spawn(
        process.execPath,
        [
          '--conditions=@sanad/source',
          '--import',
          'tsx',
          '-e',
          `import('@sanad/wallet/node').then(w => w.openFileStorage(${JSON.stringify(path)})).then(() => process.exit(0), (e) => { console.log(e.code); process.exit(1); })`,
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      const code = await new Promise((r) => child.once('exit', r));
      expect([code, out.trim()]).toEqual([1, 'ERR_WALLET_LOCKED']);
      await first.close!();
    },
    patient(30_000),
  );
});

/** A key derivation that must not run: a typo is refused before it. */
const refusingKdf = (): never => {
  throw new Error('the key derivation ran');
};

describe('backup and restore', () => {
  it('restores on a new device with a recovery secret, and the restored wallet can still present', async () => {
    const { wallet } = await walletWithCredential(2);
    const secret = generateRecoverySecret();
    expect(secret).toMatch(/^([A-Z2-9]{6}-){5}[A-Z2-9]{6}$/);
    const backup = await wallet.exportBackup(secret);
    await expect(
      restoreBackup(backup, 'wrong-secret-value', createMemoryStorage(), PASS, LOW),
    ).rejects.toMatchObject({ code: 'ERR_BACKUP_INVALID' });
    const tampered = utf8(
      fromUtf8(backup).replace(
        /"ciphertext":"(.)/,
        (_m, c: string) => `"ciphertext":"${c === 'A' ? 'B' : 'A'}`,
      ),
    );
    await expect(
      restoreBackup(tampered, secret, createMemoryStorage(), PASS, LOW),
    ).rejects.toMatchObject({ code: 'ERR_BACKUP_INVALID' });
    const existing = createMemoryStorage();
    await createWallet(existing, PASS, LOW);
    await expect(restoreBackup(backup, secret, existing, PASS, LOW)).rejects.toMatchObject({
      code: 'ERR_WALLET_EXISTS',
    });

    const restored = await restoreBackup(
      backup,
      secret,
      createMemoryStorage(),
      'a new device passphrase',
      LOW,
    );
    expect(restored.list()).toHaveLength(1);
    const nonceStore = createMemoryNonceStore();
    const req = await request('dc+sd-jwt', nonceStore);
    const response = await restored.present(
      restored.decide(restored.propose(req), { approve: true }),
    );
    expect((await verifier(nonceStore).verify(response, { request: req })).verified).toBe(true);
  });

  it('reads the recovery secret leniently: any case, spaces or no dashes, whitespace around (issue 14)', async () => {
    const { wallet } = await walletWithCredential(1);
    const secret = generateRecoverySecret();
    const backup = await wallet.exportBackup(secret);
    const typed = [
      secret.toLowerCase(),
      secret.replaceAll('-', ' '),
      secret.replaceAll('-', ''),
      `  ${secret.toLowerCase().replaceAll('-', ' ')}\n`,
    ];
    for (const t of typed)
      expect(
        (await restoreBackup(backup, t, createMemoryStorage(), PASS, LOW)).list(),
        t,
      ).toHaveLength(1);
    // A near miss is a typo in its group, however it is written, found before any key derivation.
    const wrong = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    for (const t of [wrong, wrong.toLowerCase(), wrong.replaceAll('-', ' ')]) {
      await expect(
        restoreBackup(backup, t, createMemoryStorage(), PASS, { ...LOW, kdf: refusingKdf }),
      ).rejects.toMatchObject({
        code: 'ERR_RECOVERY_SECRET_TYPO',
        message: 'The recovery secret has a typo in group 6.',
      });
    }
    // Another secret with valid checks is simply the wrong secret.
    await expect(
      restoreBackup(backup, generateRecoverySecret(), createMemoryStorage(), PASS, LOW),
    ).rejects.toMatchObject({ code: 'ERR_BACKUP_INVALID' });
  });

  it('restores backups made before check characters, with their 30-character secret read leniently (issue 15)', async () => {
    const { wallet } = await walletWithCredential(1);
    const legacy = 'K7QM2-XD9PA-3H4JK-LTNWQ-MR8SS-FGH2Z';
    const backup = await wallet.exportBackup(legacy);
    expect(
      (
        await restoreBackup(
          backup,
          ' k7qm2 xd9pa 3h4jk ltnwq mr8ss fgh2z ',
          createMemoryStorage(),
          PASS,
          LOW,
        )
      ).list(),
    ).toHaveLength(1);
    await expect(
      restoreBackup(
        backup,
        'K7QM2-XD9PA-3H4JK-LTNWQ-MR8SS-FGH2A',
        createMemoryStorage(),
        PASS,
        LOW,
      ),
    ).rejects.toMatchObject({ code: 'ERR_BACKUP_INVALID' });
  });

  it('still opens a passphrase backup whose passphrase looks like a recovery secret in lower case', async () => {
    const { wallet } = await walletWithCredential(1);
    const passphrase = generateRecoverySecret().toLowerCase();
    const restored = await restoreBackup(
      await wallet.exportBackup(passphrase),
      passphrase,
      createMemoryStorage(),
      PASS,
      LOW,
    );
    expect(restored.list()).toHaveLength(1);
  });

  it('restores with the wallet passphrase as the secret', async () => {
    const { wallet } = await walletWithCredential(1);
    const restored = await restoreBackup(
      await wallet.exportBackup(PASS),
      PASS,
      createMemoryStorage(),
      PASS,
      LOW,
    );
    expect(restored.list()[0]!.copies).toBe(1);
  });
});
