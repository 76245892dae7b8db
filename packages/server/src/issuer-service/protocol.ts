/**
 * The issuer's protocol, OpenID4VCI 1.0 with the pre-authorized code flow and a transaction
 * code (PIN), on `@openid4vc/openid4vci` and `@openid4vc/oauth2`, as one typed object with no
 * HTTP in it: the route modules parse and validate requests and call it; tests call it directly.
 *
 * Flow: the operator creates an offer (claims sealed under the pre-authorized code, the PIN
 * handed over out of band) -> the wallet trades code + PIN for an access token (once; a few
 * wrong PINs lock the offer, and one client's PINs are counted across offers) -> gets a
 * stateless `c_nonce` -> sends one key proof per copy and receives a batch of unlinkable copies.
 *
 * Every refusal is an `HttpError` or a `SanadError` with a stable Sanad code.
 */
import {
  type AuthorizationServerMetadata,
  type Jwk,
  type JwtSigner,
  Oauth2AuthorizationServer,
  Oauth2Error,
  Oauth2ResourceServer,
  Oauth2ResourceUnauthorizedError,
  Oauth2ServerErrorResponseError,
  preAuthorizedCodeGrantIdentifier,
  type RequestLike,
} from '@openid4vc/oauth2';
import {
  type CredentialConfigurationsSupportedWithFormats,
  type CredentialIssuerMetadata,
  type IssuerMetadataResult,
  Openid4vciIssuer,
  Openid4vciVersion,
} from '@openid4vc/openid4vci';
import { ValidationError } from '@openid4vc/utils';
import {
  type Clock,
  CREDENTIAL_FORMAT_MODULES,
  type CredentialFormatModule,
  type Cryptosuite,
  cryptosuiteFor,
  type CredentialFormat,
  DEFAULT_FORMAT,
  formatOf,
  decodeJwt,
  didJwkFromJwk,
  didOf,
  epochSeconds,
  type HolderKey,
  isSanadError,
  type JWK,
  jwkThumbprint,
  randomBytes,
  SanadError,
  type SanadErrorCode,
  systemClock,
  toBase64url,
} from '@sanad/core';
import type { CredentialType, Issuer, PublishedStatusList } from '@sanad/issuer';
import { sanadCallbacks } from '@sanad/openid4vc';
import { HttpError } from '../http/errors.js';
import type { ServiceStore } from '../store/service-store.js';
import { createCNonces, createSingleUseNonces } from './c-nonce.js';
import { type WalletAttestationOptions, walletAttestationCheck } from './wallet-attestation.js';
import { secretId, seal, unseal } from './sealed.js';

export interface IssuerProtocolOptions {
  issuer: Issuer;
  store: ServiceStore;
  /** The public URL of this service; it is the `credential_issuer` identifier. */
  baseUrl: string;
  /**
   * The `iss` of the SD-JWT VC credentials: `did` (default) the issuer's DID, or `https` the
   * base URL, whose keys this service then publishes as JWT VC Issuer Metadata (see
   * docs/services.md, "Issuer identifier"). VC-JWT credentials carry the DID either way.
   */
  identifier?: 'did' | 'https';
  /** Issuer display name per locale, shown by wallets. */
  displayName?: Record<string, string>;
  /** How long an offer can be redeemed (default 72 h). */
  offerTtlSeconds?: number;
  /** Digits in the transaction code (default 6). */
  txCodeLength?: number;
  /** Wrong transaction codes before the offer locks (default 5). */
  maxTxCodeAttempts?: number;
  /**
   * Wrong transaction codes one client may try across all offers in `txCodeClientWindowSeconds`
   * (default 20 in 10 minutes); then 429 `ERR_RATE_LIMITED`. Clients behind one address (a
   * camp's NAT) share it: raise it where many holders there mistype at once.
   */
  maxTxCodeAttemptsPerClient?: number;
  txCodeClientWindowSeconds?: number;
  /** Offers open at once before creating one answers 503 `ERR_STORE_FULL` (default 10,000). */
  maxOpenOffers?: number;
  /** Copies per credential request (default 10). */
  batchSize?: number;
  accessTokenTtlSeconds?: number;
  cNonceTtlSeconds?: number;
  /**
   * Refuse token requests without a DPoP proof (RFC 9449; HAIP). Without it DPoP is used when a
   * wallet offers it: the token is then bound to the wallet's key, useless to whoever copies it.
   */
  requireDpop?: boolean;
  /** Wallet providers whose attestations this issuer accepts (HAIP), and whether one is required. */
  walletAttestation?: WalletAttestationOptions;
  clock?: Clock;
  log?: (message: string) => void;
}

