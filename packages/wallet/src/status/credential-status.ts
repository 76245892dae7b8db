/**
 * What the holder can know about their own credentials: whether the issuer revoked or suspended
 * them (from the issuer's signed status lists, checked with the verifier's code) and whether
 * they expire soon.
 *
 * Privacy: a status list is fetched whole, once per distinct list URI for all credentials and
 * copies, with nothing else sent, so the issuer learns only that this list was fetched — not
 * which entry, credential or holder was looked at.
 */
import {
  type Clock,
  type CredentialStatusValue,
  createGuardedHttpFetch,
  type DidResolverOptions,
  didIssuerKey,
  type ErrorReport,
  formatOf,
  type GuardedFetch,
  type GuardedResponse,
  type IssuerKeyResolver,
  StatusChecker,
  type StatusCheckResult,
  toSanadError,
} from '@sanad/core';
import type { CredentialCopy, StoredCredential } from '../document.js';

/** The last status the wallet established for a credential, kept in the wallet document. */
export interface CredentialStatusRecord {
  value: CredentialStatusValue;
  /** ISO time of the last check that reached the issuer's list and accepted it. */
  checkedAt: string;
}

/** Within this many days of its end a credential "expires soon". */
export const EXPIRES_SOON_DAYS = 30;

export type ExpiryState = 'expired' | 'expires-soon';

/** `expired`, `expires-soon` (within {@link EXPIRES_SOON_DAYS}) or undefined when not close. */
export function expiryOf(validUntil: string | undefined, now: number): ExpiryState | undefined {
  const end = validUntil === undefined ? Number.NaN : Date.parse(validUntil);
  if (Number.isNaN(end)) return undefined;
  if (end <= now) return 'expired';
  return end - now <= EXPIRES_SOON_DAYS * 86_400_000 ? 'expires-soon' : undefined;
}

/** What one refresh found for one credential. */
export interface StatusRefreshResult {
  credentialId: string;
  /** The status now recorded: the new one, or the last known one when the check failed. */
  status?: CredentialStatusRecord;
  /** Why the status could not be checked this time (offline, a list that fails its checks). */
  error?: ErrorReport;
}

export interface StatusRefreshOptions {
  /** Default: https only, no internal addresses, no redirects, bounded size (`createGuardedHttpFetch`). */
  fetch?: typeof globalThis.fetch;
}

/** A GET through the standard `fetch` signature, each URI fetched at most once. */
function fetchOncePerUri(base: typeof globalThis.fetch): GuardedFetch {
  const fetched = new Map<string, Promise<GuardedResponse>>();
  return (url) => {
    let response = fetched.get(url);
    if (!response) {
      // No cookies; and past any HTTP cache, so "check now" sees a revocation made a minute ago.
      response = base(url, { credentials: 'omit', cache: 'no-cache' }).then(
        async (r) => ({
          status: r.status,
          headers: r.headers,
          body: new Uint8Array(await r.arrayBuffer()),
          url,
        }),
        // A browser offline rejects with a bare TypeError: that is an outage like any other.
        (err: unknown) => Promise.reject(toSanadError(err, 'ERR_FETCH_FAILED')),
      );
      fetched.set(url, response);
    }
    return response;
  };
}

/** A copy's status, from the status list its format points to. */
function checkCopy(
  checker: StatusChecker,
  format: StoredCredential['format'],
  issuer: string,
  copy: CredentialCopy,
  keyFor: IssuerKeyResolver,
): Promise<StatusCheckResult> | undefined {
  const status = formatOf(format).statusOf(copy.raw);
  return status ? checker.check(status, issuer, keyFor) : undefined;
}

/** Revoked over suspended over unknown over valid: the worst of the copies is the card's. */
const SEVERITY: Record<CredentialStatusValue, number> = {
  valid: 0,
  unknown: 1,
  suspended: 2,
  revoked: 3,
};

/**
 * Checks every credential that has a status reference. A credential whose lists could not be
 * fetched or were refused keeps its last known status (`error` says why); the others get a new
 * record. Credentials are changed in place; returns what was found for each one checked.
 */
export async function refreshCredentialStatuses(
  credentials: StoredCredential[],
  clock: Clock,
  options: StatusRefreshOptions & { did?: DidResolverOptions } = {},
): Promise<StatusRefreshResult[]> {
  const checker = new StatusChecker({
    fetch: fetchOncePerUri(options.fetch ?? createGuardedHttpFetch()),
    clock,
  });
  const keyFor = (issuer: string, kid: string | undefined) =>
    didIssuerKey(issuer, kid, options.did);
  const results: StatusRefreshResult[] = [];
  for (const credential of credentials) {
    const checks = credential.copies.map((copy) => {
      try {
        return checkCopy(checker, credential.format, credential.issuer, copy, keyFor);
      } catch (err) {
        // A status reference that does not parse: this copy's status cannot be known.
        return Promise.resolve<StatusCheckResult>({
          status: 'unknown',
          errors: [toSanadError(err, 'ERR_STATUS_LIST_INVALID').toReport()],
          warnings: [],
        });
      }
    });
    if (checks.every((c) => c === undefined)) continue;
    const found = await Promise.all(checks.filter((c) => c !== undefined));
    const failed = found.find((r) => r.status === 'unknown');
    const worst = found.reduce((a, b) => (SEVERITY[b.status] > SEVERITY[a.status] ? b : a));
    // Revoked or suspended is known even if another copy's list failed; otherwise keep the last known.
    if (failed && worst.status === 'unknown') {
      results.push({
        credentialId: credential.id,
        ...(credential.status ? { status: credential.status } : {}),
        error: failed.errors[0]!,
      });
      continue;
    }
    credential.status = { value: worst.status, checkedAt: new Date(clock.now()).toISOString() };
    results.push({ credentialId: credential.id, status: credential.status });
  }
  return results;
}
