/**
 * The one wallet of this browser, and the browser's defaults for it: IndexedDB storage, Argon2id
 * in a Web Worker (the same envelope and guarantees as the CLI wallet, which uses scrypt) and
 * the guarded network.
 */
import { signal } from '@preact/signals';
import { createGuardedHttpFetch } from '@sanad/core';
import type { Wallet, WalletOptions } from '@sanad/wallet';
import { createMemoryStorage, DEFAULT_ARGON2ID } from '@sanad/wallet/vault';
import { askToKeepStorage, checkStorageKept, forgetBackups } from './backup-state.js';
import { workerKdf } from './kdf.js';
import { type IndexedDbWalletStorage, openIndexedDbStorage } from './storage/indexeddb-storage.js';
import { eraseQuickUnlock } from './storage/quick-unlock.js';

/**
 * Plain http is only a secure context on loopback, so a wallet served over http is a local
 * sandbox: only then may it talk http to issuers and verifiers on this machine.
 */
export const localSandbox =
  location.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(location.hostname);

/** The protocol libraries, fetched once: early in the background (app.tsx), at the latest when the wallet opens. */
export const loadWalletLibrary = () => import('./wallet-library.js');

/** https only and no internal addresses (except in the local sandbox), no redirects, bounded size and time. */
export const protocolFetch = createGuardedHttpFetch({
  allowInsecure: localSandbox,
  timeoutMs: 15_000,
});

/** The unlocked wallet, or undefined while locked. */
export const wallet = signal<Wallet | undefined>(undefined);
/** Bumped after every change, so views re-read the wallet. */
export const revision = signal(0);
export const touched = (): void => {
  revision.value += 1;
};

/** Argon2id at phone cost, derived off the main thread; older scrypt wallets are moved to it on unlock. */
const walletOptions: WalletOptions = { kdf: workerKdf, kdfParams: DEFAULT_ARGON2ID };

let storage: Promise<IndexedDbWalletStorage> | undefined;
export const walletStorage = (): Promise<IndexedDbWalletStorage> =>
  (storage ??= openIndexedDbStorage());

export async function create(passphrase: string): Promise<void> {
  void askToKeepStorage();
  const { createWallet } = await loadWalletLibrary();
  wallet.value = await createWallet(await walletStorage(), passphrase, walletOptions);
}

export async function unlock(passphrase: string): Promise<void> {
  void checkStorageKept();
  const { openWallet } = await loadWalletLibrary();
  wallet.value = await openWallet(await walletStorage(), passphrase, walletOptions);
}

/** Opens the wallet with the session key a PIN or passkey kept (`storage/quick-unlock.ts`). */
export async function unlockWithKey(sessionKey: Uint8Array): Promise<void> {
  void checkStorageKept();
  const { openWalletWithKey } = await loadWalletLibrary();
  wallet.value = await openWalletWithKey(await walletStorage(), sessionKey, walletOptions);
}

/**
 * Restores a backup. When this browser still holds a wallet (its passphrase forgotten), the
 * backup is first restored in memory: the stored wallet is erased only once the backup has
 * opened, so a wrong secret or file leaves it as it was.
 */
export async function restore(
  backup: Uint8Array,
  secret: string,
  passphrase: string,
): Promise<void> {
  void askToKeepStorage();
  const { openWallet, restoreBackup } = await loadWalletLibrary();
  if (!(await (await walletStorage()).exists())) {
    wallet.value = await restoreBackup(
      backup,
      secret,
      await walletStorage(),
      passphrase,
      walletOptions,
    );
    return;
  }
  const staged = createMemoryStorage();
  await (await restoreBackup(backup, secret, staged, passphrase, walletOptions)).close();
  await eraseEverything();
  await (await walletStorage()).write(staged.bytes()!);
  wallet.value = await openWallet(await walletStorage(), passphrase, walletOptions);
}

/** Forgets the decrypted wallet; the passphrase is needed again. */
export async function lock(): Promise<void> {
  const open = wallet.value;
  // A fresh connection for whatever runs next; this one is closed with the wallet.
  storage = undefined;
  wallet.value = undefined;
  await open?.close();
}

/** Erases the wallet from this browser: credentials, keys, history. */
export async function eraseEverything(): Promise<void> {
  const store = await walletStorage();
  storage = undefined;
  // Deleting waits for every connection to close: nothing may open one until it is done.
  await store.destroy();
  await eraseQuickUnlock();
  forgetBackups();
  wallet.value = undefined;
}
