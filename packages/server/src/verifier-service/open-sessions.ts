/**
 * The bound on the sessions one verifier instance keeps open: each takes a store record and a
 * nonce until it settles or expires, so a flood of creations (a stolen desk token, a runaway
 * script) cannot grow the store without limit. Counted in process, from what this instance
 * created: a session settled by another instance on the same store is counted here until it
 * expires, which errs on the side of refusing.
 */
export class OpenSessions {
  readonly #expiry = new Map<string, number>();

  constructor(readonly max: number) {}

  /**
   * Counts session `id` as open until `expiresAt`, from now on (so parallel creations never
   * pass the cap together), and returns undefined; or, at the cap, counts nothing and returns
   * the seconds until the first open session expires.
   */
  admit(id: string, expiresAt: number, now: number): number | undefined {
    if (this.#expiry.size < this.max || this.#pruned(now) < this.max) {
      this.#expiry.set(id, expiresAt);
      return undefined;
    }
    let first = Number.POSITIVE_INFINITY;
    for (const at of this.#expiry.values()) first = Math.min(first, at);
    return Math.max(1, Math.ceil(first - now));
  }

  /** Forgets what expired at `now`; how many are left. */
  #pruned(now: number): number {
    for (const [id, expiresAt] of this.#expiry) if (expiresAt <= now) this.#expiry.delete(id);
    return this.#expiry.size;
  }

  remove(id: string): void {
    this.#expiry.delete(id);
  }

  /** Open at `now`. */
  size(now: number): number {
    let n = 0;
    for (const expiresAt of this.#expiry.values()) if (expiresAt > now) n += 1;
    return n;
  }
}
