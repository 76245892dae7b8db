/**
 * The issuer service: OpenID4VCI 1.0 with the pre-authorized code flow and a transaction code
 * (PIN), on `@openid4vc/openid4vci` and `@openid4vc/oauth2`, over web-standard Request/Response (Hono).
 *
 * Flow: the operator creates an offer (claims sealed under the pre-authorized code, the PIN
 * handed over out of band) -> the wallet trades code + PIN for an access token at `/token`
 * (once; a few wrong PINs lock the offer) -> gets a `c_nonce` at `/nonce` -> sends one key
 * proof per copy to `/credential` and receives a batch of unlinkable copies.
 */
import { type AuthorizationServerMetadata, type Jwk, type JwtSigner, Oauth2AuthorizationServer, Oauth2ResourceServer, preAuthorizedCodeGrantIdentifier } from '@openid4vc/oauth2';
import {
  type CredentialConfigurationsSupportedWithFormats,
  type CredentialIssuerMetadata,
  type IssuerMetadataResult,
  Openid4vciIssuer,
  Openid4vciVersion,
} from '@openid4vc/openid4vci';
import {
  type Clock,
  type CredentialFormat,
  decodeJwt,
  didJwkFromJwk,
  didOf,
  epochSeconds,
  type HolderKey,
  isPlainObject,
  type JWK,
  jwkThumbprint,
  randomBytes,
  SanadError,
  systemClock,
  toBase64url,
} from '@sanad/core';
import type { CredentialType, Issuer, PublishedStatusList } from '@sanad/issuer';
import { sanadCallbacks } from '@sanad/openid4vc';
import { Hono } from 'hono';
import { publicCors } from '../http/cors.js';
import { errorResponse, HttpError } from '../http/errors.js';
import { limitBody } from '../http/limits.js';
import { operatorAuth } from '../http/operator-auth.js';
import { requestLike } from '../http/request-like.js';
import { createObservability, instrument, type Observability } from '../observability/observability.js';
import { signingKeyLoaded } from '../observability/readiness.js';
import type { ServiceStore } from '../store/service-store.js';
import { secretId, seal, unseal } from './sealed.js';

export interface IssuerServiceOptions {
  issuer: Issuer;
  store: ServiceStore;
  /** The public URL of this service; it is the `credential_issuer` identifier. */
  baseUrl: string;
  /** Bearer token for the operator API; without one the operator API is not served. */
  operatorToken?: string;
  /** Issuer display name per locale, shown by wallets. */
  displayName?: Record<string, string>;
  /** How long an offer can be redeemed (default 72 h). */
  offerTtlSeconds?: number;
  /** Digits in the transaction code (default 6). */
  txCodeLength?: number;
  /** Wrong transaction codes before the offer locks (default 5). */
  maxTxCodeAttempts?: number;
  /** Copies per credential request (default 10). */
  batchSize?: number;
  accessTokenTtlSeconds?: number;
  cNonceTtlSeconds?: number;
  clock?: Clock;
  /** Where the service's messages go (default: its JSON logger, see `observability`). */
  log?: (message: string) => void;
  /** JSON logs, metrics and readiness (default: logs on standard error, a metrics registry of its own). */
  observability?: Observability;
}

export interface CreateOfferOptions {
  /** The credential type's short id, e.g. `refugee-status`. */
  type: string;
  format?: CredentialFormat;
  claims: unknown;
  /** Ask for a transaction code (default true). Turn off only where the link itself is delivered privately. */
  txCode?: boolean;
  ttlSeconds?: number;
}

export interface CreatedOffer {
  /** Also the batch id of the credentials issued from it: revoke by this id. */
  offerId: string;
  /** `openid-credential-offer://?credential_offer=...`, for a QR code or a link. */
  offerUri: string;
  /** Give this to the holder through another channel (SMS, paper, in person); never stored. */
  txCode?: string;
  expiresAt: number;
}

