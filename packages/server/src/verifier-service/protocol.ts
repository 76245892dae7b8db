/**
 * The verifier's protocol, without HTTP: OpenID4VP 1.0 with DCQL on `@openid4vc/openid4vp`.
 *
 * A session is one request: a signed request object fetched by `request_uri`, bound to a fresh
 * nonce and state, answered at its own `response_uri` (`direct_post`, or `direct_post.jwt`
 * encrypted to a per-session key). An offline session packs its signed request object into a
 * small `SANADR1:` code instead, for a wallet with no network, and is answered by the operator
 * posting the holder's `SANAD1:` code. The result holds only the requested claims and is
 * forgotten after `resultRetentionSeconds`.
 *
 * Only a verified answer settles a session. Anyone who sees the QR code can post to its
 * `response_uri`, so an answer that does not verify is refused and counted, and the session
 * waits for the holder's real one; after {@link MAX_REFUSED_ANSWERS} refusals it is closed as
 * `refused` (the desk starts again, out of sight), never with the refused verdict. A decline
 * proves no more about its sender than the public `state`, so it is noted for the desk and the
 * session still waits: a bystander's decline cannot stop the holder from answering.
 */
import type { Jwk } from '@openid4vc/oauth2';
import { Openid4vpVerifier, parseOpenid4vpAuthorizationResponse } from '@openid4vc/openid4vp';
import {
  type Clock,
  didJwkFromJwk,
  encodeOfflineRequest,
  epochSeconds,
  type ErrorReport,
  fromBase64url,
  isPlainObject,
  isSanadError,
  type JWK,
  offlineClientId,
  type PresentationRequest,
  randomBytes,
  SanadError,
  type SanadErrorCode,
  type Signer,
  systemClock,
  toBase64url,
  type VerificationResult,
  vpFormatsSupported,
  parseJsonBounded,
} from '@sanad/core';
import { certificateHash, certifiesKey, parseCertificate } from '@sanad/core/x509';
import { sanadCallbacks } from '@sanad/openid4vc';
import { createPresentationRequest, type NonceStore, type Verifier } from '@sanad/verifier';
import { exportJWK, generateKeyPair } from 'jose';
import { RetryLaterError } from '../http/errors.js';
import type { ServiceStore, StoredRecord } from '../store/service-store.js';
import { OpenSessions } from './open-sessions.js';
import { outcomeOf, type SessionOutcome } from './outcome.js';
import { checkPresets, type LintFinding, type VerifierPreset } from './presets.js';

/**
 * `dc_api.jwt`: the request goes to a wallet through the browser's Digital Credentials API
 * (OpenID4VP 1.0 appendix A), and the encrypted answer comes back to the page that asked.
 */
export type ResponseMode = 'direct_post' | 'direct_post.jwt' | 'dc_api.jwt';

/** Refused answers a session takes before it is closed as `refused`. */
export const MAX_REFUSED_ANSWERS = 20;
/** Open sessions one instance holds at most, unless `maxOpenSessions` says otherwise. */
export const DEFAULT_MAX_OPEN_SESSIONS = 10_000;

export interface VerifierProtocolOptions {
  /**
   * Verifies presentations: trust list, status, clock. Sessions keep "answered once" by
   * compare-and-set in `store`, so its nonce store, if it has one, is not used for them.
   */
  verifier: Verifier;
  store: ServiceStore;
  /** The public URL of this service. */
  baseUrl: string;
  /** Signs request objects; the client id is `decentralized_identifier:<did>` of this key (did:jwk unless `did` is set). */
  signer: Signer;
  /** A did:web (or other DID) whose document lists `signer`'s key as `kid`. */
  did?: { did: string; kid: string };
  /**
   * The certificate chain of `signer`'s key (HAIP), leaf first: online requests are then signed
   * with it in their `x5c` header, and the client id is `x509_san_dns:<host of baseUrl>` (the
   * leaf must name that host) or, with `x509ClientId: 'x509_hash'`, the leaf's SHA-256.
   * Offline requests keep their did:jwk: a wallet with no network has no use for a chain.
   */
  x5c?: readonly string[];
  x509ClientId?: 'x509_san_dns' | 'x509_hash';
  verifierName: string;
  presets: VerifierPreset[];
  /** Start even when a preset asks for more than its purpose lists (it is still logged). */
  allowOverAsking?: boolean;
  /** How long a request can be answered (default 300 s). */
  requestTtlSeconds?: number;
  /** How long a result is kept for the operator to read (default 300 s), then forgotten. */
  resultRetentionSeconds?: number;
  /**
   * Forget a settled session as soon as the desk (or the same-device result) has read it, so
   * that no result stays on the server for anyone who gets in later (the `high-risk` profile).
   * A desk reloaded after that shows "expired" and asks again.
   */
  forgetResultOnRead?: boolean;
  /**
   * Sessions this instance keeps open (not yet settled, not expired) at most (default 10,000);
   * one more is refused with `ERR_STORE_FULL` until one settles or expires. Counted per
   * instance: several instances on one store hold at most this many each.
   */
  maxOpenSessions?: number;
  clock?: Clock;
  log?: (message: string) => void;
  /** Sees every verification of an answer (metrics count outcomes by code). */
  onVerification?: (verification: VerificationResult) => void;
}

