/**
 * Establishing a credential's status: fetch (or read from the cache) the issuer's signed
 * status list, check it, decode it once and keep the decoded list in memory — so a status
 * check is O(1) after the first. Fails closed: no list, no "valid".
 */
import type { Clock } from '../clock.js';
import type { StatusReference } from '../formats/format.js';
import { verifyStatusListDataIntegrity } from '../formats/ldp-vc/index.js';
import { fromUtf8 } from '../encoding.js';
import { type ErrorReport, errorReport, isSanadError, SanadError } from '../errors.js';
import { type DecodedJwt, decodeJwt, numericDate, verifyDecodedJwt } from '../jwt.js';
import type { JWK } from '../keys.js';
import type { GuardedFetch } from '../net/guarded-fetch.js';
import type { CredentialStatusValue, VerificationResult } from '../types.js';
import {
  type BitstringStatusListEntry,
  decodeBitstringStatusList,
} from './bitstring-status-list.js';
import {
  parseStatusListJwt,
  type StatusListReference,
  type StatusListView,
  TOKEN_STATUS,
} from './token-status-list.js';
import type { StatusCache } from './status-cache.js';

/** Resolves the issuer key for a token signed by `issuer` with header `kid`. */
/** The key that signs for `issuer`: by `kid`, or from an `x5c` chain (see {@link VerifyInput.issuerKey}). */
export type IssuerKeyResolver = (
  issuer: string,
  kid: string | undefined,
  x5c?: unknown,
) => Promise<JWK>;

export interface StatusCheckResult {
  status: CredentialStatusValue;
  errors: ErrorReport[];
  warnings: ErrorReport[];
  source?: NonNullable<VerificationResult['statusSource']>;
}

export interface StatusCheckerOptions {
  fetch: GuardedFetch;
  cache?: StatusCache;
  /** Use only the cache; report how old the list is. */
  offline?: boolean;
  /** Refuse lists issued longer ago than this. */
  maxAgeSeconds?: number;
  /** How long an online list is reused from memory when it has no `ttl` (default 300 s). */
  defaultTtlSeconds?: number;
  /**
   * The longest an online list is reused from memory, whatever its `ttl` allows (0: fetched on
   * every check). For a verifier that must see a revocation sooner than the issuer's `ttl`.
   */
  maxReuseSeconds?: number;
  clock: Clock;
}

interface LoadedList {
  /** The signed token the view was decoded from. */
  token: string;
  view: StatusListView;
  /** Epoch seconds. */
  iat?: number;
  exp?: number;
  ttl?: number;
  fetchedAt: number;
  source: 'network' | 'cache';
  /** `iat` as an ISO date, made once per list rather than on every check. */
  issuedAtIso?: string;
}

export class StatusChecker {
  readonly #options: StatusCheckerOptions;
  readonly #memory = new Map<string, LoadedList>();

  constructor(options: StatusCheckerOptions) {
    this.#options = options;
  }