export interface CreateOfferOptions {
  /** The credential type's short id, e.g. `refugee-status`. */
  type: string;
  format?: CredentialFormat;
  /** For `ldp_vc`: `bbs-2023` with the issuer's BBS key (default `ecdsa-sd-2023`). */
  cryptosuite?: Cryptosuite;
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

export interface TokenRequest {
  /** Method, URL and headers (DPoP, client authentication) as the OAuth library reads them. */
  request: RequestLike;
  /** The form fields of the token request. */
  body: Record<string, unknown>;
  /** Who is asking (see `clientKey`): PIN attempts are also counted per client. */
  client: string;
}

export interface CredentialRequest {
  /** Carries the access token in its `Authorization` header. */
  request: RequestLike;
  body: Record<string, unknown>;
}

export type StatusAction = 'revoke' | 'suspend' | 'reinstate';
export interface StatusChange {
  id: string;
  batch_id: string;
  status: string;
}

type AccessTokenResponse = Awaited<
  ReturnType<Oauth2AuthorizationServer['createAccessTokenResponse']>
>;
type NonceResponse = ReturnType<Openid4vciIssuer['createNonceResponse']>;
type CredentialResponse = ReturnType<Openid4vciIssuer['createCredentialResponse']>;

export interface IssuerProtocol {
  readonly credentialIssuer: CredentialIssuerMetadata;
  readonly authorizationServerMetadata: AuthorizationServerMetadata;
  /** The key that signs access tokens. */
  readonly jwks: { keys: JWK[] };
  /**
   * JWT VC Issuer Metadata (draft-ietf-oauth-sd-jwt-vc) with the keys that sign credentials, and
   * where it is served: only with the https identifier (see `jwtVcIssuerMetadata`).
   */
  readonly jwtVcIssuer: { issuer: string; jwks: { keys: JWK[] } } | undefined;
  /** `/.well-known/jwt-vc-issuer` followed by the path of the base URL, if any. */
  readonly jwtVcIssuerPath: string;
  /** The path of the base URL (`/amman`), or `''`: well-knowns sit between host and path. */
  readonly basePath: string;
  createOffer(input: CreateOfferOptions): Promise<CreatedOffer>;
  /** The token endpoint: pre-authorized code (+ PIN) for an access token, once. */
  redeemPreAuthorizedCode(input: TokenRequest): Promise<AccessTokenResponse>;
  /** A fresh `c_nonce`; stores nothing. */
  nonce(): Promise<NonceResponse>;
  /** A fresh DPoP nonce (RFC 9449 section 8), for the `DPoP-Nonce` header of token and credential responses; stores nothing. */
  dpopNonce(): Promise<string>;
  /** The credential endpoint: one copy per key proof, once per access token. */
  issueCredentials(input: CredentialRequest): Promise<CredentialResponse>;
  /** A signed status list by its path under `/status/`, as this instance publishes it. */
  statusList(path: string): Promise<PublishedStatusList>;
  /** Every list, signed now. */
  publishStatusLists(): Promise<PublishedStatusList[]>;
  /** Every list as this instance publishes it (signed at most every few seconds): readiness. */
  publishedStatusLists(): Promise<PublishedStatusList[]>;
  listCredentials(): ReturnType<Issuer['listCredentials']>;
  /** Changes the status of a credential or a batch, then signs the changed lists at once. */
  changeStatus(action: StatusAction, id: string): Promise<StatusChange[]>;
}

/** The configurations a format offers signed by the issuer's BBS key: its suffix and this (`refugee-status.ldp-vc-bbs`). */
const BBS = '-bbs';
const offersBbs = (format: CredentialFormatModule): boolean =>
  format.cryptosuites?.includes('bbs-2023') === true;
/** The format and suite of a credential configuration id (`refugee-status.sd-jwt`): its suffix. */
function formatOfConfiguration(
  configurationId: string,
): { format: CredentialFormatModule; cryptosuite?: 'bbs-2023' } | undefined {
  const bbs = configurationId.endsWith(BBS);
  const id = bbs ? configurationId.slice(0, -BBS.length) : configurationId;
  const format = CREDENTIAL_FORMAT_MODULES.find(
    (f) => id.endsWith(`.${f.configurationSuffix}`) && (!bbs || offersBbs(f)),
  );
  if (!format) return undefined;
  return bbs ? { format, cryptosuite: 'bbs-2023' } : { format };
}
const PROOF_ALGS = ['ES256', 'EdDSA'];
/** Signing every list is costly: an instance re-signs at most this often, or after its own changes. */
export const STATUS_REFRESH_SECONDS = 30;
const MAX_OFFER_TTL_SECONDS = 90 * 24 * 3600;
/** Credential issuer metadata: "a token request without its tx_code is safe to send" (see `checkTxCode`). */
const TX_CODE_PROBE = 'sanad_tx_code_probe_supported';
/** How long a client is told to wait when the open offers fill the store. */
const STORE_FULL_RETRY_SECONDS = 60;

function configurationsFor(
  types: Iterable<CredentialType>,
  alg: string,
  bbs: boolean,
): CredentialConfigurationsSupportedWithFormats {
  const out: Record<string, unknown> = {};
  for (const type of types) {
    const { definition, metadata } = type;
    const credential_metadata = {
      display: (metadata.display ?? []).map((d) => ({
        name: d.name,
        locale: d.locale,
        ...(d.description ? { description: d.description } : {}),
      })),
      claims: (metadata.claims ?? []).map((c) => ({
        path: c.path,
        display: (c.display ?? []).map((d) => ({ name: d.label, locale: d.locale })),
      })),
    };
    const common = {
      scope: definition.id,
      credential_signing_alg_values_supported: [alg],
      proof_types_supported: { jwt: { proof_signing_alg_values_supported: PROOF_ALGS } },
      credential_metadata,
    };
    for (const format of CREDENTIAL_FORMAT_MODULES) {
      out[`${definition.id}.${format.configurationSuffix}`] = {
        ...common,
        ...format.credentialConfiguration(definition),
      };
      if (bbs && offersBbs(format))
        out[`${definition.id}.${format.configurationSuffix}${BBS}`] = {
          ...common,
          ...format.credentialConfiguration(definition, 'bbs-2023'),
        };
    }
  }
  return out as CredentialConfigurationsSupportedWithFormats;
}

/** The list id in a status list path (`<register>/tsl/3`, `<register>/bsl/3/revocation`). */
function listIdOf(path: string): number | undefined {
  const match = /(?:^|\/)(?:tsl|bsl)\/(\d+)(?:\/(?:revocation|suspension))?$/.exec(path);
  return match ? Number(match[1]) : undefined;
}

/** Uniform decimal PIN from the CSPRNG (rejection sampling, no modulo bias). */
function randomDigits(length: number): string {
  let out = '';
  while (out.length < length)
    for (const b of randomBytes(length))
      if (b < 250 && out.length < length) out += '0123456789'[b % 10];
  return out;
}

/**
 * Runs a protocol library call, turning its refusal of the client's input into an OAuth error
 * with `code`. Typed errors (ours, or the resource server's 401 challenge) pass as they are.
 */
async function library<T>(
  run: () => T | Promise<T>,
  error: string,
  code: SanadErrorCode,
): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (
      err instanceof HttpError ||
      isSanadError(err) ||
      err instanceof Oauth2ResourceUnauthorizedError
    )
      throw err;
    if (err instanceof Oauth2ServerErrorResponseError) {
      throw new HttpError(
        400,
        err.errorResponse.error,
        err.errorResponse.error_description ?? err.message.split('\n')[0]!,
        code,
      );
    }
    if (err instanceof ValidationError || err instanceof Oauth2Error)
      throw new HttpError(400, error, err.message.split('\n')[0]!, code);
    throw err;
  }
}