export interface CreateSessionOptions {
  preset: string;
  responseMode?: ResponseMode;
  /** Same-device flow: where the wallet sends the holder's browser back after answering. */
  redirectUri?: string;
  /**
   * The holder's wallet has no network: the signed request travels in the QR code and the
   * answer comes back as a `SANAD1:` code the operator posts (`direct_post` for the record).
   */
  offline?: boolean;
  /**
   * For `dc_api.jwt`: the web origin of the page that calls the Digital Credentials API (default:
   * this service's own, where the desk is served). The wallet answers only a page of that origin,
   * and the service takes the answer only from it.
   */
  origin?: string;
}

export interface CreatedSession {
  sessionId: string;
  /**
   * The QR code (cross-device) or the link (same-device): `openid4vp://?client_id=...&request_uri=...`,
   * or for an offline session `SANADR1:...`, the signed request object packed for a small QR code
   * (`expandOfflineRequest` in `@sanad/core` turns it back into `openid4vp://?client_id=...&request=...`).
   */
  authorizationRequest: string;
  expiresAt: number;
}

/** `refused`: closed after {@link MAX_REFUSED_ANSWERS} answers that did not verify, with no result. */
export type SessionStatus = 'pending' | 'answered' | 'refused';

export interface SessionResult {
  verified: boolean;
  issuer: string;
  /** The issuer's name on the trust list, when it is there. */
  issuerName?: string;
  credentialType: string;
  /** Only the requested claims. */
  claims: Record<string, unknown>;
  status: VerificationResult['status'];
  errors: ErrorReport[];
  warnings: ErrorReport[];
}

/**
 * An answer that arrived but could not be decided because the credential's status could not be
 * established: nothing was spent, the session stays open and the same answer can be sent again.
 */
export interface StatusUnavailableNote {
  /** When the last such answer arrived (epoch seconds). */
  at: number;
  errors: ErrorReport[];
}

/** The last answer refused for a session: it settled nothing. */
export interface RefusalNote {
  /** When it arrived (epoch seconds). */
  at: number;
  /** Why: the first verification error, or `ERR_RESPONSE_REFUSED` for an answer that was no presentation response. */
  code: SanadErrorCode;
  /** What the refused answer would have shown, e.g. `revoked`, for the desk to mention, not to decide. */
  outcome: SessionOutcome;
}

/** The wallet's decline (an OpenID4VP error response): shown at the desk, settling nothing. */
export interface DeclineNote {
  /** When the last decline arrived (epoch seconds). */
  at: number;
  /** The OAuth error code the wallet sent, e.g. `access_denied`. */
  error: string;
}

/** What the operator reads about a session. */
export interface SessionView {
  status: SessionStatus;
  preset: string;
  result?: SessionResult;
  /** The result in one word, for a receptionist's screen (see {@link outcomeOf}); `refused` once closed after refusals. */
  outcome: SessionOutcome;
  /** While pending: an answer came but its status could not be checked yet. */
  statusUnavailable?: StatusUnavailableNote;
  /** Answers refused so far (absent when none). */
  refusedAnswers?: number;
  lastRefusal?: RefusalNote;
  /** While pending: a wallet declined (the holder, or anyone who saw the QR code). */
  declined?: DeclineNote;
}

/** A verdict accepted at `response_uri`: where the wallet sends the holder's browser next, if anywhere. */
export interface AcceptedResponse {
  redirectUri?: string;
}

/** What the same-device page reads with its response code. */
export interface SameDeviceResult {
  status: SessionStatus;
  result?: SessionResult;
}

/** The presets as the operator chooses among them. */
export interface PresetSummary {
  id: string;
  name: VerifierPreset['name'];
  purpose: VerifierPreset['purpose'];
}

/** `ERR_STORE_FULL` with the seconds after which an open session will have expired. */
export class StoreFullError extends RetryLaterError {
  constructor(retryAfterSeconds: number) {
    super(
      'ERR_STORE_FULL',
      'This verifier holds as many open sessions as it allows: try again later.',
      retryAfterSeconds,
    );
  }
}

