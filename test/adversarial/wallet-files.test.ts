/**
 * Hostile wallet and backup files against the wallet library and the `sanad wallet` commands:
 * each is refused with its typed error, quickly, and the file on disk is left as it was.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SanadErrorCode } from '@sanad/core';
import {
  createWallet,
  MIN_KDF,
  openWallet,
  restoreBackup,
  type WalletOptions,
} from '@sanad/wallet';
import { nodeScrypt, openFileStorage } from '@sanad/wallet/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSanad } from '../support/sanad-cli.js';
import { cpuMillisOf, patient } from '../support/patience.js';

const PASS = 'the right passphrase';
// The CLI opens files with the default policy, whose floor is MIN_KDF: the corpus files use it.
const OPTIONS: WalletOptions = { kdf: nodeScrypt, kdfParams: MIN_KDF };
const work = mkdtempSync(join(tmpdir(), 'sanad-wallet-corpus-'));

interface Files {
  /** The wallet as last saved. */
  current: Buffer;
  /** The same wallet some saves earlier. */
  earlier: Buffer;
  /** An encrypted backup of it, under PASS. */
  backup: Buffer;
}

interface WalletCase {
  id: string;
  source: string;
  expected: SanadErrorCode;
  /** Bytes to put where the wallet file is, and the passphrase to try. */
  wallet?: (f: Files) => { bytes: Buffer | string; passphrase?: string; floor?: number };
  /** Or a backup to restore into a new (or, with `over`, an existing) wallet file. */
  backup?: (f: Files) => { bytes: Buffer | string; secret?: string; over?: boolean };
}

type Envelope = Record<string, unknown> & {
  kdf: Record<string, unknown>;
  cipher: Record<string, unknown>;
  ciphertext: string;
  check: string;
  generation: number;
};
const edit = (bytes: Buffer, change: (e: Envelope) => void): string => {
  const e = JSON.parse(bytes.toString('utf8')) as Envelope;
  change(e);
  return JSON.stringify(e);
};
const flipChar = (s: string, at: number): string =>
  s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);

