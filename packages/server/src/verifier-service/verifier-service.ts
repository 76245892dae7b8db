/**
 * The verifier service: OpenID4VP 1.0 with DCQL on `@openid4vc/openid4vp`.
 *
 * A session is one request: a signed request object fetched by `request_uri`, bound to a fresh
 * nonce and state, answered once at its own `response_uri` (`direct_post`, or `direct_post.jwt`
 * encrypted to a per-session key). An offline session packs its signed request object into a
 * small `SANADR1:` code instead, for a wallet with no network, and is answered by the operator
 * posting the holder's `SANAD1:` code. The result holds only the requested claims and is forgotten after
 * `resultRetentionSeconds`.
 */
import type { Jwk } from '@openid4vc/oauth2';
import { Openid4vpVerifier, parseOpenid4vpAuthorizationResponse } from '@openid4vc/openid4vp';
import {
  type Clock,
  didJwkFromJwk,
  encodeOfflineRequest,
  epochSeconds,
  type ErrorReport,
  isPlainObject,
  type JWK,
  offlineClientId,
  type PresentationRequest,
  randomBytes,
  SanadError,
  type Signer,
  systemClock,
  toBase64url,
  tryParseJson,
  type VerificationResult,
  VP_FORMATS_SUPPORTED,
} from '@sanad/core';
import { sanadCallbacks } from '@sanad/openid4vc';
import { createPresentationRequest, type NonceStore, type Verifier } from '@sanad/verifier';
import { Hono } from 'hono';
import { exportJWK, generateKeyPair } from 'jose';
import { publicCors } from '../http/cors.js';
import { errorResponse, HttpError } from '../http/errors.js';
import { limitBody } from '../http/limits.js';
import { operatorAuth } from '../http/operator-auth.js';
import { staticFiles } from '../http/static-files.js';
import { createObservability, instrument, type Observability } from '../observability/observability.js';
import { signingKeyLoaded, statusListsUsable, trustListCurrent } from '../observability/readiness.js';
import type { ServiceStore, StoredRecord } from '../store/service-store.js';
import { outcomeOf, type SessionOutcome } from './outcome.js';
import { checkPresets, type LintFinding, type VerifierPreset } from './presets.js';

export type ResponseMode = 'direct_post' | 'direct_post.jwt';

