/**
 * Verifying presentations of every registered format: the format checks signatures and holder
 * binding; the verifier decides trust, validity, whether the request is answered, and status.
 * `verify` never throws for a bad presentation: it returns every reason in `errors`.
 */
import { DcqlPresentationResult, type DcqlQuery } from 'dcql';
import {
  type Clock,
  type CredentialFormatModule,
  createGuardedFetch,
  DEFAULT_FORMAT,
  type DidResolverOptions,
  type ErrorReport,
  errorReport,
  formatOf,
  formatOfPresentation,
  formatOfQuery,
  type GuardedFetch,
  type IssuerKeyResolver,
  isSanadError,
  numericDate,
  type PresentationFacts,
  type PresentationRequest,
  type PresentationResponse,
  SanadError,
  type StatusCache,
  StatusChecker,
  type StatusCheckResult,
  systemClock,
  type TrustList,
  type VerificationResult,
} from '@sanad/core';
import { nodeNetwork } from '@sanad/core/node';
import { formatPath, hasPath, isRequested, pickClaims, type RequestedPath } from './claims.js';
import type { NonceStore } from './nonce-store.js';
import { unwrapPresentation } from './presentation-input.js';
import { parseDcqlQuery } from './request.js';

export interface VerifierOptions {
  trustList: TrustList;
  clock?: Clock;
  /** Allowed clock difference for `exp`, `nbf` and future `iat` (default 60 s). */
  clockSkewSeconds?: number;
  /** How old a holder's proof (`iat` of the KB-JWT or VP-JWT) may be (default 300 s). */
  proofMaxAgeSeconds?: number;
  /** Consumes request nonces exactly once, when a verdict is reached (replay protection). */
  nonceStore?: NonceStore;
  statusCache?: StatusCache;
  /** Take status lists only from `statusCache`, and report their age. */
  offline?: boolean;
  /** Refuse status lists older than this. */
  maxStatusAgeSeconds?: number;
  /**
   * Reuse a fetched status list for at most this long, even where its `ttl` allows longer
   * (0: fetch it for every presentation, so a revocation shows at once).
   */
  statusListReuseSeconds?: number;
  /** Fetch for status lists (default: https only, no internal addresses, 5 s, 512 KiB). */
  fetch?: GuardedFetch;
  /** did:web resolution (default: the same guards, the dialled address checked too). */
  did?: DidResolverOptions;
  /**
   * When a status list cannot be obtained (server down, slow, no cached list): `'reject'`
   * (default, fail closed) or `'accept-with-warning'` (status `unknown`, `WARN_STATUS_UNAVAILABLE`).
   * A revoked, suspended or wrongly signed status is rejected under either policy.
   */
  onStatusUnavailable?: 'reject' | 'accept-with-warning';
}

/** What the presentation must answer: a request, or a nonce and audience managed by the caller. */
export type VerifyExpectations =
  | {
      request: PresentationRequest;
      /**
       * Who keeps "answered once" (default `'nonce-store'`: a verdict spends the request nonce in
       * `nonceStore`). `'caller'`: the caller does, as a verifier session's compare-and-set does;
       * the nonce store is neither read nor spent, and the request's expiry is still checked.
       */
      replayGuard?: 'nonce-store' | 'caller';
    }
  | { nonce: string; audience: string };

type Draft = VerificationResult & { errors: ErrorReport[]; warnings: ErrorReport[] };

/**
 * Whether the holder's proof answers this request's nonce (signed by the holder key, with the
 * right nonce): only then can a verdict spend the nonce. Set before any later check can throw.
 */
interface NonceClaim {
  request?: PresentationRequest;
  bound: boolean;
  /** The caller keeps "answered once": nothing to spend here. */
  guardedByCaller?: boolean;
}

/** No verdict yet: the only reason for refusal is that the status could not be established. */
const onlyStatusUnavailable = (draft: Draft): boolean =>
  draft.errors.length > 0 && draft.errors.every((e) => e.code === 'ERR_STATUS_UNAVAILABLE');

/** What a result names when the input is not even a presentation. */
const DEFAULT_PRESENTATION_FORMAT = formatOf(DEFAULT_FORMAT).presentationFormat;

const newDraft = (format: VerificationResult['format']): Draft => ({
  verified: false,
  format,
  issuer: '',
  credentialType: '',
  claims: {},
  status: 'unknown',
  errors: [],
  warnings: [],
});

