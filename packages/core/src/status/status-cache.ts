/** Where fetched status lists are kept, with when they were fetched, for offline checks. */
export interface CachedStatusList {
  uri: string;
  /** The signed token exactly as published (statuslist+jwt or a VC-JWT). */
  token: string;
  /** Epoch milliseconds. */
  fetchedAt: number;
}

export interface StatusCache {
  get(uri: string): Promise<CachedStatusList | undefined>;
  put(entry: CachedStatusList): Promise<void>;
}

/**
 * @example
 * ```ts
 * createVerifier({ trustList, statusCache: createMemoryStatusCache() })
 * ```
 */
export function createMemoryStatusCache(): StatusCache {
  const entries = new Map<string, CachedStatusList>();
  return {
    async get(uri) {
      return entries.get(uri);
    },
    async put(entry) {
      entries.set(entry.uri, { ...entry });
    },
  };
}
