/**
 * Issue 14, item 8: the CLI wallet in the holder's language. Real `sanad wallet` runs in this
 * process on a real wallet file (scrypt at the policy floor), with a real terminal conversation
 * where a question is asked: every line the holder reads comes from the web wallet's messages.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryIssuerStore } from '@sanad/issuer';
import { createMemoryServiceStore } from '@sanad/server';
import { createMemoryNonceStore, createPresentationRequest } from '@sanad/verifier';
import { createWallet, MIN_KDF } from '@sanad/wallet';
import { nodeScrypt, openFileStorage } from '@sanad/wallet/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agency, amal, makeAgency, VCT } from './support/fixtures.js';
import { runSanad } from './support/sanad-cli.js';
import { operator, type Services, startServices } from './support/services.js';

const PASS = 'the holder passphrase';
const FSI = '\u2068';
const PDI = '\u2069';
const RLM = '\u200f';
const work = mkdtempSync(join(tmpdir(), 'sanad-cli-wallet-'));
const walletFile = join(work, 'wallet.json');
/** No locale from the test runner's environment unless a test sets one. */
const env = { SANAD_WALLET_PASSPHRASE: PASS, LC_ALL: '', LC_MESSAGES: '', LANG: '' };
let agency: Agency;
let requestFile: string;

async function newWalletFile(path: string, copies: number): Promise<void> {
  const wallet = await createWallet(await openFileStorage(path), PASS, {
    kdf: nodeScrypt,
    kdfParams: MIN_KDF,
  });
  if (copies > 0)
    await wallet.import(
      (
        await agency.issuer.issue({
          type: 'refugee-status',
          claims: amal,
          holders: await wallet.createHolderKeys(copies),
        })
      ).bundle,
    );
  await wallet.close();
}

const run = (args: string[], extra: Record<string, string> = {}, terminal?: string[]) =>
  runSanad([...args, '--wallet', walletFile], { ...env, ...extra }, terminal ? { terminal } : {});
const present = (lang: string, terminal?: string[], extra: string[] = []) =>
  run(
    [
      'wallet',
      'present',
      '--request',
      requestFile,
      '--out',
      join(work, `p-${lang}.json`),
      '--lang',
      lang,
      ...extra,
    ],
    {},
    terminal,
  );
const firstId = async (): Promise<string> =>
  JSON.parse((await run(['wallet', 'list', '--json'])).stdout).credentials[0].id;