/** The verifier's protocol steps; every failure is a {@link SanadError} with its code. */
export interface VerifierProtocol {
  /** `decentralized_identifier:<did>`, the client id of online requests. */
  readonly clientId: string;
  /** Data-minimisation findings of the presets (allowed by `allowOverAsking`). */
  readonly lint: LintFinding[];
  presets(): PresetSummary[];
  /** Throws `ERR_REQUEST_INVALID` for an unknown preset or option, `StoreFullError` when full. */
  createSession(input: CreateSessionOptions): Promise<CreatedSession>;
  /** The signed request object; `ERR_REQUEST_EXPIRED` (unknown or expired) or `ERR_REQUEST_USED`. */
  requestObject(sessionId: string): Promise<string>;
  /**
   * A form posted to `response_uri`: a presentation (`vp_token`, `state`), an encrypted one
   * (`response`) or the wallet's error (`error`, `state`, see {@link decline}). Settles the
   * session only with a verified answer; anything else is refused with the reason's code and
   * counted, or answered `ERR_STATUS_UNAVAILABLE` when status could not be checked.
   */
  acceptResponse(
    sessionId: string,
    form: Readonly<Record<string, string>>,
  ): Promise<AcceptedResponse>;
  /**
   * The answer of a `dc_api.jwt` session, as the page got it from `navigator.credentials.get`
   * (its `data`), with the page's origin: settles or refuses as {@link acceptResponse}.
   */
  acceptDcApiResponse(
    sessionId: string,
    data: unknown,
    origin: string | undefined,
  ): Promise<SessionView>;
  /** The wallet's OpenID4VP error response (e.g. `access_denied`): noted on the session, which stays open (see the module comment). */
  decline(sessionId: string, state: string, error: string): Promise<void>;
  /** The same-device result; `ERR_NOT_FOUND` unless the response code is the session's. */
  result(sessionId: string, responseCode: string): Promise<SameDeviceResult>;
  /** What the operator reads; `ERR_SESSION_NOT_FOUND` when unknown or forgotten. */
  view(sessionId: string): Promise<SessionView>;
  /** The holder's `SANAD1:` code read at the desk, for an offline session: settles or refuses as {@link acceptResponse}. */
  offlineAnswer(sessionId: string, presentation: string): Promise<SessionView>;
  /** Cancels a session or forgets its result. */
  forget(sessionId: string): Promise<void>;
  /** Sessions this instance holds open now. */
  openSessions(): number;
}

interface SessionRecord {
  preset: string;
  state: string;
  request: PresentationRequest;
  requestObject: string;
  responseMode: ResponseMode;
  /** Private key for `direct_post.jwt` responses; deleted with the session. */
  decryptionJwk?: JWK;
  redirectUri?: string;
  offline?: true;
  /** A `dc_api.jwt` session: the only origin its answer is taken from. */
  expectedOrigin?: string;
  status: SessionStatus;
  responseCode?: string;
  result?: SessionResult;
  statusUnavailable?: StatusUnavailableNote;
  refusedAnswers?: number;
  lastRefusal?: RefusalNote;
  declined?: DeclineNote;
}

/**
 * Request nonces in a shared service store, for library verifiers run as several instances (any
 * instance can check any response). Verifier sessions do not need it: they keep "answered once".
 */
export function serviceNonceStore(store: ServiceStore): NonceStore {
  return {
    async issue(nonce, expiresAt) {
      await store.put('vp_nonce', nonce, {}, expiresAt, Math.floor(Date.now() / 1000));
    },
    async consume(nonce, now) {
      return (await store.take('vp_nonce', nonce, now)) !== undefined;
    },
    async peek(nonce, now) {
      return (await store.get('vp_nonce', nonce, now)) !== undefined;
    },
  };
}

const summarise = (r: VerificationResult): SessionResult => ({
  verified: r.verified,
  issuer: r.issuer,
  ...(r.issuerName !== undefined ? { issuerName: r.issuerName } : {}),
  credentialType: r.credentialType,
  claims: r.claims,
  status: r.status,
  errors: r.errors,
  warnings: r.warnings,
});

/** OAuth error codes a wallet may answer with (RFC 6749 section 4.1.2.1 syntax), kept short. */
const WALLET_ERROR = /^[a-z_]{1,64}$/;
/** Compare-and-set rounds before giving up: refusals are bounded, so real contention ends sooner. */
const MAX_CAS_ROUNDS = MAX_REFUSED_ANSWERS + 16;

const refusal = (message: string): SanadError => new SanadError('ERR_RESPONSE_REFUSED', message);

export const RESPONSE_MODES: readonly ResponseMode[] = [
  'direct_post',
  'direct_post.jwt',
  'dc_api.jwt',
];

/** The Digital Credentials API protocol of a signed OpenID4VP request (OpenID4VP 1.0 appendix A.1). */
export const DC_API_PROTOCOL = 'openid4vp-v1-signed';