  async #verifyToken(
    token: string,
    uri: string,
    issuer: string,
    keyFor: IssuerKeyResolver,
    kind: 'token' | 'bitstring',
  ): Promise<Omit<LoadedList, 'token' | 'fetchedAt' | 'source'>> {
    let jwt: DecodedJwt;
    let view: StatusListView;
    let iat: number | undefined;
    let exp: number | undefined;
    let ttl: number | undefined;
    if (kind === 'bitstring' && token.startsWith('{')) {
      // Secured with Data Integrity (a BBS issuer signs no JWT): the proof names its key.
      const list = await verifyStatusListDataIntegrity(token, uri, issuer);
      view = decodeBitstringStatusList(list.encodedList);
      return {
        view,
        ...(list.validFrom !== undefined
          ? { iat: list.validFrom, issuedAtIso: new Date(list.validFrom * 1000).toISOString() }
          : {}),
        ...(list.validUntil !== undefined ? { exp: list.validUntil } : {}),
        ...(list.ttlSeconds !== undefined ? { ttl: list.ttlSeconds } : {}),
      };
    }
    if (kind === 'token') {
      const parsed = parseStatusListJwt(token);
      if (parsed.uri !== uri)
        throw new SanadError(
          'ERR_STATUS_LIST_INVALID',
          'The status list is published under another URI.',
        );
      ({ jwt, view, iat, exp, ttl } = parsed);
    } else {
      jwt = decodeJwt(token);
      const vc = jwt.payload.vc as
        | { type?: unknown; credentialSubject?: { encodedList?: unknown; statusPurpose?: unknown } }
        | undefined;
      if (!Array.isArray(vc?.type) || !vc.type.includes('BitstringStatusListCredential'))
        throw new SanadError(
          'ERR_STATUS_LIST_INVALID',
          'The token is not a BitstringStatusListCredential.',
        );
      view = decodeBitstringStatusList(vc.credentialSubject?.encodedList);
      iat = numericDate(jwt.payload.nbf);
      exp = numericDate(jwt.payload.exp);
    }
    if (jwt.payload.iss !== undefined && jwt.payload.iss !== issuer)
      throw new SanadError(
        'ERR_STATUS_LIST_INVALID',
        'The status list is signed by another issuer.',
      );
    const kid = typeof jwt.header.kid === 'string' ? jwt.header.kid : undefined;
    await verifyDecodedJwt(
      jwt,
      await keyFor(issuer, kid, jwt.header.x5c),
      'ERR_STATUS_LIST_INVALID',
    );
    return {
      view,
      ...(iat !== undefined ? { iat, issuedAtIso: new Date(iat * 1000).toISOString() } : {}),
      ...(exp !== undefined ? { exp } : {}),
      ...(ttl !== undefined ? { ttl } : {}),
    };
  }

  async #load(
    uri: string,
    issuer: string,
    keyFor: IssuerKeyResolver,
    kind: 'token' | 'bitstring',
  ): Promise<LoadedList> {
    const key = `${issuer} ${uri}`;
    const now = this.#options.clock.now();
    const memo = this.#memory.get(key);
    let token: string;
    let fetchedAt = now;
    let source: LoadedList['source'] = 'network';
    if (this.#options.offline) {
      // The cache may have been refreshed (a sync, a USB stick) since the last check.
      const cached = await this.#options.cache?.get(uri);
      if (!cached)
        throw new SanadError(
          'ERR_STATUS_UNAVAILABLE',
          'Offline, and no cached status list for this credential.',
        );
      if (memo && memo.token === cached.token) return memo;
      ({ token, fetchedAt } = cached);
      source = 'cache';
    } else {
      const reuseSeconds = Math.min(
        memo?.ttl ?? this.#options.defaultTtlSeconds ?? 300,
        this.#options.maxReuseSeconds ?? Number.POSITIVE_INFINITY,
      );
      if (memo && now - memo.fetchedAt < reuseSeconds * 1000) return memo;
      try {
        const response = await this.#options.fetch(uri);
        if (response.status !== 200)
          throw new SanadError(
            'ERR_STATUS_UNAVAILABLE',
            `The status list server answered ${response.status}.`,
          );
        token = fromUtf8(response.body).trim();
      } catch (err) {
        // Intermittent networks: an unreachable server falls back to the last list cached, whose
        // age is then reported (and refused past maxAgeSeconds). A list that arrives but fails
        // its checks is never replaced by the cache: that is an error to see, not an outage.
        const cached = await this.#options.cache?.get(uri);
        if (!cached) throw err;
        if (memo && memo.token === cached.token) return { ...memo, source: 'cache' };
        ({ token, fetchedAt } = cached);
        source = 'cache';
      }
    }
    const loaded: LoadedList = {
      ...(await this.#verifyToken(token, uri, issuer, keyFor, kind)),
      token,
      fetchedAt,
      source,
    };
    if (source === 'network') await this.#options.cache?.put({ uri, token, fetchedAt });
    this.#memory.set(key, loaded);
    return loaded;
  }

  #freshness(
    list: LoadedList,
    uri: string,
  ): {
    errors: ErrorReport[];
    warnings: ErrorReport[];
    source: NonNullable<StatusCheckResult['source']>;
  } {
    const nowSeconds = this.#options.clock.now() / 1000;
    const errors: ErrorReport[] = [];
    const warnings: ErrorReport[] = [];
    const issuedAt = list.iat ?? list.fetchedAt / 1000;
    const ageSeconds = Math.max(0, Math.round(nowSeconds - issuedAt));
    if (list.exp !== undefined && list.exp < nowSeconds)
      errors.push(errorReport('ERR_STATUS_LIST_EXPIRED'));
    if (this.#options.maxAgeSeconds !== undefined && ageSeconds > this.#options.maxAgeSeconds) {
      errors.push(
        errorReport(
          'ERR_STATUS_LIST_EXPIRED',
          `The status list is ${ageSeconds} s old; at most ${this.#options.maxAgeSeconds} s is allowed.`,
        ),
      );
    }
    const source = {
      source: list.source,
      uri,
      ageSeconds,
      ...(list.issuedAtIso !== undefined ? { listIssuedAt: list.issuedAtIso } : {}),
    };
    if (list.source === 'cache')
      warnings.push(
        errorReport(
          'WARN_STATUS_FROM_CACHE',
          `The status was taken from a cached status list issued ${ageSeconds} s ago.`,
        ),
      );
    return { errors, warnings, source };
  }

  #unavailable(err: unknown): StatusCheckResult {
    if (!isSanadError(err)) throw err;
    // Network and storage failures all mean the same to a verifier: the status is unknown.
    const unavailable = err.category !== 'verification' || err.code.startsWith('ERR_FETCH_');
    const message =
      unavailable && err.code !== 'ERR_STATUS_UNAVAILABLE'
        ? `The status list could not be obtained: ${err.message}`
        : err.message;
    return {
      status: 'unknown',
      errors: [
        errorReport(
          unavailable ? 'ERR_STATUS_UNAVAILABLE' : (err.code as 'ERR_STATUS_UNAVAILABLE'),
          message,
        ),
      ],
      warnings: [],
    };
  }

  /** Status from the list a credential's format points to. */
  check(
    status: StatusReference,
    issuer: string,
    keyFor: IssuerKeyResolver,
  ): Promise<StatusCheckResult> {
    return status.kind === 'token'
      ? this.checkToken(status.reference, issuer, keyFor)
      : this.checkBitstring(status.entries, issuer, keyFor);
  }

  /** Status of an SD-JWT VC from its Token Status List reference. */
  async checkToken(
    ref: StatusListReference,
    issuer: string,
    keyFor: IssuerKeyResolver,
  ): Promise<StatusCheckResult> {
    try {
      const list = await this.#load(ref.uri, issuer, keyFor, 'token');
      const fresh = this.#freshness(list, ref.uri);
      const value = list.view.get(ref.idx);
      if (fresh.errors.length > 0) return { status: 'unknown', ...fresh };
      if (value === TOKEN_STATUS.VALID) return { status: 'valid', ...fresh };
      if (value === TOKEN_STATUS.SUSPENDED)
        return { status: 'suspended', ...fresh, errors: [errorReport('ERR_STATUS_SUSPENDED')] };
      return { status: 'revoked', ...fresh, errors: [errorReport('ERR_STATUS_REVOKED')] };
    } catch (err) {
      return this.#unavailable(err);
    }
  }

  /** Status of a VC-JWT from its Bitstring Status List entries (revocation and suspension). */
  async checkBitstring(
    entries: BitstringStatusListEntry[],
    issuer: string,
    keyFor: IssuerKeyResolver,
  ): Promise<StatusCheckResult> {
    const result: StatusCheckResult = { status: 'valid', errors: [], warnings: [] };
    try {
      for (const entry of entries) {
        const list = await this.#load(entry.statusListCredential, issuer, keyFor, 'bitstring');
        const fresh = this.#freshness(list, entry.statusListCredential);
        result.errors.push(...fresh.errors);
        if (!result.warnings.some((w) => w.code === 'WARN_STATUS_FROM_CACHE'))
          result.warnings.push(...fresh.warnings);
        result.source ??= fresh.source;
        if (list.view.get(Number(entry.statusListIndex)) === 1) {
          if (entry.statusPurpose === 'revocation') {
            result.status = 'revoked';
            result.errors.push(errorReport('ERR_STATUS_REVOKED'));
          } else if (result.status !== 'revoked') {
            result.status = 'suspended';
            result.errors.push(errorReport('ERR_STATUS_SUSPENDED'));
          }
        }
      }
      if (result.status === 'valid' && result.errors.length > 0) result.status = 'unknown';
      return result;
    } catch (err) {
      return this.#unavailable(err);
    }
  }
}
