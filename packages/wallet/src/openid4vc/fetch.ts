/**
 * The wallet's network for the protocol libraries. Those libraries replace a failed fetch with
 * their own error and drop the cause, so this remembers the Sanad error (say, an internal address
 * refused) to report it instead of a vague "fetch failed".
 */
import {
  createGuardedHttpFetch,
  isPlainObject,
  SanadError,
  sanadCauseOf,
  type SanadErrorCode,
} from '@sanad/core';

export interface ProtocolFetch {
  fetch: typeof globalThis.fetch;
  /** The precise error for a failure of the library call that used this fetch. */
  explain(err: unknown): SanadError | undefined;
}

/**
 * Default: https only, public addresses only, no redirects (see `createGuardedHttpFetch`).
 * `answers` are the Sanad codes (`sanad_code` in an error response) the other side may name
 * here; the library's error then becomes that code, e.g. a request already answered.
 */
export function protocolFetch(
  base: typeof globalThis.fetch = createGuardedHttpFetch(),
  answers: readonly SanadErrorCode[] = [],
): ProtocolFetch {
  let refused: SanadError | undefined;
  return {
    fetch: async (input, init) => {
      const response = await base(input, init).catch((err: unknown) => {
        if (err instanceof SanadError) refused = err;
        throw err;
      });
      if (!response.ok && answers.length > 0) {
        const body: unknown = await response
          .clone()
          .json()
          .catch(() => undefined);
        const code = isPlainObject(body) ? body.sanad_code : undefined;
        if (answers.includes(code as SanadErrorCode))
          refused = new SanadError(code as SanadErrorCode);
      }
      return response;
    },
    explain: (err) => sanadCauseOf(err) ?? refused,
  };
}