interface OfferRecord {
  offerId: string;
  configurationId: string;
  /** SHA-256 of `offerId:pin`; the PIN itself is never stored. Attempts are counted by the store. */
  txCodeHash?: string;
  sealedClaims: string;
  expiresAt: number;
}

interface TokenRecord {
  offerId: string;
  configurationId: string;
  sealedClaims: string;
}

const FORMAT_SUFFIX: Record<CredentialFormat, string> = { 'dc+sd-jwt': 'sd-jwt', jwt_vc_json: 'vc-jwt' };
const PROOF_ALGS = ['ES256', 'EdDSA'];
const STATUS_REFRESH_SECONDS = 30;
/** Credential issuer metadata: "a token request without its tx_code is safe to send" (see `checkTxCode`). */
const TX_CODE_PROBE = 'sanad_tx_code_probe_supported';

function configurationsFor(types: Iterable<CredentialType>, alg: string): CredentialConfigurationsSupportedWithFormats {
  const out: Record<string, unknown> = {};
  for (const type of types) {
    const { definition, metadata } = type;
    const credential_metadata = {
      display: (metadata.display ?? []).map((d) => ({ name: d.name, locale: d.locale, ...(d.description ? { description: d.description } : {}) })),
      claims: (metadata.claims ?? []).map((c) => ({ path: c.path, display: (c.display ?? []).map((d) => ({ name: d.label, locale: d.locale })) })),
    };
    const common = {
      scope: definition.id,
      credential_signing_alg_values_supported: [alg],
      proof_types_supported: { jwt: { proof_signing_alg_values_supported: PROOF_ALGS } },
      credential_metadata,
    };
    out[`${definition.id}.${FORMAT_SUFFIX['dc+sd-jwt']}`] = { ...common, format: 'dc+sd-jwt', vct: definition.vct, cryptographic_binding_methods_supported: ['jwk'] };
    out[`${definition.id}.${FORMAT_SUFFIX.jwt_vc_json}`] = {
      ...common,
      format: 'jwt_vc_json',
      cryptographic_binding_methods_supported: ['did:key', 'did:jwk'],
      credential_definition: { type: ['VerifiableCredential', definition.vcType] },
    };
  }
  return out as CredentialConfigurationsSupportedWithFormats;
}

/** Uniform decimal PIN from the CSPRNG (rejection sampling, no modulo bias). */
function randomDigits(length: number): string {
  let out = '';
  while (out.length < length) for (const b of randomBytes(length)) if (b < 250 && out.length < length) out += String(b % 10);
  return out;
}

const parseBody = async (req: Request): Promise<Record<string, unknown>> => {
  const type = req.headers.get('content-type') ?? '';
  if (type.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(await req.text()));
  if (type.includes('application/json')) {
    const body: unknown = await req.json().catch(() => undefined);
    if (isPlainObject(body)) return body;
  }
  throw new HttpError(400, 'invalid_request', 'The request body must be a JSON object or a form.');
};

/**
 * Creates the issuer service.
 *
 * @example
 * ```ts
 * const service = createIssuerService({ issuer, store, baseUrl: 'https://issuer.agency.example', operatorToken })
 * serve({ fetch: service.app.fetch, port: 8080 })
 * ```
 */