beforeAll(async () => {
  agency = await makeAgency();
  await newWalletFile(walletFile, 10);
  const request = await createPresentationRequest({
    clientId: 'https://clinic.example',
    verifierName: 'Al Noor Clinic',
    purpose: {
      en: 'Confirm the patient is an adult',
      fr: 'Confirmer que le patient est majeur',
      ar: 'التأكد من أن المريض بالغ',
      es: 'Confirmar que el paciente es mayor de edad',
    },
    credentials: [{ id: 'q', format: 'dc+sd-jwt', types: [VCT], claims: [['age_over_18']] }],
    nonceStore: createMemoryNonceStore(),
  });
  requestFile = join(work, 'request.json');
  writeFileSync(requestFile, JSON.stringify(request));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('sanad wallet present in the holder language (issue 14: "Share this? [y/N]" and "Not shared:" stayed English)', () => {
  it('asks « Partager ces informations ? [o/N] » in French, after a French summary, and shares on « oui »', async () => {
    const r = await present('fr', ['oui']);
    expect(r.stderr).toContain('Partager ces informations ? [o/N]');
    expect(r.stdout).toContain('https://clinic.example demande à voir :');
    // No verifier registry given: the name the request gives itself is only what it calls itself.
    expect(r.stdout).toContain('Il se présente comme « Al Noor Clinic ».');
    expect(r.stdout).toContain('Pourquoi : Confirmer que le patient est majeur');
    expect(r.stdout).toContain('De votre attestation « Statut de réfugié » :');
    expect(r.stdout).toMatch(/ {4}- Plus de 18 ans\n/);
    expect(r.stdout).toMatch(/Non partagé : [^\n]*Prénom/);
    expect(r.stdout).toMatch(/Non partagé : [^\n]*, [^\n]* et [^\n]*\n/); // a French list, through Intl
    expect(r.stdout).toContain(`Présentation écrite dans ${join(work, 'p-fr.json')}.`);
    expect(r.stdout + r.stderr).not.toMatch(/Share this|Not shared|asks for|Purpose/);
    expect(r.code).toBe(0);
    expect(existsSync(join(work, 'p-fr.json'))).toBe(true);
  });

  it('asks in Arabic and shares on « نعم »: each line right to left, Latin names isolated, nothing garbled', async () => {
    const r = await present('ar', ['نعم']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('هل تريد مشاركة هذه المعلومات؟ [نعم/لا]');
    const lines = r.stdout.trimEnd().split('\n');
    for (const line of lines) expect(line.startsWith(RLM), JSON.stringify(line)).toBe(true);
    expect(lines[0]).toBe(`${RLM}${FSI}https://clinic.example${PDI} يطلب الاطلاع على:`);
    expect(r.stdout).toContain(`تسمّي نفسها «${FSI}Al Noor Clinic${PDI}».`);
    expect(r.stdout).toContain('السبب: \u2068التأكد من أن المريض بالغ\u2069');
    expect(r.stdout).toContain('لن تتم مشاركته:');
    // The Latin values are whole, in logical order, between their marks.
    expect(r.stdout).toContain(`${FSI}${join(work, 'p-ar.json')}${PDI}`);
  });

  it('takes « s » as yes in Spanish, and « n » or a bare Enter as no: nothing written, declined in Spanish', async () => {
    expect((await present('es', ['s'])).code).toBe(0);
    rmSync(join(work, 'p-es.json'));
    for (const answer of ['n', '']) {
      const r = await present('es', [answer]);
      expect(r.stderr).toContain('¿Compartir esta información? [s/N]');
      expect(r.stdout).toContain('No se compartirá:');
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('sanad: No se compartió nada. (ERR_CONSENT_DECLINED)');
      expect(existsSync(join(work, 'p-es.json'))).toBe(false);
    }
  });

  it('still accepts « y » in every language, and refuses without a terminal, in the holder language', async () => {
    expect((await present('fr', ['y'])).code).toBe(0);
    const r = await present('fr');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "sanad: Votre accord est nécessaire : lancez la commande dans un terminal pour qu'il vous soit demandé, ou ajoutez --yes après avoir lu le résumé. (ERR_CONSENT_REQUIRED)",
    );
  });

  it('shows a verifier name with terminal escapes and bidi overrides as plain text, so it cannot rewrite the summary  [CVE-2021-42574 (Trojan Source); ECMA-48 section 5.4 (control sequences)]', async () => {
    const hostile = await createPresentationRequest({
      clientId: 'https://clinic.example',
      verifierName: 'Al Noor Clinic\u001b[1A\u001b[2K\u202eevil\u2069\u0007',
      purpose: { en: 'Adult check\u001b[8m hidden' },
      credentials: [{ id: 'q', format: 'dc+sd-jwt', types: [VCT], claims: [['age_over_18']] }],
      nonceStore: createMemoryNonceStore(),
    });
    writeFileSync(join(work, 'hostile.json'), JSON.stringify(hostile));
    for (const lang of ['en', 'ar']) {
      const r = await run([
        'wallet',
        'present',
        '--request',
        join(work, 'hostile.json'),
        '--out',
        join(work, 'hostile-out.json'),
        '--lang',
        lang,
      ]);
      expect(r.code).toBe(2); // no terminal: not shared
      expect(r.stdout).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
      expect(r.stdout).toContain('Al Noor Clinic[1A[2Kevil');
      // In Arabic, our isolates only, each one closed.
      expect(r.stdout.split('\u2068').length).toBe(r.stdout.split('\u2069').length);
    }
  });

  it('keeps --json language-neutral: one JSON object on stdout, the neutral error message, the summary on stderr when a question is asked', async () => {
    const r = await present('ar', undefined, ['--json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({
      error: {
        code: 'ERR_CONSENT_REQUIRED',
        message:
          'Consent is needed: run in a terminal to be asked, or pass --yes after reading the summary.',
      },
    });
    expect(r.stderr).toContain('يطلب الاطلاع على');
    const fr = JSON.parse((await present('fr', undefined, ['--json', '--yes'])).stdout);
    const en = JSON.parse((await present('en', undefined, ['--json', '--yes'])).stdout);
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
    expect([fr.language, en.language, fr.shared, en.shared]).toEqual([
      'fr',
      'en',
      ['Plus de 18 ans'],
      ['Over 18'],
    ]);
  });
});

describe('sanad wallet list, show and history in the holder language', () => {
  it('takes the language from LC_ALL, LC_MESSAGES or LANG when --lang is absent; C or one we do not have gives English', async () => {
    const text = async (extra: Record<string, string>) =>
      (await run(['wallet', 'list'], extra)).stdout;
    expect(await text({ LANG: 'fr_FR.UTF-8' })).toContain('copies neuves sur');
    expect(await text({ LANG: 'fr_FR.UTF-8', LC_ALL: 'es_ES.UTF-8' })).toContain('copias nuevas');
    expect(await text({ LANG: 'ar_SY.UTF-8', LC_MESSAGES: 'fr_FR.UTF-8' })).toContain(
      'copies neuves sur',
    );
    expect(await text({ LANG: 'ar_SY.UTF-8' })).toContain('نسخ جديدة');
    expect(await text({ LANG: 'C.UTF-8' })).toContain('fresh copies left');
    expect(await text({ LANG: 'de_DE.UTF-8' })).toContain('fresh copies left');
    expect(await text({ LANG: 'fr_FR.UTF-8', LC_ALL: 'C' })).toContain('fresh copies left');
  });

  it('refuses a language it does not have as a usage error (ERR_LANGUAGE_UNSUPPORTED), in JSON too', async () => {
    const r = await run(['wallet', 'list', '--lang', 'de']);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toBe(
      'sanad: This language is not available. Choose one of: ar, en, es, fr. (ERR_LANGUAGE_UNSUPPORTED)\n',
    );
    const json = await run(['wallet', 'list', '--lang', 'xx', '--json']);
    expect(JSON.parse(json.stdout)).toEqual({
      error: {
        code: 'ERR_LANGUAGE_UNSUPPORTED',
        message: '--lang must be one of: ar, en, es, fr.',
      },
    });
    expect(
      (await run(['wallet', 'list', '--lang', 'de'], { LANG: 'fr_FR.UTF-8' })).stderr,
    ).toContain("Cette langue n'est pas disponible.");
  });

  it('writes dates through Intl for the language, booleans as its yes/no, and labels in it', async () => {
    const { credentials } = JSON.parse((await run(['wallet', 'list', '--json'])).stdout) as {
      credentials: Array<{ id: string; validUntil: string }>;
    };
    const until = credentials[0]!.validUntil;
    const fr = (await run(['wallet', 'list', '--lang', 'fr'])).stdout;
    expect(fr).toContain(`Statut de réfugié  `);
    expect(fr).toContain(
      `Valable jusqu'au ${new Intl.DateTimeFormat('fr', { dateStyle: 'long' }).format(new Date(until))}`,
    );
    expect(fr).not.toMatch(/until|copies unused/);
    const es = (await run(['wallet', 'show', credentials[0]!.id, '--lang', 'es'])).stdout;
    expect(es).toContain('Mayor de 18 años: Sí');
    expect(es).toContain('Nombre: Amal');
    expect(es).toContain(
      `Válida hasta el ${new Intl.DateTimeFormat('es', { dateStyle: 'long' }).format(new Date(until))}`,
    );
    expect(es).not.toContain('"Amal"');
    const { history } = JSON.parse((await run(['wallet', 'history', '--json'])).stdout) as {
      history: Array<{ at: string }>;
    };
    expect(history.length).toBeGreaterThan(0);
    const ar = (await run(['wallet', 'history', '--lang', 'ar'])).stdout;
    expect(ar).toContain(
      new Intl.DateTimeFormat('ar', { dateStyle: 'medium', timeStyle: 'short' }).format(
        new Date(history[0]!.at),
      ),
    );
    expect(ar).toContain('السبب:');
    expect(ar).toContain(`ما تمت مشاركته: ${FSI}فوق ١٨ سنة${PDI}`);
    expect(ar).not.toMatch(/[A-Z]{2}:\d{2}|T\d{2}:\d{2}/); // no ISO timestamps
  });
});

describe('sanad wallet delete asks first (issue 14: "wallet delete asks nothing")', () => {
  it('names what it deletes in the holder language; « non » keeps it, « oui » deletes it', async () => {
    const id = await firstId();
    const kept = await run(['wallet', 'delete', id, '--lang', 'fr'], {}, ['non']);
    expect(kept.stderr).toContain(
      `Supprimer « Statut de réfugié » (${id}) et toutes ses copies de ce portefeuille ? C'est définitif. [o/N]`,
    );
    expect([kept.code, kept.stdout]).toEqual([0, "Rien n'a été supprimé.\n"]);
    expect(await firstId()).toBe(id);
    const deleted = await run(['wallet', 'delete', id, '--lang', 'fr', '--json'], {}, ['oui']);
    expect([deleted.code, JSON.parse(deleted.stdout)]).toEqual([0, { deleted: id }]);
    expect(JSON.parse((await run(['wallet', 'list', '--json'])).stdout).credentials).toEqual([]);
  });

  it('refuses without a terminal and without --yes (ERR_CONFIRMATION_REQUIRED), deleting nothing; --yes deletes', async () => {
    await newWalletFile(join(work, 'second.json'), 1);
    const second = (args: string[]) =>
      runSanad([...args, '--wallet', join(work, 'second.json')], env);
    const id = JSON.parse((await second(['wallet', 'list', '--json'])).stdout).credentials[0]
      .id as string;
    const refused = await second(['wallet', 'delete', id, '--lang', 'ar']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('التأكيد مطلوب');
    expect(refused.stderr).toContain('(ERR_CONFIRMATION_REQUIRED)');
    expect(JSON.parse((await second(['wallet', 'delete', id, '--json'])).stdout)).toEqual({
      error: {
        code: 'ERR_CONFIRMATION_REQUIRED',
        message: 'Deleting cannot be undone: run in a terminal to be asked, or pass --yes.',
      },
    });
    expect(
      JSON.parse((await second(['wallet', 'list', '--json'])).stdout).credentials,
    ).toHaveLength(1);
    const yes = await second(['wallet', 'delete', id, '--yes']);
    expect([yes.code, yes.stdout]).toEqual([0, `Deleted “Refugee status” (${id}).\n`]);
    expect((await second(['wallet', 'delete', id, '--yes'])).stderr).toContain(
      'ERR_CREDENTIAL_NOT_FOUND',
    );
  });
});

describe('sanad wallet restore reads the recovery secret leniently (issue 14: "must be typed in exact upper case with dashes")', () => {
  it('restores with the secret in lower case with spaces, at the prompt or from SANAD_RECOVERY_SECRET, and never takes the wallet passphrase for it', async () => {
    const source = join(work, 'backed-up.json');
    await newWalletFile(source, 1);
    const backup = await runSanad(
      [
        'wallet',
        'backup',
        '--wallet',
        source,
        '--out',
        join(work, 'backup.json'),
        '--recovery',
        '--json',
      ],
      env,
    );
    const { recoverySecret } = JSON.parse(backup.stdout) as { recoverySecret: string };
    const typed = ` ${recoverySecret.toLowerCase().replaceAll('-', ' ')} `;
    const restore = (target: string, extra: Record<string, string>, terminal?: string[]) =>
      runSanad(
        [
          'wallet',
          'restore',
          join(work, 'backup.json'),
          '--recovery',
          '--wallet',
          join(work, target),
          '--json',
        ],
        { ...env, ...extra },
        terminal ? { terminal } : {},
      );
    // The passphrase is in the environment (as for every other command); the secret is asked for.
    const asked = await restore('r1.json', {}, [typed]);
    expect([asked.code, JSON.parse(asked.stdout)]).toEqual([
      0,
      { wallet: join(work, 'r1.json'), credentials: 1 },
    ]);
    const fromEnv = await restore('r2.json', {
      SANAD_RECOVERY_SECRET: recoverySecret.replaceAll('-', '').toLowerCase(),
    });
    expect(fromEnv.code).toBe(0);
    const wrong = await restore('r3.json', {
      SANAD_RECOVERY_SECRET: typed.replace(/[a-z2-9](?=\s*$)/, (c) => (c === 'a' ? 'b' : 'a')),
    });
    expect(JSON.parse(wrong.stdout).error.code).toBe('ERR_RECOVERY_SECRET_TYPO');
    expect(existsSync(join(work, 'r3.json'))).toBe(false);
  });
});

describe('sanad wallet guardians split, and restore with --share (issue 15: recovery that survives a lost phone)', () => {
  it("splits a new backup's secret into 3 shares, restores from any 2, and refuses 1 share, mixed splits and a typo by name", async () => {
    const source = join(work, 'guarded.json');
    await newWalletFile(source, 1);
    const split = (out: string, extra: string[] = []) =>
      runSanad(
        [
          'wallet',
          'guardians',
          'split',
          '--wallet',
          source,
          '--out',
          join(work, out),
          '--shares',
          '3',
          '--threshold',
          '2',
          ...extra,
        ],
        env,
      );
    const made = await split('guarded.backup', ['--json']);
    expect(made.code).toBe(0);
    const { shares, threshold } = JSON.parse(made.stdout) as {
      shares: string[];
      threshold: number;
    };
    expect([shares.length, threshold]).toEqual([3, 2]);
    const restore = (target: string, given: string[], lang = 'en') =>
      runSanad(
        [
          'wallet',
          'restore',
          join(work, 'guarded.backup'),
          ...given.flatMap((s) => ['--share', s]),
          '--wallet',
          join(work, target),
          '--lang',
          lang,
        ],
        env,
      );

    const restored = await restore('g1.json', [
      shares[2]!.toLowerCase().replaceAll('-', ' '),
      shares[0]!,
    ]);
    expect([restored.code, restored.stdout]).toEqual([
      0,
      `Restored into ${join(work, 'g1.json')}. Credentials: 1.\n`,
    ]);
    const one = await restore('g2.json', [shares[1]!]);
    expect([one.code, one.stderr]).toEqual([
      2,
      'sanad: Not enough shares yet: ask more guardians for theirs. (ERR_GUARDIAN_SHARES_TOO_FEW)\n',
    ]);
    const other = JSON.parse((await split('other.backup', ['--json'])).stdout) as {
      shares: string[];
    };
    expect((await restore('g3.json', [shares[0]!, other.shares[1]!], 'fr')).stderr).toBe(
      'sanad: Ces parts ne vont pas ensemble : utilisez des parts créées en même temps. (ERR_GUARDIAN_SHARES_MIXED)\n',
    );
    const typo = `${shares[1]!.slice(0, 3)}${shares[1]![3] === 'A' ? 'B' : 'A'}${shares[1]!.slice(4)}`;
    expect((await restore('g4.json', [shares[0]!, typo])).stderr).toBe(
      "sanad: A share has a typo or is not a guardian's share. (ERR_GUARDIAN_SHARE_INVALID)\n",
    );
    for (const f of ['g2.json', 'g3.json', 'g4.json'])
      expect(existsSync(join(work, f)), f).toBe(false);

    // People read the shares one per line; a threshold above the guardians writes nothing.
    const text = await split('text.backup');
    expect(text.stdout).toMatch(
      /^Backup written to .*text\.backup\. Give each guardian one share: any 2 of the 3 rebuild the recovery secret\.\nShare 1:\n {2}([A-Z2-9]{6}-){7}[A-Z2-9]{6}\nShare 2:\n/,
    );
    const refused = await runSanad(
      [
        'wallet',
        'guardians',
        'split',
        '--wallet',
        source,
        '--out',
        join(work, 'no.backup'),
        '--shares',
        '2',
        '--threshold',
        '3',
        '--json',
      ],
      env,
    );
    expect([
      refused.code,
      JSON.parse(refused.stdout).error.code,
      existsSync(join(work, 'no.backup')),
    ]).toEqual([2, 'ERR_INVALID_INPUT', false]);
  });
});

describe('sanad wallet receive and respond in the holder language, against real services', () => {
  let s: Services;
  const holder = join(work, 'holder.json');
  beforeAll(async () => {
    s = await startServices({
      issuer: createMemoryIssuerStore(),
      service: createMemoryServiceStore(),
      dump: async () => '',
    });
    await newWalletFile(holder, 0);
  });
  afterAll(() => s.close());
  const wallet = (args: string[], extra: Record<string, string> = {}, terminal?: string[]) =>
    runSanad(
      [...args, '--allow-http', '--wallet', holder],
      { ...env, ...extra },
      terminal ? { terminal } : {},
    );

  it('receives with a French confirmation, then answers a verifier in French: « o » sends, « non » declines', async () => {
    const { json: offer } = await operator(s.issuerUrl, 'POST', '/offers', {
      type: 'refugee-status',
      claims: amal,
    });
    const received = await wallet(['wallet', 'receive', String(offer.offer_link), '--lang', 'fr'], {
      SANAD_TX_CODE: String(offer.tx_code),
    });
    expect(received.code).toBe(0);
    expect(received.stdout).toMatch(
      /^Reçue : « Statut de réfugié », de .+, identifiant [0-9a-f]{8}\. Copies : 3\.\n$/,
    );
    const session = async () =>
      String(
        (await operator(s.verifierUrl, 'POST', '/sessions', { preset: 'over-18' })).json
          .authorization_request,
      );
    const sent = await wallet(['wallet', 'respond', await session(), '--lang', 'fr'], {}, ['o']);
    expect(sent.stderr).toContain('Partager ces informations ? [o/N]');
    expect(sent.stdout).toContain('demande à voir :');
    // Not registered (no registry given): the verifier is named by its identifier, not by the name it gives itself.
    expect(sent.stdout).toMatch(
      /Envoyé à decentralized_identifier:did:jwk:[^\s]+ : Plus de 18 ans\./,
    );
    expect(sent.code).toBe(0);
    const declined = await wallet(['wallet', 'respond', await session(), '--lang', 'fr'], {}, [
      'non',
    ]);
    expect([declined.code, declined.stdout.trimEnd().split('\n').at(-1)]).toEqual([
      0,
      "Rien n'a été partagé. Le vérificateur a été informé de votre refus.",
    ]);
  });
});
