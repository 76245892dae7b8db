/**
 * Secrets never leak: sentinel values planted in salts, claim values, passphrases and private
 * keys must not appear in any error message, error cause, log line or CLI output (human or
 * JSON) on any failure path below.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { didKeyFromJwk, generateKeyPair, type JWK, jwkFromDidJwk, signerFromJwk, toBase64url, toSanadError } from '@sanad/core';
import { createVerifier } from '@sanad/verifier';
import { createWallet, MIN_KDF, openWallet, restoreBackup } from '@sanad/wallet';
import { nodeScrypt, openFileStorage } from '@sanad/wallet/node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { amal, type Agency, type Holder, makeAgency, makeHolder, trustFor } from '../support/fixtures.js';
import { runSanad } from '../support/sanad-cli.js';
import { AUDIENCE, issueWith, NONCE, split, withKb } from './presentation-corpus.js';

const CLAIM = 'SENTINEL-CLAIM-VALUE-7Q4X';
const SALT = 'U0VOVElORUxTQUxUU0VOVElORUw'; // base64url, so it is a well-formed salt
const PASSPHRASE = 'SENTINEL-PASSPHRASE-Z9K2';
const BACKUP_SECRET = 'SENTINEL-BACKUP-SECRET-H3M8';
const work = mkdtempSync(join(tmpdir(), 'sanad-secrets-'));
const seen: string[] = [];
let privateKeys: string[] = [];
let agency: Agency;
let holder: Holder;

/** Everything that reached the console during the test is scanned too. */
const consoleSpies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) => vi.spyOn(console, m).mockImplementation((...args: unknown[]) => void seen.push(args.map(String).join(' '))));

/** An error as anyone could see it: message, string form, report, and every cause down the chain. */
function exposed(err: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = err, depth = 0; e !== undefined && depth < 8; e = (e as { cause?: unknown }).cause, depth += 1) {
    parts.push(String(e), e instanceof Error ? `${e.message} ${e.stack ?? ''}` : JSON.stringify(e));
  }
  parts.push(JSON.stringify(toSanadError(err)), toSanadError(err).message);
  return parts.join('\n');
}

async function failure(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (err) {
    seen.push(exposed(err));
    return;
  }
  throw new Error('expected a failure');
}

beforeAll(async () => {
  agency = await makeAgency();
  holder = await makeHolder();
  privateKeys = [holder.privateJwk.d as string];
});
afterAll(() => {
  consoleSpies.forEach((s) => s.mockRestore());
  rmSync(work, { recursive: true, force: true });
});