export interface VerifierServiceOptions {
  /** Verifies presentations: trust list, status, clock; its nonce store must be {@link serviceNonceStore} of `store`. */
  verifier: Verifier;
  store: ServiceStore;
  /** The public URL of this service. */
  baseUrl: string;
  /** Signs request objects; the client id is `decentralized_identifier:<did>` of this key (did:jwk unless `did` is set). */
  signer: Signer;
  /** A did:web (or other DID) whose document lists `signer`'s key as `kid`. */
  did?: { did: string; kid: string };
  verifierName: string;
  presets: VerifierPreset[];
  operatorToken?: string;
  /** Start even when a preset asks for more than its purpose lists (it is still logged). */
  allowOverAsking?: boolean;
  /** How long a request can be answered (default 300 s). */
  requestTtlSeconds?: number;
  /** How long a result is kept for the operator to read (default 300 s), then forgotten. */
  resultRetentionSeconds?: number;
  clock?: Clock;
  /** Where the service's messages go (default: its JSON logger, see `observability`). */
  log?: (message: string) => void;
  /** JSON logs, metrics and readiness (default: logs on standard error, a metrics registry of its own). */
  observability?: Observability;
  /** The built desk page (`@sanad/verifier-web`'s `dist`, an absolute path), served at `/desk/`. */
  deskDir?: string;
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

export type SessionStatus = 'pending' | 'answered';

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

/** What the operator reads about a session. */
export interface SessionView {
  status: SessionStatus;
  preset: string;
  result?: SessionResult;
  /** The result in one word, for a receptionist's screen (see {@link outcomeOf}). */
  outcome: SessionOutcome;
  /** While pending: an answer came but its status could not be checked yet. */
  statusUnavailable?: StatusUnavailableNote;
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
  status: SessionStatus;
  responseCode?: string;
  result?: SessionResult;
  statusUnavailable?: StatusUnavailableNote;
}

/** The verifier's request nonces, in the shared store (so any instance can check any response). */
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

/**
 * Creates the verifier service.
 *
 * @example
 * ```ts
 * const service = await createVerifierService({ verifier, store, baseUrl, signer, verifierName: 'Al Noor Clinic', presets, operatorToken })
 * ```
 */
export async function createVerifierService(options: VerifierServiceOptions) {
  const { store, verifier, signer } = options;
  const observability = options.observability ?? createObservability('verifier');
  const log = options.log ?? observability.log;
  const lint: LintFinding[] = checkPresets(options.presets, { ...(options.allowOverAsking ? { allowOverAsking: true } : {}), log });
  const clock = options.clock ?? systemClock;
  const now = (): number => epochSeconds(clock);
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const requestTtl = options.requestTtlSeconds ?? 300;
  const retention = options.resultRetentionSeconds ?? 300;
  const did = options.did ?? { did: didJwkFromJwk(signer.publicJwk), kid: `${didJwkFromJwk(signer.publicJwk)}#0` };
  const clientId = `decentralized_identifier:${did.did}`;
  const presets = new Map(options.presets.map((p) => [p.id, p]));
  const nonceStore = serviceNonceStore(store);

  const sessionKeys = new Map<string, JWK>();
  const callbacks = sanadCallbacks({
    signerFor: () => signer,
    // Only the session being answered has its key loaded (see /responses).
    decryptionKeyFor: (kid) => (kid ? sessionKeys.get(kid) : undefined),
  });
  const vp = new Openid4vpVerifier({ callbacks });

  async function createSession(input: CreateSessionOptions): Promise<CreatedSession> {
    const preset = presets.get(input.preset);
    if (!preset) throw new SanadError('ERR_REQUEST_INVALID', `No preset "${input.preset}".`);
    const offline = input.offline === true;
    const responseMode = input.responseMode ?? (offline ? 'direct_post' : 'direct_post.jwt');
    if (responseMode !== 'direct_post' && responseMode !== 'direct_post.jwt') throw new SanadError('ERR_REQUEST_INVALID', 'response_mode must be direct_post or direct_post.jwt.');
    if (input.redirectUri !== undefined && !/^https?:\/\//.test(input.redirectUri)) throw new SanadError('ERR_REQUEST_INVALID', 'redirect_uri must be an http(s) URL.');
    // The answer of an offline session reaches the desk as a QR code: nothing to encrypt it for, nowhere to redirect.
    if (offline && (responseMode !== 'direct_post' || input.redirectUri !== undefined)) throw new SanadError('ERR_REQUEST_INVALID', 'An offline session takes neither a response_mode nor a redirect_uri.');
    const sessionId = toBase64url(randomBytes(16));
    const state = toBase64url(randomBytes(16));
    const request = await createPresentationRequest({
      // An offline request names its signer by did:jwk: the wallet has no network to resolve anything else.
      clientId: offline ? offlineClientId(signer.publicJwk) : clientId,
      verifierName: options.verifierName,
      purpose: preset.purpose,
      credentials: preset.credentials,
      ttlSeconds: requestTtl,
      clock,
      nonceStore,
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
      if (responseMode === 'direct_post.jwt') {
        const { privateKey } = await generateKeyPair('ECDH-ES', { crv: 'P-256', extractable: true });
        const privateJwk: JWK = { ...(await exportJWK(privateKey)), kid: sessionId, alg: 'ECDH-ES', use: 'enc' };
        const { d: _private, ...publicJwk } = privateJwk;
        decryptionJwk = privateJwk;
        jwks.push(publicJwk as Jwk);
      }
      const created = await vp.createOpenId4vpAuthorizationRequest({
        authorizationRequestPayload: {
          response_type: 'vp_token',
          client_id: clientId,
          response_mode: responseMode,
          response_uri: responseUri,
          nonce: request.nonce,
          state,
          dcql_query: request.dcql_query,
          client_metadata: {
            client_name: options.verifierName,
            vp_formats_supported: Object.fromEntries(preset.credentials.map((c) => [c.format, VP_FORMATS_SUPPORTED[c.format]])),
            ...(jwks.length > 0 ? { jwks: { keys: jwks }, encrypted_response_enc_values_supported: ['A128GCM', 'A256GCM'] } : {}),
          },
          // Not an OpenID4VP parameter: Sanad wallets show it; others ignore it.
          purpose: preset.purpose,
        },
        jar: {
          requestUri: `${baseUrl}/requests/${sessionId}`,
          jwtSigner: { method: 'did', didUrl: did.kid, alg: signer.alg },
          expiresInSeconds: requestTtl,
          additionalJwtPayload: { aud: 'https://self-issued.me/v2' },
        },
      });
      authorizationRequest = created.authorizationRequest;
      requestObject = created.jar!.authorizationRequestJwt;
    }
    const record: SessionRecord = {
      preset: preset.id,
      state,
      request,
      requestObject,
      responseMode,
      ...(decryptionJwk ? { decryptionJwk } : {}),
      ...(input.redirectUri ? { redirectUri: input.redirectUri } : {}),
      ...(offline ? { offline: true as const } : {}),
      status: 'pending',
    };
    await store.put('session', sessionId, record, request.exp, now());
    return { sessionId, authorizationRequest, expiresAt: request.exp };
  }

  const viewOf = (session: SessionRecord): SessionView => ({
    status: session.status,
    preset: session.preset,
    ...(session.result ? { result: session.result } : {}),
    outcome: outcomeOf(session.result),
    ...(session.status === 'pending' && session.statusUnavailable ? { statusUnavailable: session.statusUnavailable } : {}),
  });

  async function sessionResult(sessionId: string): Promise<SessionView> {
    const found = await store.get<SessionRecord>('session', sessionId, now());
    if (!found) throw new SanadError('ERR_SESSION_NOT_FOUND');
    return viewOf(found.value);
  }

  /**
   * What an answer that reached no verdict does to a session: an answer that is not a
   * presentation at all is refused and changes nothing; one whose status could not be
   * established leaves the session open (its nonce unspent) with a note for the desk, and the
   * sender is told to send it again. Either way it throws; a verdict returns.
   */
  async function refuseUndecided(sessionId: string, found: StoredRecord<SessionRecord>, verification: VerificationResult): Promise<void> {
    observability.metrics.recordVerification(verification);
    const notAPresentation = verification.errors.find((e) => e.code === 'ERR_NOT_A_PRESENTATION');
    if (notAPresentation) throw new SanadError('ERR_NOT_A_PRESENTATION', notAPresentation.message);
    if (!verification.retryable) return;
    const note: StatusUnavailableNote = { at: now(), errors: verification.errors };
    // Best effort: if another answer changed the session meanwhile, its own outcome stands.
    await store.replace('session', sessionId, found.version, { ...found.value, statusUnavailable: note }, found.expiresAt);
    log(`session ${sessionId}: status unavailable, left open for a retry`);
    throw new SanadError('ERR_STATUS_UNAVAILABLE', 'The status of the credential could not be checked yet. Nothing was used up: send the same answer again later.');
  }

  /** Records the answer once (compare-and-set: of two racing answers one wins); undefined if another came first. */
  async function answer(sessionId: string, found: StoredRecord<SessionRecord>, result: SessionResult, extra: Partial<SessionRecord> = {}): Promise<SessionRecord | undefined> {
    const answered: SessionRecord = { ...found.value, ...extra, status: 'answered', result };
    delete answered.decryptionJwk;
    delete answered.statusUnavailable;
    return (await store.replace('session', sessionId, found.version, answered, now() + retention)) ? answered : undefined;
  }

  /**
   * Verifies a holder's offline answer (`SANAD1:…` read from their screen) for an offline
   * session and records it as `/responses` would: once, only the requested claims.
   */
  async function answerOffline(sessionId: string, presentation: string): Promise<SessionView> {
    const found = await store.get<SessionRecord>('session', sessionId, now());
    if (!found) throw new SanadError('ERR_SESSION_NOT_FOUND');
    if (!found.value.offline) throw new SanadError('ERR_REQUEST_INVALID', 'This session was not created for an offline answer.');
    if (found.value.status !== 'pending') throw new SanadError('ERR_REQUEST_INVALID', 'This request was already answered.');
    const verification = await verifier.verify(presentation, { request: found.value.request });
    await refuseUndecided(sessionId, found, verification);
    const result = summarise(verification);
    const answered = await answer(sessionId, found, result);
    if (!answered) throw new SanadError('ERR_REQUEST_INVALID', 'This request was already answered.');
    log(`session ${sessionId} (offline): ${result.verified ? 'verified' : `rejected (${result.errors.map((e) => e.code).join(', ')})`}`);
    return viewOf(answered);
  }

  const app = new Hono();
  instrument(app, observability, {
    operatorToken: options.operatorToken,
    store,
    kinds: ['session', 'vp_nonce'],
    now,
    checks: {
      signing_key: signingKeyLoaded(signer),
      trust_list: trustListCurrent(verifier.trustList, clock),
      status_lists: statusListsUsable(observability.metrics),
    },
  });
  app.onError((err, c) => errorResponse(c, err, log));
  app.notFound((c) => c.json({ error: 'not_found', error_description: 'No such endpoint.' }, 404));
  for (const path of ['/requests/*', '/responses/*', '/results/*']) app.use(path, publicCors);
  app.use('*', limitBody);

  app.get('/requests/:id', async (c) => {
    const found = await store.get<SessionRecord>('session', c.req.param('id'), now());
    // The wallet tells the holder which, by code: ask the desk for a new QR code either way.
    if (!found) throw new HttpError(404, 'invalid_request_uri', 'This request has expired or is unknown.', 'ERR_REQUEST_EXPIRED');
    if (found.value.status !== 'pending') throw new HttpError(404, 'invalid_request_uri', 'This request was already answered or cancelled.', 'ERR_REQUEST_USED');
    c.header('Content-Type', 'application/oauth-authz-req+jwt');
    c.header('Cache-Control', 'no-store');
    return c.body(found.value.requestObject);
  });

  app.post('/responses/:id', async (c) => {
    const sessionId = c.req.param('id');
    const found = await store.get<SessionRecord>('session', sessionId, now());
    if (!found) throw new HttpError(400, 'invalid_request', 'This request has expired or is unknown.', 'ERR_REQUEST_EXPIRED');
    const session = found.value;
    if (session.status !== 'pending') throw new HttpError(400, 'invalid_request', 'This request was already answered.', 'ERR_REQUEST_USED');
    const contentType = c.req.header('content-type') ?? '';
    if (!contentType.includes('application/x-www-form-urlencoded')) throw new HttpError(400, 'invalid_request', 'Responses are posted as a form.');
    const body = Object.fromEntries(new URLSearchParams(await c.req.text()));
    if (typeof body.error === 'string') {
      if (body.state !== session.state) throw new HttpError(400, 'invalid_request', 'The state does not match this request.');
      // The holder declined (or the wallet failed): record it, nothing else.
      const result: SessionResult = { verified: false, issuer: '', credentialType: '', claims: {}, status: 'unknown', errors: [{ code: 'ERR_CONSENT_DECLINED', message: `The wallet answered ${body.error}.` } as ErrorReport], warnings: [] };
      await answer(sessionId, found, result);
      return c.json({});
    }
    if (session.decryptionJwk) sessionKeys.set(sessionId, session.decryptionJwk);
    let parsed;
    try {
      const authorizationRequestPayload = JSON.parse(Buffer.from(session.requestObject.split('.')[1]!, 'base64url').toString('utf8'));
      parsed = await parseOpenid4vpAuthorizationResponse({ authorizationResponse: body, authorizationRequestPayload, callbacks });
    } finally {
      sessionKeys.delete(sessionId);
    }
    const payload = parsed.authorizationResponsePayload;
    if (payload.state !== session.state) throw new HttpError(400, 'invalid_request', 'The state does not match this request.');
    // In a form post vp_token arrives as JSON text; in an encrypted response it is already parsed.
    const vpToken = typeof payload.vp_token === 'string' && payload.vp_token.startsWith('{') ? tryParseJson(payload.vp_token) : payload.vp_token;
    if (!isPlainObject(vpToken)) throw new HttpError(400, 'invalid_request', 'vp_token must be a DCQL response (an object keyed by query id).');
    const response = { vp_token: Object.fromEntries(Object.entries(vpToken).map(([id, v]) => [id, (Array.isArray(v) ? v : [v]).map(String)])) };
    const verification = await verifier.verify(response, { request: session.request });
    await refuseUndecided(sessionId, found, verification);
    const result = summarise(verification);
    const responseCode = session.redirectUri ? toBase64url(randomBytes(16)) : undefined;
    const saved = await answer(sessionId, found, result, responseCode ? { responseCode } : {});
    if (!saved) throw new HttpError(400, 'invalid_request', 'This request was already answered.', 'ERR_REQUEST_USED');
    log(`session ${sessionId}: ${result.verified ? 'verified' : `rejected (${result.errors.map((e) => e.code).join(', ')})`}`);
    c.header('Cache-Control', 'no-store');
    return c.json(responseCode ? { redirect_uri: `${session.redirectUri}#response_code=${responseCode}` } : {});
  });

  // Same-device: the page the wallet redirects to reads the result with the response code.
  app.get('/results/:id', async (c) => {
    const found = await store.get<SessionRecord>('session', c.req.param('id'), now());
    const code = c.req.query('response_code');
    if (!found || !found.value.responseCode || code !== found.value.responseCode) throw new HttpError(404, 'not_found', 'No result for that response code.');
    c.header('Cache-Control', 'no-store');
    return c.json({ status: found.value.status, result: found.value.result });
  });

  if (options.operatorToken !== undefined) {
    const operator = new Hono();
    operator.use('*', operatorAuth(options.operatorToken));
    operator.get('/presets', (c) => c.json({ presets: options.presets.map((p) => ({ id: p.id, name: p.name, purpose: p.purpose })), lint }));
    operator.post('/sessions', async (c) => {
      const body: unknown = await c.req.json().catch(() => undefined);
      if (!isPlainObject(body)) throw new HttpError(400, 'invalid_request', 'Send a JSON object.');
      const session = await createSession({
        preset: String(body.preset ?? ''),
        ...(body.response_mode !== undefined ? { responseMode: body.response_mode as ResponseMode } : {}),
        ...(typeof body.redirect_uri === 'string' ? { redirectUri: body.redirect_uri } : {}),
        ...(body.offline === true ? { offline: true } : {}),
      });
      return c.json({ session_id: session.sessionId, authorization_request: session.authorizationRequest, expires_at: session.expiresAt }, 201);
    });
    operator.get('/sessions/:id', async (c) => {
      c.header('Cache-Control', 'no-store');
      return c.json(await sessionResult(c.req.param('id')));
    });
    operator.post('/sessions/:id/offline', async (c) => {
      const body: unknown = await c.req.json().catch(() => undefined);
      if (!isPlainObject(body) || typeof body.presentation !== 'string') throw new HttpError(400, 'invalid_request', 'Send a JSON object with the holder\'s code as "presentation".');
      c.header('Cache-Control', 'no-store');
      return c.json(await answerOffline(c.req.param('id'), body.presentation));
    });
    operator.delete('/sessions/:id', async (c) => {
      await store.delete('session', c.req.param('id'));
      return c.body(null, 204);
    });
    app.route('/operator', operator);
  }

  if (options.deskDir !== undefined) {
    const desk = staticFiles({ root: options.deskDir, prefix: '/desk/' });
    // Relative, so it also holds behind a proxy that mounts the service under a path.
    app.get('/desk', (c) => c.redirect('desk/', 301));
    app.get('/desk/*', (c) => desk(c.req.raw));
  }

  return { app, createSession, sessionResult, answerOffline, clientId, lint };
}

export type VerifierService = Awaited<ReturnType<typeof createVerifierService>>;
