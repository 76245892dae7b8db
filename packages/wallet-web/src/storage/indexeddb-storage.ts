/**
 * The wallet's bytes in IndexedDB. The sealed wallet and its generation floor are written in one
 * readwrite transaction, which IndexedDB commits entirely or not at all: a tab closed or a phone
 * switched off mid-save leaves the previous wallet. The floor lives beside the wallet so an older
 * copy put back in its place is refused (`ERR_WALLET_ROLLED_BACK`), as with the wallet file.
 */
import { SanadError } from '@sanad/core';
import type { WalletStorage } from '@sanad/wallet';

const STORE = 'vault';
const WALLET_KEY = 'wallet';
const FLOOR_KEY = 'generation-floor';

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () =>
      reject(
        new SanadError(
          'ERR_STORAGE',
          `The browser storage failed: ${req.error?.message ?? 'unknown error'}.`,
          { cause: req.error },
        ),
      );
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    const fail = () =>
      reject(
        new SanadError(
          'ERR_STORAGE',
          `The browser storage failed: ${tx.error?.message ?? 'the write was aborted'}.`,
          { cause: tx.error },
        ),
      );
    tx.onerror = fail;
    tx.onabort = fail;
  });
}

function openDatabase(name: string): Promise<IDBDatabase> {
  const open = indexedDB.open(name, 1);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE);
  return request(open);
}

export interface IndexedDbWalletStorage extends WalletStorage {
  /** Whether a wallet is stored (without reading it). */
  exists(): Promise<boolean>;
  /** Erases the wallet, its floor and the database itself; this storage is unusable afterwards. */
  destroy(): Promise<void>;
}

/**
 * @example
 * ```ts
 * const storage = await openIndexedDbStorage()
 * const wallet = (await storage.exists()) ? await openWallet(storage, passphrase) : await createWallet(storage, passphrase)
 * ```
 */
export async function openIndexedDbStorage(name = 'sanad-wallet'): Promise<IndexedDbWalletStorage> {
  const db = await openDatabase(name);
  const get = async <T>(key: string): Promise<T | undefined> =>
    (await request(db.transaction(STORE, 'readonly').objectStore(STORE).get(key))) as T | undefined;
  return {
    async read() {
      const bytes = await get<Uint8Array>(WALLET_KEY);
      return bytes && new Uint8Array(bytes);
    },
    async write(bytes, generation) {
      const tx = db.transaction(STORE, 'readwrite', { durability: 'strict' });
      const store = tx.objectStore(STORE);
      store.put(bytes.slice(), WALLET_KEY);
      if (generation !== undefined) {
        // Read and raise the floor inside the same transaction (a callback, so it stays active).
        const floor = store.get(FLOOR_KEY);
        floor.onsuccess = () =>
          store.put(Math.max((floor.result as number | undefined) ?? 0, generation), FLOOR_KEY);
      }
      await done(tx);
    },
    generationFloor: () => get<number>(FLOOR_KEY),
    async exists() {
      return (
        (await request(db.transaction(STORE, 'readonly').objectStore(STORE).count(WALLET_KEY))) > 0
      );
    },
    async destroy() {
      db.close();
      await request(indexedDB.deleteDatabase(name));
    },
    async close() {
      db.close();
    },
  };
}
