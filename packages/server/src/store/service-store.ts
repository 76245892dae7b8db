/**
 * Short-lived protocol state shared by every instance of the services: credential offers,
 * access tokens, c_nonces, verifier sessions and their nonces. One small interface of typed
 * records with compare-and-set and take-once, so "used once" holds across instances and
 * any database can implement it. Records expire; expired records are invisible and purged.
 */

/** What a record is: one namespace per kind, so ids never collide across kinds. */
export type RecordKind =
  | 'offer'
  | 'access_token'
  | 'c_nonce'
  | 'dpop_nonce'
  | 'attestation_pop'
  | 'session'
  | 'vp_nonce'
  | 'tx_code_client'
  | 'service_key';

export interface StoredRecord<T> {
  value: T;
  /** Bumped on every replace; the compare-and-set token. */
  version: number;
  /** Seconds since the epoch. */
  expiresAt: number;
}

export interface ServiceStore {
  /** Inserts a record; false when one with that id already exists and has not expired at `now`. */
  put<T>(kind: RecordKind, id: string, value: T, expiresAt: number, now: number): Promise<boolean>;
  /** The record, unless missing or expired at `now`. */
  get<T>(kind: RecordKind, id: string, now: number): Promise<StoredRecord<T> | undefined>;
  /** Replaces the record only if it is still at `version`; false when someone else changed it first. */
  replace<T>(
    kind: RecordKind,
    id: string,
    version: number,
    value: T,
    expiresAt: number,
  ): Promise<boolean>;
  /**
   * Counts one attempt against a live record in one atomic step, unless `max` are counted
   * already: the attempt's number (1 to `max`), or undefined when the attempts are used up or
   * the record is missing or expired. Parallel callers never share a number, so at most `max`
   * attempts are ever allowed, whatever the number of instances.
   */
  countAttempt(kind: RecordKind, id: string, max: number, now: number): Promise<number | undefined>;
  /** Reads and deletes in one step: of two concurrent takes, exactly one gets the record. */
  take<T>(kind: RecordKind, id: string, now: number): Promise<T | undefined>;
  delete(kind: RecordKind, id: string): Promise<void>;
  /** How many records of `kind` are live at `now` (store-size caps). */
  count(kind: RecordKind, now: number): Promise<number>;
  /** Deletes what expired before `now`; returns how many records went. */
  purgeExpired(now: number): Promise<number>;
  close(): Promise<void>;
}

/**
 * The in-memory store: one process, nothing kept across restarts (tests, kiosks).
 *
 * @example
 * ```ts
 * const store = createMemoryServiceStore()
 * ```
 */
export function createMemoryServiceStore(): ServiceStore {
  const records = new Map<
    string,
    { value: string; version: number; expiresAt: number; attempts: number }
  >();
  const key = (kind: RecordKind, id: string): string => `${kind}\u0000${id}`;
  const live = (k: string, now: number) => {
    const r = records.get(k);
    return r && r.expiresAt > now ? r : undefined;
  };
  return {
    async put(kind, id, value, expiresAt, now) {
      const k = key(kind, id);
      if (live(k, now)) return false;
      records.set(k, { value: JSON.stringify(value), version: 1, expiresAt, attempts: 0 });
      return true;
    },
    async get(kind, id, now) {
      const r = live(key(kind, id), now);
      return r && { value: JSON.parse(r.value), version: r.version, expiresAt: r.expiresAt };
    },
    async replace(kind, id, version, value, expiresAt) {
      const r = records.get(key(kind, id));
      if (!r || r.version !== version) return false;
      records.set(key(kind, id), {
        ...r,
        value: JSON.stringify(value),
        version: version + 1,
        expiresAt,
      });
      return true;
    },
    async countAttempt(kind, id, max, now) {
      const r = live(key(kind, id), now);
      if (!r || r.attempts >= max) return undefined;
      r.attempts += 1;
      return r.attempts;
    },
    async take(kind, id, now) {
      const k = key(kind, id);
      const r = live(k, now);
      records.delete(k);
      return r && JSON.parse(r.value);
    },
    async delete(kind, id) {
      records.delete(key(kind, id));
    },
    async count(kind, now) {
      let n = 0;
      for (const [k, r] of records) if (r.expiresAt > now && k.startsWith(`${kind}\u0000`)) n += 1;
      return n;
    },
    async purgeExpired(now) {
      let n = 0;
      for (const [k, r] of records) if (r.expiresAt <= now && records.delete(k)) n += 1;
      return n;
    },
    async close() {
      records.clear();
    },
  };
}