/** A 401 with its RFC 6750 section 3 challenge: the token is spent, expired or unknown here. */
/** DPoP proofs Sanad verifies: the same algorithms as everything else it checks. */
const DPOP_ALGS = ['ES256', 'EdDSA'] as const;
/** How long a DPoP nonce can be used, and how far a proof's `iat` may be from now. */
const DPOP_NONCE_TTL_SECONDS = 300;

/** RFC 9449 section 7.1 and 9: the token endpoint answers 400, a resource 401 with a DPoP challenge. */
function dpopError(
  at: 'token' | 'resource',
  error: 'invalid_dpop_proof' | 'use_dpop_nonce',
  description: string,
  code: 'ERR_DPOP_PROOF_INVALID' | 'ERR_DPOP_NONCE_REQUIRED',
  headers: Record<string, string> = {},
): HttpError {
  return at === 'token'
    ? new HttpError(400, error, description, code, undefined, headers)
    : new HttpError(401, error, description, code, undefined, {
        ...headers,
        'WWW-Authenticate': `DPoP error="${error}", error_description="${description}", algs="${DPOP_ALGS.join(' ')}"`,
      });
}

const dpopInvalid = (at: 'token' | 'resource', description: string): HttpError =>
  dpopError(at, 'invalid_dpop_proof', description, 'ERR_DPOP_PROOF_INVALID');

