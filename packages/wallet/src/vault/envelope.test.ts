import { readFileSync } from 'node:fs';
import { fromUtf8, utf8 } from '@sanad/core';
import { describe, expect, it } from 'vitest';
import { nodeScrypt } from '../node/file-storage.js';
import { createMemoryStorage } from './storage.js';
import { createWallet, openWallet, openWalletWithKey, restoreBackup } from '../wallet.js';
import {
  browserKdf,
  DEFAULT_ARGON2ID,
  MIN_ARGON2ID,
  MIN_KDF,
  newSessionKey,
  openEnvelope,
  parseEnvelope,
  sealEnvelope,
} from './envelope.js';

const PASS = 'a long enough passphrase';
/** Written by the version 1 code (Sanad before Argon2id), scrypt N = 2^15, each holding an empty wallet. */
const V1 = {
  wallet: readFileSync(new URL('fixtures/wallet-v1.json', import.meta.url)),
  passphrase: 'sanad version 1 wallet',
  backup: readFileSync(new URL('fixtures/backup-v1.json', import.meta.url)),
  backupSecret: 'sanad version 1 backup',
};
const sealVersion1 = async () => new Uint8Array(V1.wallet);
/** The envelope's JSON members a test edits. */
type Envelope = {
  generation: number;
  version: number;
  ciphertext: string;
  kdf: Record<string, unknown> & { name: string };
  [member: string]: unknown;
};
const header = (bytes: Uint8Array): Envelope => JSON.parse(fromUtf8(bytes));
const edit = (bytes: Uint8Array, change: (e: Envelope) => void): Uint8Array => {
  const envelope = header(bytes);
  change(envelope);
  return utf8(JSON.stringify(envelope));
};

