/**
 * Verifying presentations: SD-JWT VC with a Key Binding JWT, and VP-JWT carrying a VC-JWT.
 * `verify` never throws for a bad presentation: it returns every reason in `errors`.
 */
import { DcqlPresentationResult, type DcqlQuery } from 'dcql';
import {
  bitstringEntriesOf,
  type Clock,
  createGuardedFetch,
  type DecodedJwt,
  decodeJwt,
  didOf,
  type DidResolverOptions,
  type ErrorReport,
  errorReport,
  type GuardedFetch,
  holderJwkOf,
  type IssuerKeyResolver,
  isPlainObject,
  isSanadError,
  type JWK,
  LEGACY_SD_JWT_VC_TYP,
  numericDate,
  parseSdJwt,
  type PresentationRequest,
  type PresentationResponse,
  processSdJwtPayload,
  resolveDidKey,
  SanadError,
  SD_JWT_VC_TYP,
  type StatusCache,
  StatusChecker,
  type StatusCheckResult,
  statusListReferenceOf,
  systemClock,
  type TrustList,
  type VerificationResult,
  verifyDecodedJwt,
  verifyKeyBinding,
} from '@sanad/core';
import { nodeNetwork } from '@sanad/core/node';
import {
  formatPath,
  hasPath,
  isRequested,
  personClaims,
  pickClaims,
  type RequestedPath,
} from './claims.js';
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
    });
  }

  /** The trust list this verifier checks issuers against (its expiry is a readiness check of the services). */
  get trustList(): TrustList {
    return this.#options.trustList;
  }

  get #skew(): number {
    return this.#options.clockSkewSeconds ?? 60;
  }

  readonly #issuerKey: IssuerKeyResolver = (issuer, kid) =>
    this.#options.trustList.issuerKey(issuer, kid, this.#did);

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
    try {
      ({ text, queryId } = unwrapPresentation(presentation));
    } catch (err) {
      const draft = newDraft('dc+sd-jwt');
      draft.errors.push(report(err));
      return draft;
    }
    const draft = newDraft(text.includes('~') ? 'dc+sd-jwt' : 'jwt_vp');
    const nonce: NonceClaim = {
      bound: false,
      ...('request' in expected && expected.replayGuard === 'caller'
        ? { guardedByCaller: true }
        : {}),
    };
    try {
      if (draft.format === 'dc+sd-jwt')
        await this.#verifySdJwt(text, expected, draft, queryId, nonce);
      else await this.#verifyVpJwt(text, expected, draft, queryId, nonce);
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
    dcqlCredential: Record<string, unknown>,
    claims: Record<string, unknown>,
    disclosed: Array<Array<string | number>>,
    draft: Draft,
    toClaimPath: (path: RequestedPath) => RequestedPath | undefined,
  ): void {
    if (!request) {
      draft.claims = claims;
      return;
    }
    const { query, typeMatches: known } = dcqlQueries.get(request.dcql_query);
    const candidates = query.credentials.filter(
      (q) => (queryId === undefined || q.id === queryId) && formatMatches(q.format, draft.format),
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
      .map((c) => ('path' in c ? toClaimPath(c.path as RequestedPath) : undefined))
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
    const extra = disclosed.filter((path) => !isRequested(path, requested));
    if (extra.length > 0) {
      draft.warnings.push(
        errorReport(
          'WARN_EXTRA_CLAIMS_DROPPED',
          `Dropped claims that were not requested: ${extra.map(formatPath).join(', ')}.`,
        ),
      );
    }
  }

  async #verifySdJwt(
    text: string,
    expected: VerifyExpectations,
    draft: Draft,
    queryId: string | undefined,
    nonceClaim: NonceClaim,
  ): Promise<void> {
    const { nonce, audience, request } = this.#expectation(expected);
    if (request) nonceClaim.request = request;
    const sdJwt = parseSdJwt(text);
    const { header, payload } = sdJwt.jwt;
    if (header.typ !== SD_JWT_VC_TYP && header.typ !== LEGACY_SD_JWT_VC_TYP)
      throw new SanadError('ERR_SDJWT_TYP_INVALID');
    if (typeof payload.iss !== 'string' || typeof payload.vct !== 'string')
      throw new SanadError('ERR_SDJWT_MALFORMED', 'The SD-JWT VC has no iss or vct.');
    draft.issuer = payload.iss;
    draft.credentialType = payload.vct;
    const kid = typeof header.kid === 'string' ? header.kid : undefined;
    await verifyDecodedJwt(sdJwt.jwt, await this.#issuerKey(payload.iss, kid));
    if (!this.#options.trustList.isAuthorized(payload.iss, payload.vct))
      draft.errors.push(errorReport('ERR_ISSUER_NOT_AUTHORIZED'));
    const { claims, disclosedPaths } = processSdJwtPayload(payload, sdJwt.disclosures);
    this.#checkValidity(claims, draft);

    const holderJwk = holderJwkOf(claims);
    if (!holderJwk || !sdJwt.kbJwt) {
      draft.errors.push(errorReport('ERR_HOLDER_BINDING_MISSING'));
    } else {
      const kbErrors = await verifyKeyBinding(sdJwt.kbJwt, {
        holderJwk,
        withoutKb: sdJwt.withoutKb,
        nonce,
        audience,
        now: this.#clock.now() / 1000,
        maxAgeSeconds: this.#options.proofMaxAgeSeconds ?? 300,
        futureSkewSeconds: this.#skew,
      });
      draft.errors.push(...kbErrors);
      nonceClaim.bound = !kbErrors.some(
        (e) => e.code === 'ERR_HOLDER_BINDING_INVALID' || e.code === 'ERR_NONCE_MISMATCH',
      );
    }

    const person = personClaims(claims);
    const dcqlCredential = {
      credential_format: 'dc+sd-jwt',
      vct: payload.vct,
      claims: person,
      cryptographic_holder_binding: holderJwk !== undefined,
    };
    this.#answer(request, queryId, dcqlCredential, person, disclosedPaths, draft, (path) => path);

    const ref = statusListReferenceOf(claims);
    if (ref)
      this.#applyStatus(await this.#status.checkToken(ref, payload.iss, this.#issuerKey), draft);
    else draft.status = 'valid';
  }

  async #verifyVpJwt(
    text: string,
    expected: VerifyExpectations,
    draft: Draft,
    queryId: string | undefined,
    nonceClaim: NonceClaim,
  ): Promise<void> {
    const { nonce, audience, request } = this.#expectation(expected);
    if (request) nonceClaim.request = request;
    const vp = decodeJwt(text);
    const vpClaim = vp.payload.vp;
    if (!isPlainObject(vpClaim))
      throw new SanadError(
        'ERR_HOLDER_BINDING_MISSING',
        'A bare credential is not a presentation: the holder must sign a VP.',
      );
    const holder = vp.payload.iss;
    if (typeof holder !== 'string' || !holder.startsWith('did:'))
      throw new SanadError('ERR_JWT_MALFORMED', 'The VP has no holder DID (iss).');
    await verifyDecodedJwt(vp, await this.#holderKey(vp, holder), 'ERR_HOLDER_BINDING_INVALID');

    const now = this.#clock.now() / 1000;
    if (vp.payload.nonce !== nonce) draft.errors.push(errorReport('ERR_NONCE_MISMATCH'));
    const aud = vp.payload.aud;
    if (!(aud === audience || (Array.isArray(aud) && aud.length === 1 && aud[0] === audience)))
      draft.errors.push(errorReport('ERR_AUDIENCE_MISMATCH'));
    const issuedAt = typeof vp.payload.iat === 'number' ? vp.payload.iat : vp.payload.nbf;
    const maxAge = this.#options.proofMaxAgeSeconds ?? 300;
    // did-jwt-vc writes no iat or nbf by default; the fresh, single-use nonce then proves freshness.
    if (
      issuedAt !== undefined &&
      (typeof issuedAt !== 'number' || issuedAt < now - maxAge || issuedAt > now + this.#skew)
    ) {
      draft.errors.push(errorReport('ERR_PRESENTATION_IAT_INVALID'));
    }
    if (typeof vp.payload.exp === 'number' && vp.payload.exp + this.#skew < now)
      draft.errors.push(
        errorReport('ERR_PRESENTATION_IAT_INVALID', 'The presentation has expired.'),
      );
    nonceClaim.bound = vp.payload.nonce === nonce;

    const inner = vpClaim.verifiableCredential;
    const list = Array.isArray(inner) ? inner : [inner];
    if (list.length !== 1 || typeof list[0] !== 'string')
      throw new SanadError('ERR_UNSUPPORTED_FORMAT', 'Sanad verifies one VC-JWT per presentation.');
    const vc = decodeJwt(list[0]);
    const issuer = vc.payload.iss;
    const vcClaim = vc.payload.vc;
    if (
      typeof issuer !== 'string' ||
      !isPlainObject(vcClaim) ||
      !isPlainObject(vcClaim.credentialSubject) ||
      !Array.isArray(vcClaim.type)
    ) {
      throw new SanadError('ERR_JWT_MALFORMED', 'The credential is not a VC-JWT.');
    }
    draft.issuer = issuer;
    const types = vcClaim.type.filter((t): t is string => typeof t === 'string');
    draft.credentialType =
      types.filter((t) => t !== 'VerifiableCredential').at(-1) ?? 'VerifiableCredential';
    const kid = typeof vc.header.kid === 'string' ? vc.header.kid : undefined;
    await verifyDecodedJwt(vc, await this.#issuerKey(issuer, kid));
    if (
      !this.#options.trustList.isAuthorized(
        issuer,
        ...types.filter((t) => t !== 'VerifiableCredential'),
      )
    )
      draft.errors.push(errorReport('ERR_ISSUER_NOT_AUTHORIZED'));

    // VC Data Model 1.1 JWT encoding: vc members must not contradict the registered claims.
    const subject = vcClaim.credentialSubject;
    const vcIssuer = isPlainObject(vcClaim.issuer) ? vcClaim.issuer.id : vcClaim.issuer;
    if (
      (vcIssuer !== undefined && vcIssuer !== issuer) ||
      (subject.id !== undefined && vc.payload.sub !== undefined && subject.id !== vc.payload.sub)
    ) {
      draft.errors.push(errorReport('ERR_VC_CLAIMS_INCONSISTENT'));
    }
    const subjectDid = vc.payload.sub ?? subject.id;
    if (typeof subjectDid !== 'string' || didOf(subjectDid) !== didOf(holder))
      draft.errors.push(errorReport('ERR_HOLDER_MISMATCH'));
    this.#checkValidity(vc.payload, draft);
    for (const [field, check] of [
      ['expirationDate', 'exp'],
      ['issuanceDate', 'nbf'],
    ] as const) {
      const value = vcClaim[field];
      if (value === undefined || vc.payload[check] !== undefined) continue;
      // An unreadable date is refused (NaN would compare false: never expired, always valid).
      const seconds = typeof value === 'string' ? Math.floor(Date.parse(value) / 1000) : Number.NaN;
      this.#checkValidity({ [check]: seconds }, draft);
    }

    const { id: _subjectId, ...claims } = subject;
    const dcqlCredential = {
      credential_format: 'jwt_vc_json',
      type: types,
      claims: { ...vcClaim, credentialSubject: claims },
      cryptographic_holder_binding: true,
    };
    const disclosed = Object.keys(claims).map((k) => [k]);
    this.#answer(request, queryId, dcqlCredential, claims, disclosed, draft, (path) =>
      path[0] === 'credentialSubject' ? path.slice(1) : undefined,
    );

    const entries = bitstringEntriesOf(vcClaim);
    if (entries.length > 0)
      this.#applyStatus(await this.#status.checkBitstring(entries, issuer, this.#issuerKey), draft);
    else draft.status = 'valid';
  }

  /** The holder's key: the VP `kid` must be a key of the `iss` DID. */
  async #holderKey(vp: DecodedJwt, holder: string): Promise<JWK> {
    const kid = typeof vp.header.kid === 'string' ? vp.header.kid : undefined;
    const didUrl = kid === undefined ? holder : kid.startsWith('#') ? `${holder}${kid}` : kid;
    if (didOf(didUrl) !== didOf(holder))
      throw new SanadError(
        'ERR_HOLDER_BINDING_INVALID',
        'The VP key belongs to another DID than its issuer.',
      );
    return resolveDidKey(didUrl, this.#did, 'authentication');
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

function formatMatches(queryFormat: string, presented: VerificationResult['format']): boolean {
  return presented === 'dc+sd-jwt'
    ? queryFormat === 'dc+sd-jwt' || queryFormat === 'vc+sd-jwt'
    : queryFormat === 'jwt_vc_json';
}

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