const useDpopNonce = (at: 'token' | 'resource', nonce: string): HttpError =>
  dpopError(
    at,
    'use_dpop_nonce',
    'Sign the DPoP proof again with the nonce in the DPoP-Nonce header.',
    'ERR_DPOP_NONCE_REQUIRED',
    { 'DPoP-Nonce': nonce },
  );

function tokenRefused(): HttpError {
  const description = 'The access token was already used or has expired.';
  return new HttpError(401, 'invalid_token', description, 'ERR_TOKEN_INVALID', undefined, {
    'WWW-Authenticate': `Bearer error="invalid_token", error_description="${description}"`,
  });
}

const offerGone = (): HttpError =>
  new HttpError(
    400,
    'invalid_grant',
    'The pre-authorized code is unknown, expired or already used.',
    'ERR_OFFER_EXPIRED',
  );

interface OfferRecord {
  offerId: string;
  configurationId: string;
  /** SHA-256 of `offerId:pin`; the PIN itself is never stored. Attempts are counted by the store. */
  txCodeHash?: string;
  sealedClaims: string;
  expiresAt: number;
}

/** One client's PIN window; its attempts are counted by the store. */
interface ClientWindow {
  rightPins: number;
}

interface TokenRecord {
  offerId: string;
  configurationId: string;
  sealedClaims: string;
}

/**
 * Creates the issuer's protocol object.
 *
 * @example
 * ```ts
 * const protocol = createIssuerProtocol({ issuer, store, baseUrl: 'https://issuer.agency.example' })
 * const { offerUri, txCode } = await protocol.createOffer({ type: 'refugee-status', claims })
 * ```
 */