export function createIssuerService(options: IssuerServiceOptions) {
  const { issuer, store } = options;
  const clock = options.clock ?? systemClock;
  const observability = options.observability ?? createObservability('issuer');
  const log = options.log ?? observability.log;
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const batchSize = options.batchSize ?? 10;
  const maxAttempts = options.maxTxCodeAttempts ?? 5;
  const txCodeLength = options.txCodeLength ?? 6;
  const cNonceTtl = options.cNonceTtlSeconds ?? 300;
  const accessTokenTtl = options.accessTokenTtlSeconds ?? 300;
  const signer = issuer.signer;
  // Access tokens are JWTs signed with the issuer key under their own kid, checked against /jwks.
  const tokenSigner: JwtSigner = { method: 'jwk', publicJwk: signer.publicJwk as Jwk, alg: signer.alg, kid: 'access-token' };
  const jwks = { keys: [{ ...signer.publicJwk, kid: 'access-token', use: 'sig', alg: signer.alg }] };

  const callbacks = sanadCallbacks({
    signerFor: () => signer,
    // The resource server fetches the authorization server's JWKS: that is this service, so answer in-process.
    fetch: async (input) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (url === `${baseUrl}/jwks`) return Response.json(jwks);
      throw new SanadError('ERR_FETCH_URL_FORBIDDEN', 'The issuer service fetches nothing from the network.');
    },
  });
  const vci = new Openid4vciIssuer({ callbacks });
  const authorizationServer = new Oauth2AuthorizationServer({ callbacks });
  const resourceServer = new Oauth2ResourceServer({ callbacks });

  const authorizationServerMetadata: AuthorizationServerMetadata = authorizationServer.createAuthorizationServerMetadata({
    issuer: baseUrl,
    token_endpoint: `${baseUrl}/token`,
    jwks_uri: `${baseUrl}/jwks`,
    'pre-authorized_grant_anonymous_access_supported': true,
    grant_types_supported: [preAuthorizedCodeGrantIdentifier],
  });
  const credentialIssuer: CredentialIssuerMetadata = vci.createCredentialIssuerMetadata({
    credential_issuer: baseUrl,
    credential_endpoint: `${baseUrl}/credential`,
    nonce_endpoint: `${baseUrl}/nonce`,
    batch_credential_issuance: { batch_size: batchSize },
    // An extension (wallets ignore what they do not know): a token request without tx_code is
    // answered with the offer's state and never counts as a guess, so a wallet can say that an
    // offer expired before it asks for the PIN. See docs/web-wallet.md.
    [TX_CODE_PROBE]: true,
    ...(options.displayName ? { display: Object.entries(options.displayName).map(([locale, name]) => ({ locale, name })) } : {}),
    credential_configurations_supported: configurationsFor(issuer.types.values(), signer.alg),
  });
  const issuerMetadata: IssuerMetadataResult = {
    originalDraftVersion: Openid4vciVersion.V1,
    credentialIssuer,
    authorizationServers: [authorizationServerMetadata],
    knownCredentialConfigurations: vci.getKnownCredentialConfigurationsSupported(credentialIssuer),
  };

  const now = (): number => epochSeconds(clock);
  const txCodeHash = (offerId: string, pin: string): string => secretId(`${offerId}:${pin}`);

  async function createOffer(input: CreateOfferOptions): Promise<CreatedOffer> {
    const type = issuer.types.get(input.type);
    if (!type) throw new SanadError('ERR_CREDENTIAL_TYPE_UNKNOWN', `No credential type "${input.type}" is defined here.`);
    const format = input.format ?? 'dc+sd-jwt';
    if (!(format in FORMAT_SUFFIX)) throw new SanadError('ERR_UNSUPPORTED_FORMAT');
    const claims = type.validateClaims(input.claims);
    const configurationId = `${input.type}.${FORMAT_SUFFIX[format]}`;
    const offerId = crypto.randomUUID();
    const code = toBase64url(randomBytes(32));
    const pin = input.txCode === false ? undefined : randomDigits(txCodeLength);
    const expiresAt = now() + (input.ttlSeconds ?? options.offerTtlSeconds ?? 72 * 3600);
    const record: OfferRecord = {
      offerId,
      configurationId,
      ...(pin ? { txCodeHash: txCodeHash(offerId, pin) } : {}),
      sealedClaims: await seal(code, 'offer', claims),
      expiresAt,
    };
    await store.put('offer', secretId(code), record, expiresAt, now());
    const { credentialOffer } = await vci.createCredentialOffer({
      issuerMetadata,
      credentialConfigurationIds: [configurationId],
      grants: {
        [preAuthorizedCodeGrantIdentifier]: {
          'pre-authorized_code': code,
          ...(pin ? { tx_code: { input_mode: 'numeric', length: pin.length, description: 'The PIN you were given with this offer' } } : {}),
        },
      },
    });
    return { offerId, offerUri: credentialOffer, ...(pin ? { txCode: pin } : {}), expiresAt };
  }

  /**
   * Checks the PIN. Each guess first reserves one of the offer's attempts in a single atomic
   * store update and only then is compared, so however many guesses arrive in parallel, on
   * however many instances, at most `maxAttempts` are ever compared.
   */
  async function checkTxCode(codeId: string, txCode: string | undefined): Promise<OfferRecord> {
    const found = await store.get<OfferRecord>('offer', codeId, now());
    if (!found) throw new HttpError(400, 'invalid_grant', 'The pre-authorized code is unknown, expired or already used.', 'ERR_OFFER_EXPIRED');
    const offer = found.value;
    if (!offer.txCodeHash) return offer;
    // No PIN sent is a malformed request, not a guess: nothing is compared, nothing counted.
    if (txCode === undefined) throw new HttpError(400, 'invalid_grant', 'This offer needs its transaction code (PIN).', 'ERR_TX_CODE_REQUIRED');
    const attempt = await store.countAttempt('offer', codeId, maxAttempts, now());
    if (attempt === undefined) throw new HttpError(400, 'invalid_grant', 'Too many wrong transaction codes: this offer is locked.', 'ERR_OFFER_LOCKED');
    if (txCodeHash(offer.offerId, txCode) === offer.txCodeHash) return offer;
    // Only a guess that was compared says how many are left (0: this one locked the offer).
    const left = maxAttempts - attempt;
    if (left === 0) log(`offer ${offer.offerId} locked after ${attempt} wrong transaction codes`);
    throw left === 0
      ? new HttpError(400, 'invalid_grant', 'The transaction code is wrong, and that was the last attempt: this offer is locked.', 'ERR_OFFER_LOCKED', { sanad_attempts_left: 0 })
      : new HttpError(400, 'invalid_grant', `The transaction code is wrong (${left} attempt${left === 1 ? '' : 's'} left).`, 'ERR_TX_CODE_INVALID', { sanad_attempts_left: left });
  }

  const app = new Hono();
  instrument(app, observability, {
    operatorToken: options.operatorToken,
    store,
    kinds: ['offer', 'access_token', 'c_nonce'],
    now,
    // The lists as this instance publishes them (signed at most every STATUS_REFRESH_SECONDS).
    checks: { signing_key: signingKeyLoaded(signer), status_lists: () => statusLists() },
  });
  app.onError((err, c) => errorResponse(c, err, log));
  app.notFound((c) => c.json({ error: 'not_found', error_description: 'No such endpoint.' }, 404));
  for (const path of ['/.well-known/*', '/token', '/nonce', '/credential', '/status/*', '/jwks']) app.use(path, publicCors);
  app.use('*', limitBody);

  app.get('/.well-known/openid-credential-issuer', (c) => c.json(credentialIssuer));
  app.get('/.well-known/oauth-authorization-server', (c) => c.json(authorizationServerMetadata));
  app.get('/jwks', (c) => c.json(jwks));
  // SD-JWT VC issuer key discovery (draft-ietf-oauth-sd-jwt-vc): the keys that sign credentials.
  app.get('/.well-known/jwt-vc-issuer', (c) => c.json({ issuer: baseUrl, jwks: { keys: [{ ...signer.publicJwk, kid: issuer.kid, use: 'sig', alg: signer.alg }] } }));

  app.post('/token', async (c) => {
    const body = await parseBody(c.req.raw);
    const parsed = authorizationServer.parseAccessTokenRequest({ request: requestLike(c), accessTokenRequest: body });
    if (parsed.grant.grantType !== preAuthorizedCodeGrantIdentifier) throw new HttpError(400, 'unsupported_grant_type', 'Only the pre-authorized code grant is supported.');
    const code = parsed.grant.preAuthorizedCode;
    const codeId = secretId(code);
    const offer = await checkTxCode(codeId, parsed.grant.txCode);
    await authorizationServer.verifyPreAuthorizedCodeAccessTokenRequest({
      authorizationServerMetadata,
      grant: parsed.grant,
      accessTokenRequest: parsed.accessTokenRequest,
      request: requestLike(c),
      expectedPreAuthorizedCode: code,
      ...(parsed.grant.txCode !== undefined ? { expectedTxCode: parsed.grant.txCode } : {}),
      preAuthorizedCodeExpiresAt: new Date(offer.expiresAt * 1000),
      now: new Date(clock.now()),
    });
    // Used once: of two concurrent redemptions only one takes the offer.
    const taken = await store.take<OfferRecord>('offer', codeId, now());
    if (!taken) throw new HttpError(400, 'invalid_grant', 'The pre-authorized code is unknown, expired or already used.', 'ERR_OFFER_EXPIRED');
    const claims = await unseal(code, 'offer', taken.sealedClaims);
    const response = await authorizationServer.createAccessTokenResponse({
      authorizationServer: baseUrl,
      audience: baseUrl,
      signer: tokenSigner,
      expiresInSeconds: accessTokenTtl,
      subject: taken.offerId,
      now: new Date(clock.now()),
    });
    const token = response.access_token;
    const record: TokenRecord = { offerId: taken.offerId, configurationId: taken.configurationId, sealedClaims: await seal(token, 'access-token', claims) };
    await store.put('access_token', secretId(token), record, now() + accessTokenTtl, now());
    c.header('Cache-Control', 'no-store');
    return c.json(response);
  });

  app.post('/nonce', async (c) => {
    const cNonce = toBase64url(randomBytes(16));
    await store.put('c_nonce', cNonce, {}, now() + cNonceTtl, now());
    c.header('Cache-Control', 'no-store');
    return c.json(vci.createNonceResponse({ cNonce, cNonceExpiresIn: cNonceTtl }));
  });

  app.post('/credential', async (c) => {
    const { tokenPayload } = await resourceServer.verifyResourceRequest({
      request: requestLike(c),
      resourceServer: baseUrl,
      authorizationServers: [authorizationServerMetadata],
      allowedAuthenticationSchemes: ['Bearer' as never],
      now: new Date(clock.now()),
    });
    const token = (c.req.header('authorization') ?? '').slice('Bearer '.length);
    const tokenId = secretId(token);
    const found = await store.get<TokenRecord>('access_token', tokenId, now());
    if (!found || tokenPayload.sub !== found.value.offerId) throw new HttpError(401, 'invalid_token', 'The access token was already used or has expired.');
    const request = vci.parseCredentialRequest({ issuerMetadata, credentialRequest: await parseBody(c.req.raw) });
    if (request.credentialConfigurationId !== found.value.configurationId) throw new HttpError(400, 'invalid_credential_request', 'This access token is for another credential configuration.');
    const proofs = request.proofs?.jwt ?? [];
    if (proofs.length === 0) throw new HttpError(400, 'invalid_proof', 'One JWT key proof per copy is required.');
    if (proofs.length > batchSize) throw new HttpError(400, 'invalid_credential_request', `At most ${batchSize} copies per request.`);

    // Every proof carries the same c_nonce, issued by /nonce and accepted once.
    const nonces = new Set(proofs.map((jwt) => (typeof jwt === 'string' ? decodeJwt(jwt).payload.nonce : undefined)));
    const [nonce] = nonces;
    if (nonces.size !== 1 || typeof nonce !== 'string') throw new HttpError(400, 'invalid_nonce', 'Every key proof must carry one c_nonce from the nonce endpoint.');
    const nonceRecord = await store.take('c_nonce', nonce, now());
    if (!nonceRecord) throw new HttpError(400, 'invalid_nonce', 'The c_nonce is unknown, expired or already used.');

    const holders: HolderKey[] = [];
    for (const jwt of proofs) {
      const { signer: proofSigner } = await vci.verifyCredentialRequestJwtProof({ issuerMetadata, jwt, expectedNonce: nonce, now: new Date(clock.now()) });
      const jwk = proofSigner.publicJwk as JWK;
      holders.push({ did: proofSigner.method === 'did' ? didOf(proofSigner.didUrl) : didJwkFromJwk(jwk), jwk });
    }
    const thumbprints = new Set(await Promise.all(holders.map((h) => jwkThumbprint(h.jwk))));
    if (thumbprints.size !== holders.length) throw new HttpError(400, 'invalid_proof', 'Each copy must be bound to its own key (copies are for one-time use).');

    // Issue once per token, even if two requests race here.
    const token_ = await store.take<TokenRecord>('access_token', tokenId, now());
    if (!token_) throw new HttpError(401, 'invalid_token', 'The access token was already used or has expired.');
    const claims = await unseal(token, 'access-token', token_.sealedClaims);
    const [typeId, suffix] = token_.configurationId.split('.') as [string, string];
    const format = (Object.keys(FORMAT_SUFFIX) as CredentialFormat[]).find((f) => FORMAT_SUFFIX[f] === suffix)!;
    const { bundle } = await issuer.issue({ type: typeId, format, claims, holders, batchId: token_.offerId });
    c.header('Cache-Control', 'no-store');
    return c.json(vci.createCredentialResponse({ credentialRequest: request, credentials: bundle.credentials.map((credential) => ({ credential })) }));
  });

  // Status lists, signed. Signing every list is costly, so this instance re-signs at most every
  // `STATUS_REFRESH_SECONDS` or after its own status changes; CDNs may cache for as long.
  let published: { at: number; lists: Promise<PublishedStatusList[]> } | undefined;
  const statusLists = (): Promise<PublishedStatusList[]> => {
    if (!published || now() - published.at >= STATUS_REFRESH_SECONDS) {
      const lists = issuer.publishStatusLists();
      published = { at: now(), lists };
      lists.catch(() => (published = undefined));
    }
    return published.lists;
  };
  app.get('/status/*', async (c) => {
    const path = c.req.path.slice('/status/'.length);
    const list = (await statusLists()).find((l) => l.path === path);
    if (!list) throw new HttpError(404, 'not_found', 'No such status list.');
    c.header('Cache-Control', `public, max-age=${STATUS_REFRESH_SECONDS}`);
    c.header('Content-Type', list.kind === 'token' ? 'application/statuslist+jwt' : 'application/vc+jwt');
    return c.body(list.token);
  });

  if (options.operatorToken !== undefined) {
    const operator = new Hono();
    operator.use('*', operatorAuth(options.operatorToken));
    operator.post('/offers', async (c) => {
      const body = await parseBody(c.req.raw);
      const offer = await createOffer({
        type: String(body.type ?? ''),
        claims: body.claims,
        ...(body.format !== undefined ? { format: body.format as CredentialFormat } : {}),
        ...(body.tx_code === false ? { txCode: false } : {}),
        ...(typeof body.ttl_seconds === 'number' ? { ttlSeconds: body.ttl_seconds } : {}),
      });
      c.header('Cache-Control', 'no-store');
      return c.json({ offer_id: offer.offerId, credential_offer_uri: offer.offerUri, tx_code: offer.txCode, expires_at: offer.expiresAt }, 201);
    });
    // What the register holds (ids, types, statuses, dates; never claim values) and the signed
    // lists as this instance publishes them, for `sanad issuer list | status-list --service`.
    operator.get('/credentials', async (c) => c.json({ credentials: await issuer.listCredentials() }));
    operator.get('/status-lists', async (c) => {
      c.header('Cache-Control', 'no-store');
      return c.json({ lists: await issuer.publishStatusLists() });
    });
    for (const action of ['revoke', 'suspend', 'reinstate'] as const) {
      operator.post(`/credentials/:id/${action}`, async (c) => {
        const records = await issuer[action](c.req.param('id'));
        published = undefined;
        return c.json({ changed: records.map((r) => ({ id: r.id, batch_id: r.batchId, status: r.status })) });
      });
    }
    app.route('/operator', operator);
  }

  return { app, createOffer, metadata: credentialIssuer, authorizationServerMetadata };
}

export type IssuerService = ReturnType<typeof createIssuerService>;
