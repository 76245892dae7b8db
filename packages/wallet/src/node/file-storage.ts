/**
 * Node-only: the wallet file. Every write goes to a temp file in the same folder, is fsynced,
 * renamed over the wallet and the folder fsynced — so a crash at any moment leaves either the
 * previous or the new wallet, never a mix. A lock file keeps two processes from writing.
 */
import { scrypt } from 'node:crypto';
import { mkdir, readdir, readFile, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { SanadError } from '@sanad/core';
import { replaceFile, tryLockFile } from '@sanad/core/node';
import { type Kdf, wasmArgon2id } from '../vault/envelope.js';
import type { WalletStorage } from '../vault/storage.js';

/**
 * Node's KDF: native scrypt (much faster than pure JS), with enough memory for the largest
 * allowed cost — what the CLI writes. Argon2id files (from the web wallet) open through WebAssembly.
 */
export const nodeScrypt: Kdf = (passphrase, salt, params) =>
  params.name === 'argon2id'
    ? wasmArgon2id(passphrase, salt, params)
    : new Promise((resolve, reject) => {
        const { N, r, p } = params;
        scrypt(
          passphrase.normalize('NFKC'),
          salt,
          64,
          { N, r, p, maxmem: 160 * N * r + 1024 * 1024 },
          (err, key) => (err ? reject(err) : resolve(new Uint8Array(key))),
        );
      });

async function acquireLock(lockPath: string): Promise<void> {
  let lock;
  try {
    lock = await tryLockFile(lockPath);
  } catch (cause) {
    throw new SanadError('ERR_STORAGE', 'The wallet lock cannot be created.', { cause });
  }
  if ('heldBy' in lock) throw new SanadError('ERR_WALLET_LOCKED');
}

/**
 * Opens the wallet file at `path` for this process (taking its lock).
 *
 * @example
 * ```ts
 * const wallet = await openWallet(await openFileStorage('phone/wallet.json'), passphrase)
 * ```
 */
export async function openFileStorage(path: string): Promise<WalletStorage> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const lockPath = join(dir, `.${basename(path)}.lock`);
  const floorPath = join(dir, `.${basename(path)}.generation`);
  await acquireLock(lockPath);
  await removeInterruptedWrites(dir, basename(path));
  return {
    async read() {
      try {
        return new Uint8Array(await readFile(path));
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw new SanadError('ERR_STORAGE', 'The wallet file cannot be read.', { cause: err });
      }
    },
    async write(bytes, generation) {
      await replaceWalletFile(path, bytes);
      // Written after the wallet is durable, so the floor never runs ahead of the file. It is a
      // tripwire for a copy restored by a sync tool or a careless hand, not proof against an
      // attacker who can roll back both files (see docs/threat-model.md).
      if (generation !== undefined)
        await replaceWalletFile(floorPath, new TextEncoder().encode(String(generation)));
    },
    async generationFloor() {
      const text = await readFile(floorPath, 'utf8').catch(() => undefined);
      const n = Number(text);
      return text !== undefined && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
    },
    async close() {
      await unlink(lockPath).catch(() => undefined);
    },
  };
}

/** Temp files left by a write that was killed before its rename: never read, so removed under the lock. */
async function removeInterruptedWrites(dir: string, name: string): Promise<void> {
  const leftover = new RegExp(
    `^\\.\\.?${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\.generation)?\\.[0-9a-f]{12}\\.tmp$`,
  );
  for (const file of await readdir(dir)) {
    if (leftover.test(file)) await unlink(join(dir, file)).catch(() => undefined);
  }
}

/** The wallet's files are replaced whole (see replaceFile), never edited in place. */
async function replaceWalletFile(path: string, bytes: Uint8Array): Promise<void> {
  try {
    await replaceFile(path, bytes, 0o600);
  } catch (cause) {
    throw new SanadError('ERR_STORAGE', 'The wallet file cannot be written.', { cause });
  }
}
