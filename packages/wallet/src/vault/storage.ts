/** Where the encrypted wallet lives: a file (Node), IndexedDB (browser) or memory (tests). */
export interface WalletStorage {
  /** The stored bytes, or undefined when nothing is stored yet. */
  read(): Promise<Uint8Array | undefined>;
  /** Replaces the stored bytes atomically: after a crash, either the old or the new bytes. */
  write(bytes: Uint8Array): Promise<void>;
  /** Releases any lock held. */
  close?(): Promise<void>;
}

/**
 * @example
 * ```ts
 * const wallet = await createWallet(createMemoryStorage(), 'passphrase')
 * ```
 */
export function createMemoryStorage(initial?: Uint8Array): WalletStorage & { bytes(): Uint8Array | undefined } {
  let stored = initial;
  return {
    async read() {
      return stored && stored.slice();
    },
    async write(bytes) {
      stored = bytes.slice();
    },
    bytes: () => stored,
  };
}