const report = (err: unknown): ErrorReport => {
  if (isSanadError(err)) return err.toReport();
  throw err;
};

export class Verifier {
  readonly #options: VerifierOptions;
  readonly #clock: Clock;
  readonly #status: StatusChecker;
  readonly #did: DidResolverOptions;

  constructor(options: VerifierOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
    const network = options.fetch && options.did ? undefined : nodeNetwork();
    this.#did = options.did ?? { web: network! };
    this.#status = new StatusChecker({
      fetch: options.fetch ?? createGuardedFetch(network),
      clock: this.#clock,
      ...(options.statusCache ? { cache: options.statusCache } : {}),
      ...(options.offline ? { offline: true } : {}),
      ...(options.maxStatusAgeSeconds !== undefined
        ? { maxAgeSeconds: options.maxStatusAgeSeconds }
        : {}),
      ...(options.statusListReuseSeconds !== undefined
        ? { maxReuseSeconds: options.statusListReuseSeconds }
        : {}),
    });
  }

  /** The trust list this verifier checks issuers against (its expiry is a readiness check of the services). */
  get trustList(): TrustList {
    return this.#options.trustList;
  }

  get #skew(): number {
    return this.#options.clockSkewSeconds ?? 60;
  }

  /**
   * An issuer listed under `issuers` is known by its entry (DID, keys or metadata), whatever the
   * header carries; any other is known by its `x5c` chain to a trust anchor, when it has one.
   */
  #byCertificate(issuer: string, x5c: unknown): boolean {
    return x5c !== undefined && this.#options.trustList.findIssuer(issuer) === undefined;
  }

  #anchoredKey(issuer: string, x5c: unknown) {
    return this.#options.trustList.x509IssuerKey(issuer, x5c, this.#clock.now() / 1000);
  }

  readonly #issuerKey: IssuerKeyResolver = async (issuer, kid, x5c) =>
    this.#byCertificate(issuer, x5c)
      ? (await this.#anchoredKey(issuer, x5c)).key
      : this.#options.trustList.issuerKey(issuer, kid, this.#did);

  /**
   * Verifies one presentation.
   *
   * @example
   * ```ts
   * const result = await verifier.verify(response, { request })
   * if (result.verified) console.log(result.claims) // only what the request asked for
   * ```
   */
  async verify(
    presentation: string | PresentationResponse,
    expected: VerifyExpectations,
  ): Promise<VerificationResult> {
    let text: string;
    let queryId: string | undefined;
    let format: CredentialFormatModule;
    try {
      ({ text, queryId } = unwrapPresentation(presentation));
      format = formatOfPresentation(text);
    } catch (err) {
      const draft = newDraft(DEFAULT_PRESENTATION_FORMAT);
      draft.errors.push(report(err));
      return draft;
    }
    const draft = newDraft(format.presentationFormat);
    const nonce: NonceClaim = {
      bound: false,
      ...('request' in expected && expected.replayGuard === 'caller'
        ? { guardedByCaller: true }
        : {}),
    };
    try {
      await this.#verifyWith(format, text, expected, draft, queryId, nonce);
    } catch (err) {
      draft.errors.push(report(err));
    }
    await this.#settleNonce(nonce, draft);
    if (onlyStatusUnavailable(draft)) draft.retryable = true;
    if (draft.errors.length > 0) draft.claims = {};
    const issuerName = draft.issuer
      ? this.#options.trustList.findIssuer(draft.issuer)?.name
      : undefined;
    if (issuerName !== undefined) draft.issuerName = issuerName;
    draft.verified = draft.errors.length === 0;
    return draft;
  }

  #expectation(expected: VerifyExpectations): {
    nonce: string;
    audience: string;
    request?: PresentationRequest;
  } {
    if ('request' in expected)
      return {
        nonce: expected.request.nonce,
        audience: expected.request.client_id,
        request: expected.request,
      };
    if (typeof expected.nonce !== 'string' || typeof expected.audience !== 'string')
      throw new SanadError('ERR_INVALID_INPUT', 'Give a request, or a nonce and an audience.');
    return expected;
  }

  /** Checks `exp` and `nbf` of the claims (disclosed ones too: decodeJwt only saw the signed payload). */
  #checkValidity(payload: Record<string, unknown>, draft: Draft): void {
    const now = this.#clock.now() / 1000;
    let exp: number | undefined;
    let nbf: number | undefined;
    try {
      exp = numericDate(payload.exp);
      nbf = numericDate(payload.nbf);
      numericDate(payload.iat);
    } catch (err) {
      draft.errors.push(report(err));
      return;
    }
    if (exp !== undefined && exp + this.#skew < now)
      draft.errors.push(errorReport('ERR_CREDENTIAL_EXPIRED'));
    if (nbf !== undefined && nbf - this.#skew > now)
      draft.errors.push(errorReport('ERR_CREDENTIAL_NOT_YET_VALID'));
  }

  /**
   * Spends the request nonce once every check has run, and only on a verdict: accepted (with or
   * without warnings) or refused for a reason about the presentation. When the only reason is
   * that the status could not be established, the nonce stays usable, so the same presentation
   * can be checked again once the status list can be had (within the request's lifetime).
   * `consume` is the one atomic step: of two verdicts on the same nonce, one wins.
   */
  async #settleNonce(claim: NonceClaim, draft: Draft): Promise<void> {
    const { request } = claim;
    if (!request || !claim.bound) return;
    const now = this.#clock.now() / 1000;
    const store = claim.guardedByCaller ? undefined : this.#options.nonceStore;
    if (!store) {
      if (request.exp + this.#skew < now) draft.errors.push(errorReport('ERR_REQUEST_EXPIRED'));
      return;
    }
    if (onlyStatusUnavailable(draft)) {
      // No verdict, nothing spent; but a retry of a spent or unknown nonce would fail: say so now.
      if (store.peek && !(await store.peek(request.nonce, now)))
        draft.errors.push(errorReport('ERR_NONCE_REPLAYED'));
      return;
    }
    if (!(await store.consume(request.nonce, now)))
      draft.errors.push(errorReport('ERR_NONCE_REPLAYED'));
  }

  #applyStatus(result: StatusCheckResult, draft: Draft): void {
    draft.status = result.status;
    const unavailable =
      result.errors.length > 0 && result.errors.every((e) => e.code === 'ERR_STATUS_UNAVAILABLE');
    if (unavailable && this.#options.onStatusUnavailable === 'accept-with-warning') {
      draft.warnings.push(
        ...result.errors.map((e) =>
          errorReport(
            'WARN_STATUS_UNAVAILABLE',
            `${e.message} Accepted by policy (accept-with-warning).`,
          ),
        ),
      );
    } else {
      draft.errors.push(...result.errors);
    }
    draft.warnings.push(...result.warnings);
    if (result.source) draft.statusSource = result.source;
  }

  /** Matches the presentation to the request's DCQL query and keeps only the requested claims. */
  #answer(
    request: PresentationRequest | undefined,
    queryId: string | undefined,
    format: CredentialFormatModule,
    facts: PresentationFacts,
    draft: Draft,
  ): void {
    const { claims, dcqlCredential } = facts;
    if (!request) {
      draft.claims = claims;
      return;
    }
    const { query, typeMatches: known } = dcqlQueries.get(request.dcql_query);
    const candidates = query.credentials.filter(
      (q) => (queryId === undefined || q.id === queryId) && formatOfQuery(q.format) === format,
    );
    // With the query's claims left out, the match reads only the credential's format, type and
    // holder binding: the same for every presentation of one credential type, so computed once.
    const { claims: _claims, ...typeOfCredential } = dcqlCredential;
    const typeKey = JSON.stringify(typeOfCredential);
    const typeMatches = candidates.filter((q) => {
      const key = `${q.id}\u0000${typeKey}`;
      let matches = known.get(key);
      if (matches === undefined) {
        const result = DcqlPresentationResult.fromDcqlPresentation(
          { [q.id]: [dcqlCredential as never] },
          { dcqlQuery: { ...query, credentials: [{ ...q, claims: undefined }] } as never },
        );
        matches = result.credential_matches[q.id]?.success === true;
        if (known.size < 64) known.set(key, matches);
      }
      return matches;
    });
    const credentialQuery = typeMatches[0];
    if (!credentialQuery) {
      draft.errors.push(errorReport('ERR_CREDENTIAL_TYPE_MISMATCH'));
      return;
    }
    const requested = (credentialQuery.claims ?? [])
      .map((c) => ('path' in c ? format.claimPathOf(c.path as RequestedPath) : undefined))
      .filter((p): p is RequestedPath => p !== undefined);
    const missing = requested.filter((path) => !hasPath(claims, path));
    if (missing.length > 0) {
      draft.errors.push(
        errorReport(
          'ERR_REQUEST_NOT_SATISFIED',
          `The presentation does not disclose: ${missing.map(formatPath).join(', ')}.`,
        ),
      );
      return;
    }
    draft.claims = pickClaims(claims, requested);
    const extra = facts.disclosed.filter((path) => !isRequested(path, requested));
    if (extra.length > 0) {
      draft.warnings.push(
        errorReport(
          'WARN_EXTRA_CLAIMS_DROPPED',
          `Dropped claims that were not requested: ${extra.map(formatPath).join(', ')}.`,
        ),
      );
    }
  }

  /** The format's own checks, then the verifier's: trust, validity, the request, status. */
  async #verifyWith(
    format: CredentialFormatModule,
    text: string,
    expected: VerifyExpectations,
    draft: Draft,
    queryId: string | undefined,
    nonceClaim: NonceClaim,
  ): Promise<void> {
    const { nonce, audience, request } = this.#expectation(expected);
    if (request) nonceClaim.request = request;
    const facts: PresentationFacts = {
      issuer: '',
      credentialType: '',
      claims: {},
      disclosed: [],
      dcqlCredential: {},
      nonceBound: false,
      errors: draft.errors,
    };
    // An issuer that signs with a certificate is trusted for the types its chain's anchors vouch for.
    let anchoredTypes: string[] | undefined;
    try {
      await format.verify(
        text,
        {
          issuerKey: async (issuer, kid, x5c) => {
            if (!this.#byCertificate(issuer, x5c)) return this.#issuerKey(issuer, kid);
            const anchored = await this.#anchoredKey(issuer, x5c);
            anchoredTypes = anchored.credentialTypes;
            // Staff know a certified issuer by its certificate's name and the authority behind it.
            draft.issuerName = anchored.name;
            return anchored.key;
          },
          did: this.#did,
          nonce,
          audience,
          now: this.#clock.now() / 1000,
          proofMaxAgeSeconds: this.#options.proofMaxAgeSeconds ?? 300,
          clockSkewSeconds: this.#skew,
          checkTrust: (issuer, types) => {
            const authorized = anchoredTypes
              ? types.some((t) => anchoredTypes!.includes(t))
              : this.#options.trustList.isAuthorized(issuer, ...types);
            if (!authorized) draft.errors.push(errorReport('ERR_ISSUER_NOT_AUTHORIZED'));
          },
          checkValidity: (claims) => this.#checkValidity(claims, draft),
        },
        facts,
      );
    } finally {
      draft.issuer = facts.issuer;
      draft.credentialType = facts.credentialType;
      nonceClaim.bound = facts.nonceBound;
    }
    this.#answer(request, queryId, format, facts, draft);
    const { status } = facts;
    if (!status) draft.status = 'valid';
    else this.#applyStatus(await this.#status.check(status, facts.issuer, this.#issuerKey), draft);
  }
}