const cases: WalletCase[] = [
  {
    id: 'wallet/wrong-passphrase',
    source: 'docs/threat-model.md (stolen phone): the passphrase gates the file',
    expected: 'ERR_WALLET_WRONG_PASSPHRASE',
    wallet: (f) => ({ bytes: f.current, passphrase: 'not the passphrase' }),
  },
  {
    id: 'wallet/truncated-file',
    source: 'Crash or copy cut short: the envelope is not complete JSON',
    expected: 'ERR_WALLET_CORRUPTED',
    wallet: (f) => ({ bytes: f.current.subarray(0, Math.floor(f.current.length / 2)) }),
  },
  {
    id: 'wallet/truncated-ciphertext',
    source: 'RFC 8439 section 2.8 (the Poly1305 tag covers every byte)',
    expected: 'ERR_WALLET_CORRUPTED',
    wallet: (f) => ({
      bytes: edit(f.current, (e) => {
        e.ciphertext = e.ciphertext.slice(0, -8);
      }),
    }),
  },
  {
    id: 'wallet/flipped-ciphertext-byte',
    source: 'RFC 8439 section 2.8 (AEAD integrity)',
    expected: 'ERR_WALLET_CORRUPTED',
    wallet: (f) => ({
      bytes: edit(f.current, (e) => {
        e.ciphertext = flipChar(e.ciphertext, 40);
      }),
    }),
  },
  {
    id: 'wallet/nonce-edited',
    source: 'draft-irtf-cfrg-xchacha section 2 (the nonce is an input of the tag)',
    expected: 'ERR_WALLET_CORRUPTED',
    wallet: (f) => ({
      bytes: edit(f.current, (e) => {
        e.cipher.nonce = flipChar(e.cipher.nonce as string, 3);
      }),
    }),
  },
  {
    id: 'wallet/generation-edited',
    source:
      'Header bound as AEAD associated data (RFC 5116 section 2.1): a newer save number cannot be claimed',
    expected: 'ERR_WALLET_CORRUPTED',
    wallet: (f) => ({
      bytes: edit(f.current, (e) => {
        e.generation += 10;
      }),
    }),
  },
  {
    id: 'wallet/replayed-earlier-file',
    source:
      'Rollback (an earlier copy put back): the save number is below the one already written here',
    expected: 'ERR_WALLET_ROLLED_BACK',
    wallet: (f) => ({ bytes: f.earlier, floor: JSON.parse(f.current.toString('utf8')).generation }),
  },
  {
    id: 'wallet/backup-swapped-in-as-wallet',
    source: 'Format bound as associated data: a backup envelope is not a wallet',
    expected: 'ERR_WALLET_CORRUPTED',
    wallet: (f) => ({ bytes: f.backup }),
  },
  {
    id: 'wallet/format-label-swapped',
    source:
      'RFC 5116 section 2.1 (associated data): relabelling a backup as a wallet breaks the tag',
    expected: 'ERR_WALLET_CORRUPTED',
    wallet: (f) => ({
      bytes: edit(f.backup, (e) => {
        e.format = 'sanad-wallet';
      }),
    }),
  },
  {
    id: 'wallet/kdf-downgraded',
    source: 'OWASP password storage (scrypt floor N=2^15): a file asking for less is an attack',
    expected: 'ERR_WALLET_KDF_TOO_WEAK',
    wallet: (f) => ({
      bytes: edit(f.current, (e) => {
        e.kdf.N = 2 ** 10;
      }),
    }),
  },
  {
    id: 'wallet/kdf-r-downgraded',
    source: 'RFC 7914 section 2 (r is a cost parameter too)',
    expected: 'ERR_WALLET_KDF_TOO_WEAK',
    wallet: (f) => ({
      bytes: edit(f.current, (e) => {
        e.kdf.r = 1;
      }),
    }),
  },
  {
    id: 'wallet/kdf-absurdly-raised',
    source: 'CWE-400: N=2^30 would need 128 GiB and hang the phone; refused unread',
    expected: 'ERR_WALLET_CORRUPTED',
    wallet: (f) => ({
      bytes: edit(f.current, (e) => {
        e.kdf.N = 2 ** 30;
      }),
    }),
  },
  {
    id: 'wallet/kdf-p-absurd',
    source: 'RFC 7914 section 2 (p bounded): a ceiling on every parameter',
    expected: 'ERR_WALLET_CORRUPTED',
    wallet: (f) => ({
      bytes: edit(f.current, (e) => {
        e.kdf.p = 1000;
      }),
    }),
  },
  {
    id: 'wallet/kdf-n-not-power-of-two',
    source: 'RFC 7914 section 2 (N must be a power of 2)',
    expected: 'ERR_WALLET_CORRUPTED',
    wallet: (f) => ({
      bytes: edit(f.current, (e) => {
        e.kdf.N = 2 ** 15 + 1;
      }),
    }),
  },
  {
    id: 'wallet/argon2id-downgraded',
    source:
      'RFC 9106 section 4 and OWASP (Argon2id floor 8 MiB, 2 passes): a file asking for 1 MiB is refused before deriving',
    expected: 'ERR_WALLET_KDF_TOO_WEAK',
    wallet: (f) => ({
      bytes: edit(f.current, (e) => {
        e.kdf = { name: 'argon2id', m: 1024, t: 2, p: 1, salt: e.kdf.salt };
      }),
    }),
  },
  {
    id: 'wallet/argon2id-absurd-memory',
    source: 'CWE-400: Argon2id with 1 TiB of memory would hang the phone; refused unread',
    expected: 'ERR_WALLET_CORRUPTED',
    wallet: (f) => ({
      bytes: edit(f.current, (e) => {
        e.kdf = { name: 'argon2id', m: 2 ** 30, t: 2, p: 1, salt: e.kdf.salt };
      }),
    }),
  },
  {
    id: 'wallet/argon2id-in-version-1',
    source: 'Version 1 envelopes knew scrypt only: an Argon2id header claiming version 1 is damage',
    expected: 'ERR_WALLET_CORRUPTED',
    wallet: (f) => ({
      bytes: edit(f.current, (e) => {
        e.version = 1;
        e.kdf = { name: 'argon2id', m: 19456, t: 2, p: 1, salt: e.kdf.salt };
      }),
    }),
  },
  {
    id: 'wallet/kdf-unknown',
    source:
      'RFC 9106 section 3.1 (Argon2d is not side-channel resistant): only scrypt and Argon2id are accepted',
    expected: 'ERR_WALLET_CORRUPTED',
    wallet: (f) => ({
      bytes: edit(f.current, (e) => {
        e.kdf = { name: 'argon2d', m: 19456, t: 2, p: 1, salt: e.kdf.salt };
      }),
    }),
  },
  {
    id: 'wallet/salt-edited',
    source:
      'The salt feeds the KDF: a changed salt reads as a wrong passphrase (no oracle on which)',
    expected: 'ERR_WALLET_WRONG_PASSPHRASE',
    wallet: (f) => ({
      bytes: edit(f.current, (e) => {
        e.kdf.salt = flipChar(e.kdf.salt as string, 2);
      }),
    }),
  },
  {
    id: 'wallet/salt-not-base64url',
    source:
      'RFC 4648 section 5 (no padding in base64url): a "=" in the salt is refused as damage, typed (found by the wallet-file property)',
    expected: 'ERR_WALLET_CORRUPTED',
    wallet: (f) => ({
      bytes: edit(f.current, (e) => {
        e.kdf.salt = `=${(e.kdf.salt as string).slice(1)}`;
      }),
    }),
  },
  {
    id: 'wallet/cipher-changed',
    source: 'Algorithm agility is not offered to the file (RFC 8725 section 3.1 in spirit)',
    expected: 'ERR_WALLET_CORRUPTED',
    wallet: (f) => ({
      bytes: edit(f.current, (e) => {
        e.cipher.name = 'none';
      }),
    }),
  },
  {
    id: 'wallet/empty-file',
    source: 'Crash before the first byte (impossible with rename, possible with a careless copy)',
    expected: 'ERR_WALLET_CORRUPTED',
    wallet: () => ({ bytes: '' }),
  },
  {
    id: 'wallet/not-json',
    source: 'A file of another kind at the wallet path',
    expected: 'ERR_WALLET_CORRUPTED',
    wallet: () => ({ bytes: 'PK\u0003\u0004 not a wallet' }),
  },
  {
    id: 'wallet/deeply-nested-json',
    source: 'CWE-674: a 100,000-deep file is refused without a stack overflow',
    expected: 'ERR_WALLET_CORRUPTED',
    wallet: () => ({ bytes: `${'['.repeat(100_000)}${']'.repeat(100_000)}` }),
  },
  {
    id: 'backup/tampered',
    source: 'RFC 8439 section 2.8 on the backup envelope',
    expected: 'ERR_BACKUP_INVALID',
    backup: (f) => ({
      bytes: edit(f.backup, (e) => {
        e.ciphertext = flipChar(e.ciphertext, 12);
      }),
    }),
  },
  {
    id: 'backup/wrong-secret',
    source: 'The backup secret gates the file',
    expected: 'ERR_BACKUP_INVALID',
    backup: (f) => ({ bytes: f.backup, secret: 'not the backup secret' }),
  },
  {
    id: 'backup/truncated',
    source: 'A backup cut short in transfer',
    expected: 'ERR_BACKUP_INVALID',
    backup: (f) => ({ bytes: f.backup.subarray(0, 100) }),
  },
  {
    id: 'backup/wallet-file-given-as-backup',
    source: 'Format bound as associated data: a wallet file is not a backup',
    expected: 'ERR_BACKUP_INVALID',
    backup: (f) => ({ bytes: f.current }),
  },
  {
    id: 'backup/kdf-downgraded',
    source: 'The KDF floor applies to backups too',
    expected: 'ERR_WALLET_KDF_TOO_WEAK',
    backup: (f) => ({
      bytes: edit(f.backup, (e) => {
        e.kdf.N = 2 ** 8;
      }),
    }),
  },
  {
    id: 'backup/restore-over-existing-wallet',
    source: 'Nothing is ever lost: a restore never overwrites a wallet',
    expected: 'ERR_WALLET_EXISTS',
    backup: (f) => ({ bytes: f.backup, over: true }),
  },
];

