/** Where the encrypted wallet lives: a file (Node), IndexedDB (browser) or memory (tests). */
export interface WalletStorage {
  /** The stored bytes, or undefined when nothing is stored yet. */
  read(): Promise<Uint8Array | undefined>;
  /**
   * Replaces the stored bytes atomically: after a crash, either the old or the new bytes.
   * `generation` is the save number sealed in them; storage that can, remembers the highest.
   */
  write(bytes: Uint8Array, generation?: number): Promise<void>;
  /**
   * The highest generation this storage has written, kept apart from the wallet bytes. A wallet
   * older than this has been replaced by an earlier copy (a rollback) and is refused.
   */
  generationFloor?(): Promise<number | undefined>;
  /** Releases any lock held. */
  close?(): Promise<void>;
}

/**
 * @example
 * ```ts
 * const wallet = await createWallet(createMemoryStorage(), 'passphrase')
 * ```
 */
export function createMemoryStorage(
  initial?: Uint8Array,
): WalletStorage & { bytes(): Uint8Array | undefined } {
  let stored = initial;
  let floor: number | undefined;
  return {
    async read() {
      return stored?.slice();
    },
    async write(bytes, generation) {
      stored = bytes.slice();
      if (generation !== undefined) floor = Math.max(floor ?? 0, generation);
    },
    async generationFloor() {
      return floor;
    },
    bytes: () => stored,
  };
}