/**
 * Parsed DCQL queries by their JSON text, most recent last: a service asks the same few queries
 * (one per preset) of every holder, and parsing one (schema validation) costs as much as a
 * signature check. Each keeps the type matches it has seen.
 */
class DcqlQueryCache {
  readonly #entries = new Map<string, { query: DcqlQuery; typeMatches: Map<string, boolean> }>();
  constructor(readonly limit = 64) {}

  get(dcqlQuery: unknown): { query: DcqlQuery; typeMatches: Map<string, boolean> } {
    const text = JSON.stringify(dcqlQuery);
    let entry = this.#entries.get(text);
    if (entry === undefined) {
      entry = { query: parseDcqlQuery(dcqlQuery), typeMatches: new Map() };
      if (this.#entries.size >= this.limit)
        this.#entries.delete(this.#entries.keys().next().value!);
    } else {
      this.#entries.delete(text);
    }
    this.#entries.set(text, entry);
    return entry;
  }
}

const dcqlQueries = new DcqlQueryCache();

/**
 * Creates a verifier.
 *
 * @example
 * ```ts
 * const verifier = createVerifier({ trustList: await loadTrustList(text), nonceStore })
 * const result = await verifier.verify(response, { request })
 * ```
 */
export function createVerifier(options: VerifierOptions): Verifier {
  return new Verifier(options);
}