let files: Files;

beforeAll(async () => {
  const path = join(work, 'source.json');
  const storage = await openFileStorage(path);
  const wallet = await createWallet(storage, PASS, OPTIONS);
  await wallet.createHolderKeys(1);
  const earlier = readFileSync(path);
  await wallet.createHolderKeys(1);
  files = {
    current: readFileSync(path),
    earlier,
    backup: Buffer.from(await wallet.exportBackup(PASS)),
  };
  await wallet.close();
}, patient(60_000));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Puts `bytes` at a fresh wallet path (with a generation floor beside it when given). */
function place(name: string, bytes: Buffer | string, floor?: number): string {
  const path = join(work, name, 'wallet.json');
  rmSync(join(work, name), { recursive: true, force: true });
  mkdirSync(join(work, name));
  writeFileSync(path, bytes);
  if (floor !== undefined)
    writeFileSync(join(work, name, '.wallet.json.generation'), String(floor));
  return path;
}

describe('adversarial wallet files', () => {
  it('the corpus starts from a wallet that opens, in the library and the CLI', async () => {
    const path = place('control', files.current);
    const wallet = await openWallet(await openFileStorage(path), PASS, OPTIONS);
    await wallet.close();
    expect(
      (
        await runSanad(['wallet', 'list', '--wallet', path, '--json'], {
          SANAD_WALLET_PASSPHRASE: PASS,
        })
      ).code,
    ).toBe(0);
  });

  for (const c of cases) {
    it(
      `${c.id} -> ${c.expected}  [${c.source}]`,
      async () => {
        const id = c.id.replace('/', '-');
        if (c.wallet) {
          const { bytes, passphrase = PASS, floor } = c.wallet(files);
          for (const runner of ['library', 'cli'] as const) {
            const path = place(`${id}-${runner}`, bytes, floor);
            const before = readFileSync(path);
            if (runner === 'library') {
              const storage = await openFileStorage(path);
              const work = await cpuMillisOf(() =>
                expect(openWallet(storage, passphrase, OPTIONS)).rejects.toMatchObject({
                  code: c.expected,
                }),
              );
              expect(work).toBeLessThan(5000);
              await storage.close!();
            } else {
              const cli = await runSanad(['wallet', 'list', '--wallet', path, '--json'], {
                SANAD_WALLET_PASSPHRASE: passphrase,
              });
              expect(cli.code).toBe(2);
              expect(JSON.parse(cli.stdout).error.code).toBe(c.expected);
            }
            expect(readFileSync(path)).toEqual(before); // nothing written over the evidence
          }
        } else {
          const { bytes, secret = PASS, over = false } = c.backup!(files);
          for (const runner of ['library', 'cli'] as const) {
            const dir = join(work, `${id}-${runner}`);
            rmSync(dir, { recursive: true, force: true });
            const target = over
              ? place(`${id}-${runner}`, files.current)
              : join(dir, 'wallet.json');
            const backupFile = join(work, `${id}-${runner}.backup`);
            writeFileSync(backupFile, bytes);
            const existing = over ? readFileSync(target) : undefined;
            if (runner === 'library') {
              const storage = await openFileStorage(target);
              await expect(
                restoreBackup(Buffer.from(bytes), secret, storage, PASS, OPTIONS),
              ).rejects.toMatchObject({ code: c.expected });
              await storage.close!();
            } else {
              const cli = await runSanad(
                ['wallet', 'restore', backupFile, '--wallet', target, '--json'],
                { SANAD_WALLET_PASSPHRASE: secret },
              );
              expect(cli.code).toBe(2);
              expect(JSON.parse(cli.stdout).error.code).toBe(c.expected);
            }
            if (existing) expect(readFileSync(target)).toEqual(existing);
            else expect(() => readFileSync(target)).toThrow(); // no wallet left behind by a failed restore
          }
        }
      },
      patient(30_000),
    );
  }
});