describe('sentinels never leak', () => {
  it('verification failures (library and CLI, JSON and human output) show no claim value or salt', async () => {
    const { bundle } = await agency.issuer.issue({ type: 'refugee-status', claims: { ...amal, case_number: CLAIM }, holders: [holder] });
    const credential = bundle.credentials[0]!;
    const salted = toBase64url(JSON.stringify([SALT, 'note', CLAIM]));
    const valid = await issueWith({ credential, agency, holder }, [salted]);
    const { jwt, disclosures, kb } = split(valid);
    const tamperedValue = toBase64url(JSON.stringify([SALT, 'case_number', `${CLAIM}-changed`]));
    const failing = [
      await withKb(credential, holder.signer, { nonce: 'another-nonce-0123456789' }),
      await withKb(credential, holder.signer, { aud: 'https://elsewhere.example' }),
      `${jwt}~${disclosures.map((d) => `${d}~`).join('')}${kb.slice(0, -3)}abc`,
      `${jwt}~${[...disclosures, tamperedValue].map((d) => `${d}~`).join('')}${kb}`,
      `${jwt}~${toBase64url(JSON.stringify([SALT, CLAIM]))}~${kb}`,
      `${jwt}~${toBase64url(`["${SALT}","case_number","${CLAIM}","extra"]`)}~${kb}`,
      `${jwt}~${toBase64url(`{"${CLAIM}":"${SALT}"}`)}~${kb}`,
      `${jwt.slice(0, -4)}AAAA~${disclosures.map((d) => `${d}~`).join('')}${kb}`,
      await withKb(credential, (await makeHolder()).signer),
    ];
    // Control: the sentinels really flow through; an accepted presentation does show the claim.
    const accepted = await createVerifier({ trustList: trustFor({ did: agency.did }), offline: true, onStatusUnavailable: 'accept-with-warning' }).verify(valid, { nonce: NONCE, audience: AUDIENCE });
    expect(JSON.stringify(accepted.claims)).toContain(CLAIM);
    const untrusting = createVerifier({ trustList: trustFor({ did: 'did:web:someone-else.example' }), offline: true });
    const trusting = createVerifier({ trustList: trustFor({ did: agency.did }), offline: true });
    writeFileSync(join(work, 'trust.json'), JSON.stringify(trustFor({ did: agency.did }).document));
    for (const presentation of [...failing, valid]) {
      for (const verifier of [trusting, untrusting]) {
        const result = await verifier.verify(presentation, { nonce: NONCE, audience: AUDIENCE });
        expect(result.verified).toBe(false); // offline without a status list: every one fails
        seen.push(JSON.stringify(result));
      }
      writeFileSync(join(work, 'p.txt'), presentation);
      for (const json of [['--json'], []]) {
        const cli = await runSanad(['verify', '--presentation', join(work, 'p.txt'), '--trust', join(work, 'trust.json'), '--nonce', NONCE, '--audience', AUDIENCE, ...json]);
        expect(cli.code).toBe(1);
        seen.push(cli.stdout, cli.stderr);
      }
    }
  });

  it('wallet failures (wrong passphrase, tampered file, bad backup secret) show no passphrase or secret', async () => {
    const path = join(work, 'wallet', 'wallet.json');
    mkdirSync(join(work, 'wallet'));
    const storage = await openFileStorage(path);
    const wallet = await createWallet(storage, PASSPHRASE, { kdf: nodeScrypt, kdfParams: MIN_KDF });
    const backup = await wallet.exportBackup(BACKUP_SECRET);
    await wallet.close();
    await failure(async () => openWallet(await openFileStorage(path), `${PASSPHRASE}-wrong`, { kdf: nodeScrypt }));
    await failure(async () => restoreBackup(backup, `${BACKUP_SECRET}-wrong`, await openFileStorage(join(work, 'restored.json')), PASSPHRASE, { kdf: nodeScrypt }));
    await failure(async () => createWallet(await openFileStorage(join(work, 'short.json')), PASSPHRASE.slice(0, 5), { kdf: nodeScrypt }));
    writeFileSync(join(work, 'backup.json'), backup);
    for (const json of [['--json'], []]) {
      for (const [args, env] of [
        [['wallet', 'list', '--wallet', path], { SANAD_WALLET_PASSPHRASE: `${PASSPHRASE}-wrong` }],
        [['wallet', 'restore', join(work, 'backup.json'), '--wallet', join(work, 'r', 'w.json'), '--recovery'], { SANAD_WALLET_PASSPHRASE: PASSPHRASE, SANAD_RECOVERY_SECRET: `${BACKUP_SECRET}-wrong` }],
        [['wallet', 'init', '--wallet', join(work, 's', 'w.json')], { SANAD_WALLET_PASSPHRASE: PASSPHRASE.slice(0, 5) }],
      ] as Array<[string[], Record<string, string>]>) {
        const cli = await runSanad([...args, ...json], env);
        expect(cli.code).toBe(2);
        seen.push(cli.stdout, cli.stderr);
      }
    }
  });

  it('key failures (a damaged key file, a private key in a did:jwk or a DID document) show no private key', async () => {
    const { privateJwk } = await generateKeyPair('ES256');
    const damaged: JWK = { ...privateJwk, x: toBase64url(new Uint8Array(32).fill(1)) };
    privateKeys.push(privateJwk.d as string);
    await failure(() => signerFromJwk({ ...privateJwk, crv: 'P-999' } as JWK));
    await failure(async () => jwkFromDidJwk(`did:jwk:${toBase64url(JSON.stringify(privateJwk))}`));
    const dir = join(work, 'issuer');
    const init = await runSanad(['issuer', 'init', '--dir', dir, '--status-base-url', 'https://agency.example/status', '--json']);
    expect(init.code).toBe(0);
    writeFileSync(join(dir, 'issuer-key.jwk.json'), JSON.stringify(damaged));
    writeFileSync(join(dir, 'claims.json'), JSON.stringify(amal));
    for (const json of [['--json'], []]) {
      const cli = await runSanad(['issuer', 'issue', '--dir', dir, '--type', 'refugee-status', '--claims', join(dir, 'claims.json'), '--holder', didKeyFromJwk(holder.jwk), '--out', join(dir, 'bundle.json'), ...json]);
      expect(cli.code).not.toBe(0);
      seen.push(cli.stdout, cli.stderr);
    }
    const jwkIssuer = `did:jwk:${toBase64url(JSON.stringify(privateJwk))}`;
    const signer = await signerFromJwk(privateJwk);
    const { createIssuer, createMemoryIssuerStore, refugeeStatusType } = await import('@sanad/issuer');
    const issuer = await createIssuer({ store: createMemoryIssuerStore(), signer, issuerId: jwkIssuer, kid: `${jwkIssuer}#0`, statusBaseUrl: 'https://x.example/status', types: [refugeeStatusType] });
    const sd = (await issuer.issue({ type: 'refugee-status', claims: amal, holders: [holder] })).bundle.credentials[0]!;
    const result = await createVerifier({ trustList: trustFor({ did: jwkIssuer }), offline: true }).verify(await withKb(sd, holder.signer), { nonce: NONCE, audience: AUDIENCE });
    expect(result.errors.map((e) => e.code)).toContain('ERR_DID_INVALID');
    seen.push(JSON.stringify(result));
  });

  it('none of the sentinels appears anywhere that was shown', () => {
    const everything = seen.join('\n');
    expect(everything.length).toBeGreaterThan(10_000); // the scan covered real output
    for (const secret of [CLAIM, SALT, PASSPHRASE, BACKUP_SECRET, ...privateKeys]) {
      expect(everything.includes(secret), `leaked: ${secret.slice(0, 12)}…`).toBe(false);
    }
  });
});
