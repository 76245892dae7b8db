/**
 * Token buckets, one per client key, in a map of bounded size: when it is full the client seen
 * least recently is forgotten (it starts again with a full bucket, which is what it would have
 * after a pause anyway). Memory stays flat however many addresses a flood comes from.
 */

/** A client may send `burst` requests at once, then `perSecond` on average. */
export interface RateBudget {
  burst: number;
  perSecond: number;
}

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date (ms). */
  at: number;
}

export class TokenBuckets {
  readonly #buckets = new Map<string, Bucket>();

  constructor(
    readonly budget: RateBudget,
    readonly maxClients: number,
  ) {}

  /** How many clients are tracked (at most `maxClients`). */
  get size(): number {
    return this.#buckets.size;
  }

  /** Takes one token: 0 if there was one, else the whole seconds until there is. */
  take(key: string, nowMs: number): number {
    const bucket = this.#refilled(key, nowMs);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.budget.perSecond));
  }

  /** Gives back a token taken for a request that, after all, does not count. */
  giveBack(key: string): void {
    const bucket = this.#buckets.get(key);
    if (bucket) bucket.tokens = Math.min(this.budget.burst, bucket.tokens + 1);
  }

  #refilled(key: string, nowMs: number): Bucket {
    let bucket = this.#buckets.get(key);
    if (bucket) {
      // Re-inserted so that the map's order is least recently seen first.
      this.#buckets.delete(key);
      bucket.tokens = Math.min(
        this.budget.burst,
        bucket.tokens + (Math.max(0, nowMs - bucket.at) / 1000) * this.budget.perSecond,
      );
      bucket.at = nowMs;
    } else {
      bucket = { tokens: this.budget.burst, at: nowMs };
      if (this.#buckets.size >= this.maxClients)
        this.#buckets.delete(this.#buckets.keys().next().value!);
    }
    this.#buckets.set(key, bucket);
    return bucket;
  }
}