describe('wallet envelope', () => {
  it('seals version 2 with Argon2id, and Node and the browser KDF derive the same key from it', async () => {
    const key = await newSessionKey(browserKdf, PASS, 'sanad-wallet', DEFAULT_ARGON2ID);
    const sealed = sealEnvelope(key, utf8('secret'), 3);
    expect(header(sealed)).toMatchObject({
      version: 2,
      generation: 3,
      kdf: { name: 'argon2id', m: 19 * 1024, t: 2, p: 1 },
    });
    for (const kdf of [browserKdf, nodeScrypt])
      expect(fromUtf8((await openEnvelope(sealed, PASS, 'sanad-wallet', kdf)).plaintext)).toBe(
        'secret',
      );
  });

  it('opens a version 1 (scrypt) wallet and re-seals it as version 2: with the same key in Node, with Argon2id where asked, the passphrase needed only at open', async () => {
    const storage = createMemoryStorage(await sealVersion1());
    const node = await openWallet(storage, V1.passphrase, { kdf: nodeScrypt });
    expect(header(storage.bytes()!).version).toBe(1);
    await node.clearHistory();
    expect(header(storage.bytes()!)).toMatchObject({
      version: 2,
      kdf: { name: 'scrypt', N: 2 ** 15 },
    });

    const browser = createMemoryStorage(await sealVersion1());
    const opened = await openWallet(browser, V1.passphrase, { kdfParams: DEFAULT_ARGON2ID });
    expect(header(browser.bytes()!)).toMatchObject({
      version: 2,
      generation: 2,
      kdf: { name: 'argon2id' },
    });
    await opened.clearHistory();
    expect(header(browser.bytes()!).generation).toBe(3);
    await expect(openWallet(browser, V1.passphrase, { kdf: nodeScrypt })).resolves.toBeDefined();
    // Scrypt asked for again does not undo the switch silently: the file says which KDF it has.
    expect(header(browser.bytes()!).kdf.name).toBe('argon2id');
  });

  it('restores a version 1 backup', async () => {
    const storage = createMemoryStorage();
    await restoreBackup(new Uint8Array(V1.backup), V1.backupSecret, storage, PASS, {
      kdfParams: DEFAULT_ARGON2ID,
    });
    expect(header(storage.bytes()!)).toMatchObject({ version: 2, kdf: { name: 'argon2id' } });
  });

  it('tells a wrong passphrase from tampering, in both versions', async () => {
    for (const [bytes, passphrase] of [
      [await sealVersion1(), V1.passphrase],
      [
        sealEnvelope(
          await newSessionKey(browserKdf, PASS, 'sanad-wallet', DEFAULT_ARGON2ID),
          utf8('{}'),
          1,
        ),
        PASS,
      ],
    ] as const) {
      await expect(
        openEnvelope(bytes, `${passphrase}!`, 'sanad-wallet', nodeScrypt),
      ).rejects.toMatchObject({ code: 'ERR_WALLET_WRONG_PASSPHRASE' });
      // Every header field is bound to the ciphertext.
      for (const change of [
        (e: Envelope) => (e.generation += 1),
        (e: Envelope) => (e.version = 3 - e.version),
        (e: Envelope) => (e.ciphertext = `A${e.ciphertext.slice(1)}`),
      ]) {
        const tampered = edit(bytes, change);
        const error = await openEnvelope(tampered, passphrase, 'sanad-wallet', nodeScrypt).catch(
          (e: unknown) => e,
        );
        expect(error).toMatchObject({ code: 'ERR_WALLET_CORRUPTED' });
      }
    }
  });

  it('refuses weak and absurd KDF parameters before deriving anything', async () => {
    const bytes = sealEnvelope(
      await newSessionKey(browserKdf, PASS, 'sanad-wallet', DEFAULT_ARGON2ID),
      utf8('{}'),
      1,
    );
    const withKdf = (kdf: object) => edit(bytes, (e) => (e.kdf = { ...e.kdf, ...kdf }));
    expect(() => parseEnvelope(withKdf({ m: MIN_ARGON2ID.m - 1 }), 'sanad-wallet')).toThrow(
      expect.objectContaining({ code: 'ERR_WALLET_KDF_TOO_WEAK' }),
    );
    expect(() => parseEnvelope(withKdf({ t: 1 }), 'sanad-wallet')).toThrow(
      expect.objectContaining({ code: 'ERR_WALLET_KDF_TOO_WEAK' }),
    );
    for (const absurd of [
      { m: 2 ** 30 },
      { t: 1000 },
      { p: 64 },
      { m: 1.5 },
      { m: -1 },
      { name: 'argon2d' },
      { p: 2000 },
    ]) {
      expect(() => parseEnvelope(withKdf(absurd), 'sanad-wallet'), JSON.stringify(absurd)).toThrow(
        expect.objectContaining({ code: 'ERR_WALLET_CORRUPTED' }),
      );
    }
    // Version 1 knew scrypt only.
    expect(() =>
      parseEnvelope(
        edit(bytes, (e) => (e.version = 1)),
        'sanad-wallet',
      ),
    ).toThrow(expect.objectContaining({ code: 'ERR_WALLET_CORRUPTED' }));
    await expect(
      createWallet(createMemoryStorage(), PASS, { kdfParams: { ...DEFAULT_ARGON2ID, m: 1024 } }),
    ).rejects.toMatchObject({ code: 'ERR_WALLET_KDF_TOO_WEAK' });
    const scrypt = await sealVersion1();
    expect(() =>
      parseEnvelope(
        edit(scrypt, (e) => (e.kdf.N = MIN_KDF.N / 2)),
        'sanad-wallet',
      ),
    ).toThrow(expect.objectContaining({ code: 'ERR_WALLET_KDF_TOO_WEAK' }));
  });

  it('opens with a kept session key (quick unlock) until the passphrase changes the key', async () => {
    const storage = createMemoryStorage();
    const wallet = await createWallet(storage, PASS, { kdfParams: DEFAULT_ARGON2ID });
    const kept = wallet.exportSessionKey();
    await wallet.clearHistory();
    const reopened = await openWalletWithKey(storage, kept);
    await reopened.clearHistory();
    expect(header(storage.bytes()!).generation).toBe(3);
    await expect(
      openWalletWithKey(storage, utf8('{"format":"sanad-wallet"}')),
    ).rejects.toMatchObject({ code: 'ERR_WALLET_CORRUPTED' });
    // A new key for the same wallet (as after a passphrase change): the old one no longer fits.
    const other = createMemoryStorage();
    await createWallet(other, PASS, { kdfParams: DEFAULT_ARGON2ID });
    await expect(openWalletWithKey(other, kept)).rejects.toMatchObject({
      code: 'ERR_WALLET_WRONG_PASSPHRASE',
    });
  });
});
