/**
 * The wallet's network for the protocol libraries. Those libraries replace a failed fetch with
 * their own error and drop the cause, so this remembers the Sanad error (say, an internal address
 * refused) to report it instead of a vague "fetch failed".
 */
import { createGuardedHttpFetch, SanadError, sanadCauseOf } from '@sanad/core';

export interface ProtocolFetch {
  fetch: typeof globalThis.fetch;
  /** The precise error for a failure of the library call that used this fetch. */
  explain(err: unknown): SanadError | undefined;
}

/** Default: https only, public addresses only, no redirects (see `createGuardedHttpFetch`). */
export function protocolFetch(base: typeof globalThis.fetch = createGuardedHttpFetch()): ProtocolFetch {
  let refused: SanadError | undefined;
  return {
    fetch: (input, init) =>
      base(input, init).catch((err: unknown) => {
        if (err instanceof SanadError) refused = err;
        throw err;
      }),
    explain: (err) => sanadCauseOf(err) ?? refused,
  };
}
