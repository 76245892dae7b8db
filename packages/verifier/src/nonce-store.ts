/**
 * Replay protection: a nonce is issued with a request and consumed by exactly one presentation.
 * Keyed on the nonce value, never on signature bytes (an ECDSA signature has malleable twins).
 */
export interface NonceStore {
  /** Records a nonce the verifier handed out, valid until `expiresAt` (epoch seconds). */
  issue(nonce: string, expiresAt: number): Promise<void>;
  /** True exactly once for an issued, unexpired nonce; false for unknown, expired or reused ones. */
  consume(nonce: string, now: number): Promise<boolean>;
  /**
   * Whether `consume` would succeed now, without consuming: the verifier asks when it reaches no
   * verdict (the status could not be established) so that a retry that is bound to fail is
   * refused at once. Optional; without it such a presentation is reported only as retryable.
   */
  peek?(nonce: string, now: number): Promise<boolean>;
}

/**
 * An in-memory nonce store (one process). Expired entries are swept as new ones arrive.
 *
 * @example
 * ```ts
 * const verifier = createVerifier({ trustList, nonceStore: createMemoryNonceStore() })
 * ```
 */
export function createMemoryNonceStore(): NonceStore {
  const nonces = new Map<string, number>();
  return {
    async issue(nonce, expiresAt) {
      const now = Date.now() / 1000;
      for (const [n, exp] of nonces) if (exp < now) nonces.delete(n);
      nonces.set(nonce, expiresAt);
    },
    async consume(nonce, now) {
      const exp = nonces.get(nonce);
      nonces.delete(nonce);
      return exp !== undefined && exp >= now;
    },
    async peek(nonce, now) {
      const exp = nonces.get(nonce);
      return exp !== undefined && exp >= now;
    },
  };
}