/** A web origin as a browser sends it: https, or http on this machine (a desk run locally). */
function webOrigin(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SanadError('ERR_REQUEST_INVALID', 'origin must be a web origin (https://host).');
  }
  const local = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.origin !== value || !(url.protocol === 'https:' || (url.protocol === 'http:' && local)))
    throw new SanadError(
      'ERR_REQUEST_INVALID',
      'origin must be a web origin: https://host[:port], nothing after it.',
    );
  return url.origin;
}

/**
 * `vp_token` as DCQL asks: each query id maps to one presentation or a non-empty array of them,
 * each a string (compact formats) or a JSON object (ldp_vp, OpenID4VP 1.0 section 8.1), handed
 * on as text. The form was parsed with bounds already.
 */
function presentationsOf(vpToken: unknown): Record<string, string[]> {
  const token = typeof vpToken === 'string' ? parseJsonBounded(vpToken) : vpToken;
  const shapeError = () =>
    refusal('vp_token must map each query id to presentations given as strings or objects.');
  if (!isPlainObject(token) || Object.keys(token).length === 0) throw shapeError();
  const presentations: Record<string, string[]> = {};
  for (const [id, value] of Object.entries(token)) {
    const list: unknown[] = Array.isArray(value) ? value : [value];
    if (list.length === 0) throw shapeError();
    presentations[id] = list.map((p) => {
      if (typeof p === 'string') return p;
      if (isPlainObject(p)) return JSON.stringify(p);
      throw shapeError();
    });
  }
  return presentations;
}

/**
 * The client id a certified verifier key answers to, after checking the chain fits: the leaf is
 * the signing key, and for `x509_san_dns` it names the service's host, which `response_uri` is
 * on (OpenID4VP 5.9.3: a wallet refuses a response_uri elsewhere).
 */
function x509Identity(
  x5c: readonly string[],
  signer: Signer,
  baseUrl: string,
  prefix: 'x509_san_dns' | 'x509_hash' = 'x509_san_dns',
): { clientId: string; x5c: readonly string[] } {
  const leaf = parseCertificate(x5c[0] ?? '');
  if (!certifiesKey(leaf, signer.publicJwk))
    throw new SanadError(
      'ERR_CONFIG_INVALID',
      'The leaf certificate is not for the request-signing key.',
    );
  if (prefix === 'x509_hash') return { clientId: `x509_hash:${certificateHash(x5c[0]!)}`, x5c };
  const host = new URL(baseUrl).hostname.toLowerCase();
  if (!leaf.dnsNames.includes(host))
    throw new SanadError(
      'ERR_CONFIG_INVALID',
      `The leaf certificate does not name ${host} (its DNS names: ${leaf.dnsNames.join(', ') || 'none'}); x509_san_dns needs it.`,
    );
  return { clientId: `x509_san_dns:${host}`, x5c };
}

/**
 * Creates the verifier's protocol object.
 *
 * @example
 * ```ts
 * const protocol = await createVerifierProtocol({ verifier, store, baseUrl, signer, verifierName: 'Al Noor Clinic', presets })
 * const { sessionId, authorizationRequest } = await protocol.createSession({ preset: 'over-18' })
 * ```
 */
