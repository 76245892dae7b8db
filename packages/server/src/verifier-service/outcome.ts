/**
 * One plain word for a session's result, for a receptionist's screen: the verifier's detailed
 * errors stay in the result; the desk shows this, so no page re-derives a verdict.
 */
import type { SanadErrorCode } from '@sanad/core';
import type { SessionResult } from './protocol.js';

/** `refused` is never a result's: the session was closed after too many answers that did not verify. */
export type SessionOutcome =
  | 'pending'
  | 'valid'
  | 'invalid'
  | 'revoked'
  | 'untrusted'
  | 'expired'
  | 'refused';

const UNTRUSTED: ReadonlySet<SanadErrorCode> = new Set([
  'ERR_ISSUER_UNTRUSTED',
  'ERR_ISSUER_NOT_AUTHORIZED',
  'ERR_X509_UNTRUSTED',
]);

/**
 * The outcome of a session. A rejection can have several reasons; the first that applies wins,
 * from the most definite down: the issuer withdrew the credential (revoked or suspended), the issuer is not trusted for it, it has expired; anything else is
 * `invalid`.
 *
 * @example
 * ```ts
 * outcomeOf(undefined) // 'pending'
 * outcomeOf({ ...result, verified: false, status: 'revoked' }) // 'revoked'
 * ```
 */
export function outcomeOf(result: SessionResult | undefined): SessionOutcome {
  if (!result) return 'pending';
  if (result.verified) return 'valid';
  const codes = new Set(result.errors.map((e) => e.code));
  if (result.status === 'revoked' || result.status === 'suspended') return 'revoked';
  if ([...codes].some((c) => UNTRUSTED.has(c))) return 'untrusted';
  if (codes.has('ERR_CREDENTIAL_EXPIRED')) return 'expired';
  return 'invalid';
}