export function createIssuerProtocol(options: IssuerProtocolOptions): IssuerProtocol {
  const { store } = options;
  const clock = options.clock ?? systemClock;
  const log = options.log ?? ((m: string) => console.error(m));
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const issuer =
    options.identifier === 'https' ? options.issuer.withSdJwtIssuer(baseUrl) : options.issuer;
  const batchSize = options.batchSize ?? 10;
  const maxAttempts = options.maxTxCodeAttempts ?? 5;
  const maxClientAttempts = options.maxTxCodeAttemptsPerClient ?? 20;
  const clientWindow = options.txCodeClientWindowSeconds ?? 600;
  const maxOpenOffers = options.maxOpenOffers ?? 10_000;
  const txCodeLength = options.txCodeLength ?? 6;
  const cNonceTtl = options.cNonceTtlSeconds ?? 300;
  const accessTokenTtl = options.accessTokenTtlSeconds ?? 300;
  const signer = issuer.signer;
  // Access tokens are JWTs signed with the issuer key under their own kid, checked against /jwks.
  const tokenSigner: JwtSigner = {
    method: 'jwk',
    publicJwk: signer.publicJwk as Jwk,
    alg: signer.alg,
    kid: 'access-token',
  };
  const jwks = {
    keys: [{ ...signer.publicJwk, kid: 'access-token', use: 'sig', alg: signer.alg }],
  };
  // The metadata's issuer MUST be identical to the credentials' iss, and its location is derived
  // from an https iss: with a DID as iss there is no JWT VC Issuer Metadata to publish, so the
  // endpoint answers 404 rather than name an issuer no credential carries (keys come from the DID).
  const jwtVcIssuer =
    options.identifier === 'https'
      ? {
          issuer: baseUrl,
          jwks: {
            keys: issuer.verificationKeys.map((k) => ({
              ...k.publicJwk,
              kid: k.kid,
              use: 'sig',
              alg: k.alg,
            })),
          },
        }
      : undefined;
  const basePath = new URL(baseUrl).pathname.replace(/\/+$/, '');
  const jwtVcIssuerPath = `/.well-known/jwt-vc-issuer${basePath}`;
  const cNonces = createCNonces(store, cNonceTtl);
  const dpopNonces = createSingleUseNonces(store, DPOP_NONCE_TTL_SECONDS, 'dpop_nonce');
  const attestedWallet = options.walletAttestation
    ? walletAttestationCheck(options.walletAttestation, {
        store,
        audience: baseUrl,
        now: () => epochSeconds(clock),
      })
    : undefined;

  /**
   * What RFC 9449 asks of a proof beyond what the OAuth library checks: a nonce this service
   * minted and nobody used (so a proof is good once: a replay is refused) and an `iat` close to
   * now (the library does not look at it). A missing or spent nonce is answered with a fresh one.
   */
  async function checkDpopFreshness(dpopJwt: string, at: 'token' | 'resource'): Promise<void> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = decodeJwt(dpopJwt));
    } catch {
      throw dpopInvalid(at, 'The DPoP proof is not a JWT.');
    }
    const t = now();
    if (typeof payload.iat !== 'number' || Math.abs(payload.iat - t) > DPOP_NONCE_TTL_SECONDS)
      throw dpopInvalid(at, 'The DPoP proof was not made just now (iat).');
    if (typeof payload.nonce !== 'string' || !(await dpopNonces.redeem(payload.nonce, t)))
      throw useDpopNonce(at, await dpopNonces.mint(t));
  }

  const callbacks = sanadCallbacks({
    signerFor: () => signer,
    // The resource server fetches the authorization server's JWKS: that is this service, so answer in-process.
    fetch: async (input) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (url === `${baseUrl}/jwks`) return Response.json(jwks);
      throw new SanadError(
        'ERR_FETCH_URL_FORBIDDEN',
        'The issuer service fetches nothing from the network.',
      );
    },
  });
  const vci = new Openid4vciIssuer({ callbacks });
  const authorizationServer = new Oauth2AuthorizationServer({ callbacks });
  const resourceServer = new Oauth2ResourceServer({ callbacks });

  const authorizationServerMetadata: AuthorizationServerMetadata =
    authorizationServer.createAuthorizationServerMetadata({
      issuer: baseUrl,
      token_endpoint: `${baseUrl}/token`,
      jwks_uri: `${baseUrl}/jwks`,
      'pre-authorized_grant_anonymous_access_supported': true,
      dpop_signing_alg_values_supported: [...DPOP_ALGS],
      ...(options.walletAttestation
        ? {
            token_endpoint_auth_methods_supported: [
              'attest_jwt_client_auth',
              ...(options.walletAttestation.required ? [] : ['none']),
            ],
          }
        : {}),
      grant_types_supported: [preAuthorizedCodeGrantIdentifier],
      // REQUIRED by RFC 8414 section 2; none, truthfully: only the pre-authorized code grant, no authorization endpoint.
      response_types_supported: [],
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
    ...(options.displayName
      ? { display: Object.entries(options.displayName).map(([locale, name]) => ({ locale, name })) }
      : {}),
    credential_configurations_supported: configurationsFor(
      issuer.types.values(),
      signer.alg,
      issuer.bbsIssuerId !== undefined,
    ),
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
    if (typeof input.type !== 'string')
      throw new SanadError('ERR_INVALID_INPUT', 'The credential type must be a string.');
    const type = issuer.types.get(input.type);
    if (!type)
      throw new SanadError(
        'ERR_CREDENTIAL_TYPE_UNKNOWN',
        'No credential type of that name is defined here.',
      );
    const format = formatOf(input.format ?? DEFAULT_FORMAT);
    if (input.txCode !== undefined && typeof input.txCode !== 'boolean')
      throw new SanadError('ERR_INVALID_INPUT', 'tx_code must be true or false.');
    const ttl = input.ttlSeconds ?? options.offerTtlSeconds ?? 72 * 3600;
    if (!Number.isSafeInteger(ttl) || ttl < 1 || ttl > MAX_OFFER_TTL_SECONDS) {
      throw new SanadError(
        'ERR_INVALID_INPUT',
        `The offer's lifetime must be a whole number of seconds from 1 to ${MAX_OFFER_TTL_SECONDS}.`,
      );
    }
    const claims = type.validateClaims(input.claims);
    // A soft cap: offers created in parallel at the brink may pass it by a few.
    if ((await store.count('offer', now())) >= maxOpenOffers) {
      log(`offer refused: ${maxOpenOffers} offers are open`);
      throw new HttpError(
        503,
        'temporarily_unavailable',
        'The service holds as many open offers as it allows: try again later.',
        'ERR_STORE_FULL',
        undefined,
        {
          'Retry-After': `${STORE_FULL_RETRY_SECONDS}`,
        },
      );
    }
    const bbs = cryptosuiteFor(format, input.cryptosuite) === 'bbs-2023';
    if (bbs && issuer.bbsIssuerId === undefined) throw new SanadError('ERR_BBS_KEY_MISSING');
    const configurationId = `${input.type}.${format.configurationSuffix}${bbs ? BBS : ''}`;
    const offerId = crypto.randomUUID();
    const code = toBase64url(randomBytes(32));
    const pin = input.txCode === false ? undefined : randomDigits(txCodeLength);
    const expiresAt = now() + ttl;
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
          ...(pin
            ? {
                tx_code: {
                  input_mode: 'numeric',
                  length: pin.length,
                  description: 'The PIN you were given with this offer',
                },
              }
            : {}),
        },
      },
    });
    return { offerId, offerUri: credentialOffer, ...(pin ? { txCode: pin } : {}), expiresAt };
  }

  /**
   * Reserves one of the client's PIN attempts in this window, or refuses with 429. The window
   * allows `maxClientAttempts` plus one per right PIN already given from this client, so only
   * wrong PINs use it up while every reservation stays one atomic step (strict under parallel
   * guesses). Counted after the offer's own attempt, so guesses at a locked offer cost nothing.
   */
  async function reserveClientAttempt(client: string): Promise<string> {
    const id = secretId(`tx-code-client:${client}`);
    const t = now();
    await store.put<ClientWindow>('tx_code_client', id, { rightPins: 0 }, t + clientWindow, t);
    const window = await store.get<ClientWindow>('tx_code_client', id, t);
    const allowance = maxClientAttempts + (window?.value.rightPins ?? 0);
    if ((await store.countAttempt('tx_code_client', id, allowance, t)) !== undefined) return id;
    const retryAfter = Math.max(1, (window?.expiresAt ?? t + clientWindow) - t);
    log(
      `transaction codes refused for one client: ${maxClientAttempts} wrong within ${clientWindow} s`,
    );
    throw new HttpError(
      429,
      'slow_down',
      'Too many wrong transaction codes came from this client: wait and try again.',
      'ERR_RATE_LIMITED',
      undefined,
      {
        'Retry-After': `${retryAfter}`,
      },
    );
  }

  /** Gives back the attempt a right PIN used (compare-and-set; under heavy contention a credit may be lost, never gained). */
  async function creditRightPin(id: string): Promise<void> {
    for (let tries = 0; tries < 5; tries += 1) {
      const window = await store.get<ClientWindow>('tx_code_client', id, now());
      if (!window) return;
      if (
        await store.replace(
          'tx_code_client',
          id,
          window.version,
          { rightPins: window.value.rightPins + 1 },
          window.expiresAt,
        )
      )
        return;
    }
  }

  /**
   * Checks the PIN. Each guess first reserves one of the offer's attempts, then one of the
   * client's, each in a single atomic store update, and only then is compared: however many
   * guesses arrive in parallel, on however many instances, at most `maxAttempts` per offer and
   * `maxClientAttempts` per client and window are ever compared.
   */
  async function checkTxCode(
    codeId: string,
    txCode: string | undefined,
    client: string,
  ): Promise<OfferRecord> {
    const found = await store.get<OfferRecord>('offer', codeId, now());
    if (!found) throw offerGone();
    const offer = found.value;
    if (!offer.txCodeHash) return offer;
    // No PIN sent is a malformed request, not a guess: nothing is compared, nothing counted.
    if (txCode === undefined)
      throw new HttpError(
        400,
        'invalid_grant',
        'This offer needs its transaction code (PIN).',
        'ERR_TX_CODE_REQUIRED',
      );
    const attempt = await store.countAttempt('offer', codeId, maxAttempts, now());
    if (attempt === undefined)
      throw new HttpError(
        400,
        'invalid_grant',
        'Too many wrong transaction codes: this offer is locked.',
        'ERR_OFFER_LOCKED',
      );
    const clientWindowId = await reserveClientAttempt(client);
    if (txCodeHash(offer.offerId, txCode) === offer.txCodeHash) {
      await creditRightPin(clientWindowId);
      return offer;
    }
    // Only a guess that was compared says how many are left (0: this one locked the offer).
    const left = maxAttempts - attempt;
    if (left === 0) log(`offer ${offer.offerId} locked after ${attempt} wrong transaction codes`);
    throw left === 0
      ? new HttpError(
          400,
          'invalid_grant',
          'The transaction code is wrong, and that was the last attempt: this offer is locked.',
          'ERR_OFFER_LOCKED',
          {
            sanad_attempts_left: 0,
          },
        )
      : new HttpError(
          400,
          'invalid_grant',
          `The transaction code is wrong (${left} attempt${left === 1 ? '' : 's'} left).`,
          'ERR_TX_CODE_INVALID',
          {
            sanad_attempts_left: left,
          },
        );
  }

  async function redeemPreAuthorizedCode({
    request,
    body,
    client,
  }: TokenRequest): Promise<AccessTokenResponse> {
    // The wallet first, by its headers (the library would refuse half a pair without a code of ours).
    const wallet = await attestedWallet?.(request);
    const parsed = await library(
      () => authorizationServer.parseAccessTokenRequest({ request, accessTokenRequest: body }),
      'invalid_request',
      'ERR_INVALID_INPUT',
    );
    const { grant } = parsed;
    // The proofs first: a bad or stale one costs the holder no PIN attempt.
    const dpopJwt = parsed.dpop?.jwt;
    if (dpopJwt === undefined && options.requireDpop)
      throw new HttpError(
        400,
        'invalid_dpop_proof',
        'This issuer requires a DPoP proof (RFC 9449) with the token request.',
        'ERR_DPOP_REQUIRED',
      );
    let dpopJwk: Jwk | undefined;
    if (dpopJwt !== undefined) {
      await checkDpopFreshness(dpopJwt, 'token');
      dpopJwk = (
        await library(
          () =>
            authorizationServer.verifyDpopJwt({
              dpopJwt,
              request,
              allowedSigningAlgs: [...DPOP_ALGS],
              now: new Date(clock.now()),
            }),
          'invalid_dpop_proof',
          'ERR_DPOP_PROOF_INVALID',
        )
      ).header.jwk as Jwk;
    }
    if (grant.grantType !== preAuthorizedCodeGrantIdentifier) {
      throw new HttpError(
        400,
        'unsupported_grant_type',
        'Only the pre-authorized code grant is supported.',
        'ERR_INVALID_INPUT',
      );
    }
    const code = grant.preAuthorizedCode;
    const codeId = secretId(code);
    const offer = await checkTxCode(codeId, grant.txCode, client);
    await library(
      () =>
        authorizationServer.verifyPreAuthorizedCodeAccessTokenRequest({
          authorizationServerMetadata,
          grant,
          accessTokenRequest: parsed.accessTokenRequest,
          request,
          expectedPreAuthorizedCode: code,
          ...(grant.txCode !== undefined ? { expectedTxCode: grant.txCode } : {}),
          preAuthorizedCodeExpiresAt: new Date(offer.expiresAt * 1000),
          now: new Date(clock.now()),
        }),
      'invalid_grant',
      'ERR_OFFER_EXPIRED',
    );
    // Used once: of two concurrent redemptions only one takes the offer.
    const taken = await store.take<OfferRecord>('offer', codeId, now());
    if (!taken) throw offerGone();
    const claims = await unseal(code, 'offer', taken.sealedClaims);
    const response = await authorizationServer.createAccessTokenResponse({
      authorizationServer: baseUrl,
      audience: baseUrl,
      signer: tokenSigner,
      expiresInSeconds: accessTokenTtl,
      subject: taken.offerId,
      ...(wallet ? { clientId: wallet.clientId } : {}),
      ...(dpopJwk ? { dpop: { jwk: dpopJwk } } : {}),
      now: new Date(clock.now()),
    });
    const token = response.access_token;
    const record: TokenRecord = {
      offerId: taken.offerId,
      configurationId: taken.configurationId,
      sealedClaims: await seal(token, 'access-token', claims),
    };
    await store.put('access_token', secretId(token), record, now() + accessTokenTtl, now());
    return response;
  }

  async function issueCredentials({
    request,
    body,
  }: CredentialRequest): Promise<CredentialResponse> {
    const dpopJwt = request.headers.get('dpop');
    if (dpopJwt) await checkDpopFreshness(dpopJwt, 'resource');
    // A DPoP-bound token (cnf.jkt) is refused without a proof by its key: a copied token is useless.
    const { tokenPayload } = await resourceServer.verifyResourceRequest({
      request,
      resourceServer: baseUrl,
      authorizationServers: [authorizationServerMetadata],
      allowedAuthenticationSchemes: ['Bearer', 'DPoP'] as never,
      now: new Date(clock.now()),
    });
    const token = (request.headers.get('authorization') ?? '').split(' ', 2)[1] ?? '';
    const tokenId = secretId(token);
    const found = await store.get<TokenRecord>('access_token', tokenId, now());
    if (!found || tokenPayload.sub !== found.value.offerId) throw tokenRefused();
    const parsed = await library(
      () => vci.parseCredentialRequest({ issuerMetadata, credentialRequest: body }),
      'invalid_credential_request',
      'ERR_INVALID_INPUT',
    );
    if (parsed.credentialConfigurationId !== found.value.configurationId) {
      throw new HttpError(
        400,
        'invalid_credential_request',
        'This access token is for another credential configuration.',
        'ERR_CREDENTIAL_TYPE_MISMATCH',
      );
    }
    const proofs = parsed.proofs?.jwt ?? [];
    if (proofs.length === 0)
      throw new HttpError(
        400,
        'invalid_proof',
        'One JWT key proof per copy is required.',
        'ERR_HOLDER_BINDING_MISSING',
      );
    if (proofs.length > batchSize)
      throw new HttpError(
        400,
        'invalid_credential_request',
        `At most ${batchSize} copies per request.`,
        'ERR_INVALID_INPUT',
      );

    // Every proof carries the same c_nonce, issued by the nonce endpoint and accepted once.
    const nonces = new Set<unknown>();
    for (const jwt of proofs) {
      try {
        nonces.add(decodeJwt(jwt).payload.nonce);
      } catch {
        throw new HttpError(400, 'invalid_proof', 'A key proof is not a JWT.', 'ERR_JWT_MALFORMED');
      }
    }
    const [nonce] = nonces;
    if (nonces.size !== 1 || typeof nonce !== 'string') {
      throw new HttpError(
        400,
        'invalid_nonce',
        'Every key proof must carry one c_nonce from the nonce endpoint.',
        'ERR_NONCE_INVALID',
      );
    }
    await cNonces.redeem(nonce, now());

    const holders: HolderKey[] = [];
    for (const jwt of proofs) {
      const { signer: proofSigner } = await library(
        () =>
          vci.verifyCredentialRequestJwtProof({
            issuerMetadata,
            jwt,
            expectedNonce: nonce,
            now: new Date(clock.now()),
          }),
        'invalid_proof',
        'ERR_HOLDER_BINDING_INVALID',
      );
      const jwk = proofSigner.publicJwk as JWK;
      holders.push({
        did: proofSigner.method === 'did' ? didOf(proofSigner.didUrl) : didJwkFromJwk(jwk),
        jwk,
      });
    }
    const thumbprints = new Set(await Promise.all(holders.map((h) => jwkThumbprint(h.jwk))));
    if (thumbprints.size !== holders.length) {
      throw new HttpError(
        400,
        'invalid_proof',
        'Each copy must be bound to its own key (copies are for one-time use).',
        'ERR_HOLDER_BINDING_INVALID',
      );
    }

    // Issue once per token, even if two requests race here.
    const spent = await store.take<TokenRecord>('access_token', tokenId, now());
    if (!spent) throw tokenRefused();
    const claims = await unseal(token, 'access-token', spent.sealedClaims);
    const [typeId] = spent.configurationId.split('.') as [string];
    const { format, cryptosuite } = formatOfConfiguration(spent.configurationId)!;
    const { bundle, records } = await issuer.issue({
      type: typeId,
      format: format.id,
      ...(cryptosuite ? { cryptosuite } : {}),
      claims,
      holders,
      batchId: spent.offerId,
    });
    await publishNewLists(records.map((r) => r.listId));
    return vci.createCredentialResponse({
      credentialRequest: parsed,
      credentials: bundle.credentials.map((credential) => ({ credential })),
    });
  }

  /** A credential in a list not published yet (a new list, or a new key's first): sign now, not in 30 s. */
  async function publishNewLists(listIds: number[]): Promise<void> {
    if (!published) return;
    const known = new Set((await published.lists.catch(() => [])).map((l) => listIdOf(l.path)));
    if (listIds.some((id) => !known.has(id))) published = undefined;
  }

  let published: { at: number; lists: Promise<PublishedStatusList[]> } | undefined;
  const statusLists = (): Promise<PublishedStatusList[]> => {
    if (!published || now() - published.at >= STATUS_REFRESH_SECONDS) {
      const lists = issuer.publishStatusLists();
      published = { at: now(), lists };
      lists.catch(() => (published = undefined));
    }
    return published.lists;
  };

  return {
    credentialIssuer,
    authorizationServerMetadata,
    jwks,
    jwtVcIssuer,
    jwtVcIssuerPath,
    basePath,
    createOffer,
    redeemPreAuthorizedCode,
    // Only c_nonce (OpenID4VCI 1.0 section 7.2): c_nonce_expires_in was dropped from the final text.
    nonce: async () => vci.createNonceResponse({ cNonce: await cNonces.mint(now()) }),
    dpopNonce: () => dpopNonces.mint(now()),
    issueCredentials,
    async statusList(path) {
      let list = (await statusLists()).find((l) => l.path === path);
      // Another instance may have opened a list since this one signed: look again, at most every
      // few seconds, so unknown paths cannot make it sign all the time.
      if (!list && listIdOf(path) !== undefined && published && now() - published.at >= 5) {
        published = undefined;
        list = (await statusLists()).find((l) => l.path === path);
      }
      if (!list) throw new HttpError(404, 'not_found', 'No such status list.', 'ERR_NOT_FOUND');
      return list;
    },
    publishStatusLists: () => issuer.publishStatusLists(),
    publishedStatusLists: statusLists,
    listCredentials: () => issuer.listCredentials(),
    async changeStatus(action, id) {
      const records = await issuer[action](id);
      // Signed now, so the next fetch of a list already shows the change.
      published = undefined;
      await statusLists().catch(() =>
        log(`status lists not re-signed after ${action}: the next fetch retries`),
      );
      return records.map((r) => ({ id: r.id, batch_id: r.batchId, status: r.status }));
    },
  };
}