export async function createVerifierProtocol(
  options: VerifierProtocolOptions,
): Promise<VerifierProtocol> {
  const { store, verifier, signer } = options;
  const log = options.log ?? ((m: string) => console.error(m));
  const lint = checkPresets(options.presets, {
    ...(options.allowOverAsking ? { allowOverAsking: true } : {}),
    log,
  });
  const clock = options.clock ?? systemClock;
  const now = (): number => epochSeconds(clock);
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const requestTtl = options.requestTtlSeconds ?? 300;
  const retention = options.resultRetentionSeconds ?? 300;
  const maxOpen = options.maxOpenSessions ?? DEFAULT_MAX_OPEN_SESSIONS;
  if (!Number.isSafeInteger(maxOpen) || maxOpen < 1)
    throw new SanadError('ERR_CONFIG_INVALID', 'maxOpenSessions must be a whole number from 1.');
  const did = options.did ?? {
    did: didJwkFromJwk(signer.publicJwk),
    kid: `${didJwkFromJwk(signer.publicJwk)}#0`,
  };
  const x509 = options.x5c
    ? x509Identity(options.x5c, signer, baseUrl, options.x509ClientId)
    : undefined;
  const clientId = x509?.clientId ?? `decentralized_identifier:${did.did}`;
  const presets = new Map(options.presets.map((p) => [p.id, p]));
  // Sessions never read it: written for instances of the previous release that share this
  // store during a rolling upgrade and spend the nonce on their verdict (one write per session).
  const previousReleaseNonces = serviceNonceStore(store);
  const open = new OpenSessions(maxOpen);

  const sessionKeys = new Map<string, JWK>();
  const callbacks = sanadCallbacks({
    signerFor: () => signer,
    // Only the session being answered has its key loaded (see acceptResponse).
    decryptionKeyFor: (kid) => (kid ? sessionKeys.get(kid) : undefined),
  });
  const vp = new Openid4vpVerifier({ callbacks });

  async function createSession(input: CreateSessionOptions): Promise<CreatedSession> {
    const preset = presets.get(input.preset);
    if (!preset) throw new SanadError('ERR_REQUEST_INVALID', 'No preset with that id.');
    const offline = input.offline === true;
    const responseMode = input.responseMode ?? (offline ? 'direct_post' : 'direct_post.jwt');
    if (!RESPONSE_MODES.includes(responseMode))
      throw new SanadError(
        'ERR_REQUEST_INVALID',
        'response_mode must be direct_post, direct_post.jwt or dc_api.jwt.',
      );
    const dcApi = responseMode === 'dc_api.jwt';
    if (!dcApi && input.origin !== undefined)
      throw new SanadError('ERR_REQUEST_INVALID', 'origin is for dc_api.jwt sessions only.');
    const origin = dcApi ? webOrigin(input.origin ?? new URL(baseUrl).origin) : undefined;
    if (dcApi && (offline || input.redirectUri !== undefined))
      throw new SanadError(
        'ERR_REQUEST_INVALID',
        'A dc_api.jwt session is answered to the page that asked: no offline code, no redirect_uri.',
      );
    if (input.redirectUri !== undefined && !/^https?:\/\//.test(input.redirectUri))
      throw new SanadError('ERR_REQUEST_INVALID', 'redirect_uri must be an http(s) URL.');
    // The answer of an offline session reaches the desk as a QR code: nothing to encrypt it for, nowhere to redirect.
    if (offline && (responseMode !== 'direct_post' || input.redirectUri !== undefined))
      throw new SanadError(
        'ERR_REQUEST_INVALID',
        'An offline session takes neither a response_mode nor a redirect_uri.',
      );
    const sessionId = toBase64url(randomBytes(16));
    const full = open.admit(sessionId, now() + requestTtl, now());
    if (full !== undefined) throw new StoreFullError(full);
    try {
      return await openSession(sessionId, preset, offline, responseMode, input.redirectUri, origin);
    } catch (err) {
      open.remove(sessionId);
      throw err;
    }
  }

  async function openSession(
    sessionId: string,
    preset: VerifierPreset,
    offline: boolean,
    responseMode: ResponseMode,
    redirectUri: string | undefined,
    origin: string | undefined,
  ): Promise<CreatedSession> {
    const state = toBase64url(randomBytes(16));
    const request = await createPresentationRequest({
      // An offline request names its signer by did:jwk: the wallet has no network to resolve anything else.
      clientId: offline ? offlineClientId(signer.publicJwk) : clientId,
      verifierName: options.verifierName,
      purpose: preset.purpose,
      credentials: preset.credentials,
      ttlSeconds: requestTtl,
      clock,
      nonceStore: previousReleaseNonces,
    });
    const responseUri = `${baseUrl}/responses/${sessionId}`;
    let decryptionJwk: JWK | undefined;
    let authorizationRequest: string;
    let requestObject: string;
    if (offline) {
      // The signed request travels in a small QR code (SANADR1:, see encodeOfflineRequest); no
      // state: the answer comes back through the desk, not to response_uri.
      const packed = await encodeOfflineRequest(signer, {
        iat: request.iat,
        exp: request.exp,
        responseUri,
        nonce: request.nonce,
        clientName: options.verifierName,
        purpose: preset.purpose,
        dcqlQuery: request.dcql_query,
      });
      authorizationRequest = packed.code;
      requestObject = packed.requestObject;
    } else {
      const jwks: Jwk[] = [];
      if (responseMode !== 'direct_post') {
        const { privateKey } = await generateKeyPair('ECDH-ES', {
          crv: 'P-256',
          extractable: true,
        });
        const privateJwk: JWK = {
          ...(await exportJWK(privateKey)),
          kid: sessionId,
          alg: 'ECDH-ES',
          use: 'enc',
        };
        const { d: _private, ...publicJwk } = privateJwk;
        decryptionJwk = privateJwk;
        jwks.push(publicJwk as Jwk);
      }
      const created = await vp.createOpenId4vpAuthorizationRequest({
        authorizationRequestPayload: {
          response_type: 'vp_token',
          client_id: clientId,
          response_mode: responseMode,
          // Over the DC API the answer returns to the page; the wallet checks it is one of these.
          ...(origin ? { expected_origins: [origin] } : { response_uri: responseUri }),
          nonce: request.nonce,
          state,
          dcql_query: request.dcql_query,
          client_metadata: {
            client_name: options.verifierName,
            vp_formats_supported: vpFormatsSupported(preset.credentials.map((c) => c.format)),
            ...(jwks.length > 0
              ? {
                  jwks: { keys: jwks },
                  encrypted_response_enc_values_supported: ['A128GCM', 'A256GCM'],
                }
              : {}),
          },
          // Not an OpenID4VP parameter: Sanad wallets show it; others ignore it.
          purpose: preset.purpose,
        },
        jar: {
          // By value over the DC API (the browser hands it to the wallet), else by reference.
          ...(origin ? {} : { requestUri: `${baseUrl}/requests/${sessionId}` }),
          jwtSigner: x509
            ? { method: 'x5c', x5c: [...x509.x5c], alg: signer.alg }
            : { method: 'did', didUrl: did.kid, alg: signer.alg },
          expiresInSeconds: requestTtl,
          additionalJwtPayload: { aud: 'https://self-issued.me/v2' },
        },
      });
      authorizationRequest = origin
        ? // What the page passes to navigator.credentials.get({ digital: { requests: [...] } }).
          JSON.stringify({ protocol: DC_API_PROTOCOL, data: created.authorizationRequestObject })
        : created.authorizationRequest;
      requestObject = created.jar!.authorizationRequestJwt;
    }
    const record: SessionRecord = {
      preset: preset.id,
      state,
      request,
      requestObject,
      responseMode,
      ...(decryptionJwk ? { decryptionJwk } : {}),
      ...(redirectUri ? { redirectUri } : {}),
      ...(offline ? { offline: true as const } : {}),
      ...(origin ? { expectedOrigin: origin } : {}),
      status: 'pending',
    };
    await store.put('session', sessionId, record, request.exp, now());
    return { sessionId, authorizationRequest, expiresAt: request.exp };
  }

  const viewOf = (session: SessionRecord): SessionView => ({
    status: session.status,
    preset: session.preset,
    ...(session.result ? { result: session.result } : {}),
    outcome: session.status === 'refused' ? 'refused' : outcomeOf(session.result),
    ...(session.status === 'pending' && session.statusUnavailable
      ? { statusUnavailable: session.statusUnavailable }
      : {}),
    ...(session.refusedAnswers ? { refusedAnswers: session.refusedAnswers } : {}),
    ...(session.lastRefusal ? { lastRefusal: session.lastRefusal } : {}),
    ...(session.status === 'pending' && session.declined ? { declined: session.declined } : {}),
  });

  /** The session while it can still be answered. */
  async function pendingSession(sessionId: string): Promise<StoredRecord<SessionRecord>> {
    const found = await store.get<SessionRecord>('session', sessionId, now());
    // The wallet tells the holder which, by code: ask the desk for a new QR code either way.
    if (!found)
      throw new SanadError('ERR_REQUEST_EXPIRED', 'This request has expired or is unknown.');
    if (found.value.status !== 'pending')
      throw new SanadError('ERR_REQUEST_USED', 'This request was already answered or cancelled.');
    return found;
  }

  /**
   * Applies `change` to the pending session by compare-and-set, reading it again when another
   * answer changed it first (a refusal counted meanwhile must not cost a verified answer its
   * place). Returns the record written, or undefined once the session is no longer pending.
   * `read`, the pending record the caller already has, spares the first read: if it is stale
   * the compare-and-set fails and the session is read again.
   */
  async function update(
    sessionId: string,
    change: (session: SessionRecord) => { next: SessionRecord; expiresAt?: number },
    read?: StoredRecord<SessionRecord>,
  ): Promise<SessionRecord | undefined> {
    for (let round = 0; round < MAX_CAS_ROUNDS; round++) {
      const found =
        round === 0 && read && read.expiresAt > now()
          ? read
          : await store.get<SessionRecord>('session', sessionId, now());
      if (found?.value.status !== 'pending') return undefined;
      const { next, expiresAt } = change(found.value);
      if (
        await store.replace('session', sessionId, found.version, next, expiresAt ?? found.expiresAt)
      ) {
        if (next.status !== 'pending') open.remove(sessionId);
        return next;
      }
    }
    throw new SanadError(
      'ERR_SERVICE_OVERLOADED',
      'Too many answers for this request at once: send it again.',
    );
  }

  /** Records a verdict once: of two racing verdicts one settles the session, the other is told it was used. */
  async function settle(
    sessionId: string,
    result: SessionResult,
    extra: Partial<SessionRecord> = {},
    read?: StoredRecord<SessionRecord>,
  ): Promise<SessionRecord> {
    const settled = await update(
      sessionId,
      (session) => {
        const next: SessionRecord = { ...session, ...extra, status: 'answered', result };
        delete next.decryptionJwk;
        delete next.statusUnavailable;
        return { next, expiresAt: now() + retention };
      },
      read,
    );
    if (!settled) throw new SanadError('ERR_REQUEST_USED', 'This request was already answered.');
    return settled;
  }

  /**
   * Refuses an answer that did not verify: counted on the session, which stays open (its
   * nonce still good) until a verified answer, its expiry or the last allowed refusal closes
   * it. Always throws `reason`.
   */
  async function refuse(
    sessionId: string,
    reason: SanadError,
    verification?: VerificationResult,
  ): Promise<never> {
    const note: RefusalNote = {
      at: now(),
      code: reason.code,
      outcome: verification ? outcomeOf(summarise(verification)) : 'invalid',
    };
    const written = await update(sessionId, (session) => {
      const refusedAnswers = (session.refusedAnswers ?? 0) + 1;
      const next: SessionRecord = { ...session, refusedAnswers, lastRefusal: note };
      if (refusedAnswers < MAX_REFUSED_ANSWERS) return { next };
      next.status = 'refused';
      delete next.decryptionJwk;
      delete next.statusUnavailable;
      return { next, expiresAt: now() + retention };
    });
    log(
      `session ${sessionId}: answer refused (${reason.code}), ${written?.refusedAnswers ?? '?'} refused${written?.status === 'refused' ? ', session closed' : ''}`,
    );
    throw reason;
  }

  /**
   * What a verification that is not a verdict to record does: a status that could not be
   * established leaves the session open (its nonce unspent) with a note for the desk and asks
   * for the same answer again; anything else not verified is refused. Returns only when verified.
   */
  async function requireVerified(
    sessionId: string,
    verification: VerificationResult,
  ): Promise<void> {
    options.onVerification?.(verification);
    if (verification.verified) return;
    if (verification.retryable) {
      const note: StatusUnavailableNote = { at: now(), errors: verification.errors };
      await update(sessionId, (session) => ({ next: { ...session, statusUnavailable: note } }));
      log(`session ${sessionId}: status unavailable, left open for a retry`);
      throw new SanadError(
        'ERR_STATUS_UNAVAILABLE',
        'The status of the credential could not be checked yet. Nothing was used up: send the same answer again later.',
      );
    }
    const first = verification.errors[0];
    await refuse(
      sessionId,
      first ? new SanadError(first.code, first.message) : refusal('The answer did not verify.'),
      verification,
    );
  }

  async function decline(sessionId: string, state: string, error: string): Promise<void> {
    const { value: session } = await pendingSession(sessionId);
    if (state !== session.state)
      await refuse(sessionId, refusal('The state does not match this request.'));
    if (!WALLET_ERROR.test(error))
      await refuse(sessionId, refusal('error must be an OAuth error code.'));
    const declined: DeclineNote = { at: now(), error };
    if (!(await update(sessionId, (current) => ({ next: { ...current, declined } }))))
      throw new SanadError('ERR_REQUEST_USED', 'This request was already answered.');
    log(`session ${sessionId}: declined (${error}), still open for an answer`);
  }

  /** The form as the protocol library reads it, decrypted when encrypted; a library refusal is a refused answer. */
  async function authorizationResponseOf(
    sessionId: string,
    session: SessionRecord,
    form: Readonly<Record<string, string>>,
  ): Promise<Record<string, unknown>> {
    // Parsed once, bounded, here: the library takes a DCQL vp_token as the object it parses to.
    // Anything else goes on as the text sent, so it is refused exactly as before.
    const vpToken = form.vp_token !== undefined ? parseJsonBounded(form.vp_token) : undefined;
    const authorizationResponse = isPlainObject(vpToken)
      ? { ...form, vp_token: vpToken }
      : { ...form };
    if (session.decryptionJwk) sessionKeys.set(sessionId, session.decryptionJwk);
    try {
      const authorizationRequestPayload = JSON.parse(
        new TextDecoder().decode(fromBase64url(session.requestObject.split('.')[1]!)),
      );
      const parsed = await parseOpenid4vpAuthorizationResponse({
        authorizationResponse,
        authorizationRequestPayload,
        callbacks,
      });
      return parsed.authorizationResponsePayload as Record<string, unknown>;
    } catch (err) {
      if (isSanadError(err) && err.category === 'internal') throw err;
      // The library's words may quote the input: say only what was refused.
      throw refusal(
        'The answer is not an OpenID4VP response to this request, or cannot be decrypted.',
      );
    } finally {
      sessionKeys.delete(sessionId);
    }
  }

  async function acceptResponse(
    sessionId: string,
    form: Readonly<Record<string, string>>,
  ): Promise<AcceptedResponse> {
    const pending = await pendingSession(sessionId);
    const session = pending.value;
    if (form.error !== undefined) {
      await decline(sessionId, form.state ?? '', form.error);
      return {};
    }
    let presentations: Record<string, string[]>;
    try {
      const payload = await authorizationResponseOf(sessionId, session, form);
      if (payload.state !== session.state) throw refusal('The state does not match this request.');
      presentations = presentationsOf(payload.vp_token);
    } catch (err) {
      if (isSanadError(err) && err.category !== 'internal') await refuse(sessionId, err);
      throw err;
    }
    const verification = await verifier.verify(
      { vp_token: presentations },
      { request: session.request, replayGuard: 'caller' },
    );
    await requireVerified(sessionId, verification);
    const result = summarise(verification);
    const responseCode = session.redirectUri ? toBase64url(randomBytes(16)) : undefined;
    await settle(sessionId, result, responseCode ? { responseCode } : {}, pending);
    log(`session ${sessionId}: verified`);
    return responseCode
      ? { redirectUri: `${session.redirectUri}#response_code=${responseCode}` }
      : {};
  }

  async function acceptDcApiResponse(
    sessionId: string,
    data: unknown,
    origin: string | undefined,
  ): Promise<SessionView> {
    const { value: session } = await pendingSession(sessionId);
    if (!session.expectedOrigin)
      throw new SanadError('ERR_REQUEST_INVALID', 'This session was not created for the DC API.');
    // The origin binding: the wallet answered a page of this origin, and only it may hand the answer on.
    if (origin !== session.expectedOrigin)
      await refuse(
        sessionId,
        refusal('The answer comes from another origin than the request was made for.'),
      );
    const form = isPlainObject(data) ? data : {};
    if (typeof form.error === 'string') {
      await decline(
        sessionId,
        typeof form.state === 'string' ? form.state : session.state,
        form.error,
      );
    } else {
      if (typeof form.response !== 'string')
        await refuse(sessionId, refusal('A dc_api.jwt answer is an encrypted response.'));
      await acceptResponse(sessionId, { response: form.response as string });
    }
    return view(sessionId);
  }

  async function view(sessionId: string): Promise<SessionView> {
    const found = await store.get<SessionRecord>('session', sessionId, now());
    if (!found) throw new SanadError('ERR_SESSION_NOT_FOUND');
    await forgetOnceRead(sessionId, found.value);
    return viewOf(found.value);
  }

  /** With `forgetResultOnRead`, a settled session is deleted as it is read. */
  async function forgetOnceRead(sessionId: string, session: SessionRecord): Promise<void> {
    if (options.forgetResultOnRead && session.status !== 'pending')
      await store.delete('session', sessionId);
  }

  async function offlineAnswer(sessionId: string, presentation: string): Promise<SessionView> {
    const found = await store.get<SessionRecord>('session', sessionId, now());
    if (!found) throw new SanadError('ERR_SESSION_NOT_FOUND');
    if (!found.value.offline)
      throw new SanadError(
        'ERR_REQUEST_INVALID',
        'This session was not created for an offline answer.',
      );
    if (found.value.status !== 'pending')
      throw new SanadError('ERR_REQUEST_INVALID', 'This request was already answered.');
    const verification = await verifier.verify(presentation, {
      request: found.value.request,
      replayGuard: 'caller',
    });
    await requireVerified(sessionId, verification);
    const answered = await settle(sessionId, summarise(verification), {}, found).catch(
      (err: unknown) => {
        throw isSanadError(err) && err.code === 'ERR_REQUEST_USED'
          ? new SanadError('ERR_REQUEST_INVALID', 'This request was already answered.')
          : err;
      },
    );
    log(`session ${sessionId} (offline): verified`);
    // The desk reads the result in this answer.
    await forgetOnceRead(sessionId, answered);
    return viewOf(answered);
  }

  return {
    clientId,
    lint,
    presets: () => options.presets.map((p) => ({ id: p.id, name: p.name, purpose: p.purpose })),
    createSession,
    async requestObject(sessionId) {
      return (await pendingSession(sessionId)).value.requestObject;
    },
    acceptResponse,
    acceptDcApiResponse,
    decline,
    async result(sessionId, responseCode) {
      const found = await store.get<SessionRecord>('session', sessionId, now());
      if (!found?.value.responseCode || responseCode !== found.value.responseCode)
        throw new SanadError('ERR_NOT_FOUND', 'No result for that response code.');
      await forgetOnceRead(sessionId, found.value);
      return {
        status: found.value.status,
        ...(found.value.result ? { result: found.value.result } : {}),
      };
    },
    view,
    offlineAnswer,
    async forget(sessionId) {
      await store.delete('session', sessionId);
      open.remove(sessionId);
    },
    openSessions: () => open.size(now()),
  };
}
