/**
 * Receiving a credential over OpenID4VCI 1.0 (pre-authorized code + transaction code), through
 * `@openid4vc/openid4vci`: resolve the offer and the issuer's metadata, trade code and PIN for
 * an access token, then ask for a batch of copies, each bound to a fresh key.
 */
import {
  type Jwk,
  Oauth2ClientErrorResponseError,
  preAuthorizedCodeGrantIdentifier,
} from '@openid4vc/oauth2';
import { Openid4vciClient, Openid4vciRetrieveCredentialsError } from '@openid4vc/openid4vci';
import {
  type CredentialBundle,
  formatOf,
  type CredentialTypeMetadata,
  didOf,
  generateKeyPair,
  isPlainObject,
  SanadError,
  type SanadErrorCode,
  type SignatureAlgorithm,
  type Signer,
  signerFromJwk,
} from '@sanad/core';
import { sanadCallbacks } from '@sanad/openid4vc';
import { type ProtocolFetch, protocolFetch } from './fetch.js';
import { describeLibraryError, linkSecrets, withoutSecrets } from './library-error.js';

/** What the issuer says about the transaction code, to show at the prompt. */
export interface TxCodePrompt {
  length?: number;
  inputMode?: 'numeric' | 'text';
  description?: string;
}

export interface ReceiveOptions {
  /** Asks the holder for the transaction code (PIN) the issuer sent separately. */
  txCode?: (prompt: TxCodePrompt) => Promise<string>;
  /** Copies to ask for (default 3, capped by the issuer's batch size): one per presentation keeps them unlinkable. */
  copies?: number;
  alg?: SignatureAlgorithm;
  /** Default: https only, no internal addresses (pass one with `allowInsecure` for a local sandbox). */
  fetch?: typeof globalThis.fetch;
}

/** What the wallet lends the protocol code: key creation, signing by DID, and import. */
export interface ReceiveCapabilities {
  createKeys(count: number, alg: SignatureAlgorithm): Promise<Array<{ did: string }>>;
  signerFor(did: string): Promise<Signer>;
}

export interface ReceivedCredential {
  issuer: string;
  /** The issuer's names by language (`display` in its metadata), for the holder's cards. */
  issuerDisplay: Array<{ locale: string; name: string }>;
  configurationId: string;
  bundle: CredentialBundle;
}

/** Sanad issuer metadata extension: a token request without tx_code is answered with the offer's state and counts as no attempt. */
const TX_CODE_PROBE = 'sanad_tx_code_probe_supported';

/** The issuer's text, or `fallback` when it sent something else (never converted: it may be any JSON). */
const text = (value: unknown, fallback: string): string =>
  typeof value === 'string' ? value : fallback;

/** Type metadata for the wallet's cards from the issuer's OpenID4VCI credential configuration. */
function metadataOf(configuration: Record<string, unknown>): CredentialTypeMetadata {
  const meta = isPlainObject(configuration.credential_metadata)
    ? configuration.credential_metadata
    : {};
  const display = Array.isArray(meta.display) ? meta.display.filter(isPlainObject) : [];
  const claims = Array.isArray(meta.claims) ? meta.claims.filter(isPlainObject) : [];
  const definition = isPlainObject(configuration.credential_definition)
    ? configuration.credential_definition
    : {};
  const named = display.map((d) => ({
    locale: text(d.locale, 'en'),
    name: text(d.name, ''),
    ...(typeof d.description === 'string' ? { description: d.description } : {}),
  }));
  return {
    vct: typeof configuration.vct === 'string' ? configuration.vct : '',
    ...(named[0] ? { name: (named.find((d) => d.locale === 'en') ?? named[0]).name } : {}),
    display: named,
    claims: claims
      .filter((c) => Array.isArray(c.path))
      .map((c) => ({
        path: c.path as Array<string | number | null>,
        display: (Array.isArray(c.display) ? c.display.filter(isPlainObject) : []).map((d) => ({
          locale: text(d.locale, 'en'),
          label: text(d.name, ''),
        })),
      })),
    ...(Array.isArray(definition.type)
      ? { vc_type: definition.type.filter((t): t is string => typeof t === 'string') }
      : {}),
  };
}

/**
 * What a Sanad issuer may answer (`sanad_code`) that the holder can act on: the wallet gives these
 * codes as they are; any other code, or none, reads as a protocol error.
 */
const ISSUER_ANSWERS: readonly SanadErrorCode[] = [
  'ERR_OFFER_EXPIRED',
  'ERR_OFFER_LOCKED',
  'ERR_TX_CODE_REQUIRED',
  'ERR_TX_CODE_INVALID',
  'ERR_RATE_LIMITED',
  'ERR_SERVICE_OVERLOADED',
  'ERR_NONCE_INVALID',
  'ERR_TOKEN_INVALID',
];

/** The error body and the HTTP response of a refusal by the issuer, from either library error. */
function refusalOf(
  err: unknown,
): { body: Record<string, unknown>; response: { headers: Headers } | undefined } | undefined {
  if (err instanceof Oauth2ClientErrorResponseError)
    return { body: err.errorResponse, response: err.response };
  if (err instanceof Openid4vciRetrieveCredentialsError) {
    const data: unknown = err.response.credentialErrorResponseResult?.data;
    return { body: isPlainObject(data) ? data : {}, response: err.response.response };
  }
  return undefined;
}

/** Seconds to wait from a `Retry-After` given in seconds (RFC 9110 section 10.2.3), capped at a day. */
function retryAfterOf(response: { headers: Headers } | undefined): number | undefined {
  const value = response?.headers.get('retry-after') ?? '';
  return /^[0-9]{1,6}$/.test(value) ? Math.min(Number(value), 86_400) : undefined;
}

/**
 * Turns the issuer's refusal into a Sanad error the holder can act on, by its `sanad_code` (the
 * English description is for people and is never read). Without a code, an OAuth `invalid_grant`
 * (RFC 6749 section 5.2) still means the offer cannot be redeemed. Any words kept have every
 * secret of the exchange taken out: an issuer may echo the code, the PIN or the token it was sent.
 */
function protocolError(
  net: ProtocolFetch,
  err: unknown,
  secrets: ReadonlyArray<string | undefined>,
): never {
  const ours = net.explain(err);
  if (ours) throw ours;
  const refusal = refusalOf(err);
  if (refusal) {
    const { body } = refusal;
    const said =
      typeof body.error_description === 'string'
        ? withoutSecrets(body.error_description, secrets)
        : '';
    const sanadCode = ISSUER_ANSWERS.find((code) => code === body.sanad_code);
    if (sanadCode === 'ERR_TX_CODE_INVALID') {
      const left = body.sanad_attempts_left;
      throw new SanadError(
        'ERR_TX_CODE_INVALID',
        said || undefined,
        Number.isSafeInteger(left) ? { details: { attemptsLeft: left as number } } : undefined,
      );
    }
    if (sanadCode === 'ERR_RATE_LIMITED' || sanadCode === 'ERR_SERVICE_OVERLOADED') {
      const wait = retryAfterOf(refusal.response);
      throw new SanadError(
        sanadCode,
        undefined,
        wait !== undefined ? { details: { retryAfterSeconds: wait } } : undefined,
      );
    }
    if (sanadCode) throw new SanadError(sanadCode);
    const code = typeof body.error === 'string' ? body.error : '';
    if (body.sanad_code === undefined && code === 'invalid_grant')
      throw new SanadError('ERR_OFFER_EXPIRED');
    throw new SanadError(
      'ERR_PROTOCOL',
      `The issuer answered ${withoutSecrets(code, secrets) || 'an error'}${said ? `: ${said}` : ''}.`,
    );
  }
  const described = describeLibraryError(err, secrets);
  throw new SanadError(
    'ERR_PROTOCOL',
    described
      ? `The exchange with the issuer failed: ${described}`
      : 'The exchange with the issuer failed.',
  );
}

/**
 * Runs the pre-authorized code flow for one offer and returns the copies, not yet imported.
 *
 * @example
 * ```ts
 * const { bundle } = await receiveCredentialOffer(offerUri, capabilities, { txCode: async () => '493027' })
 * ```
 */
export async function receiveCredentialOffer(
  offerUri: string,
  wallet: ReceiveCapabilities,
  options: ReceiveOptions = {},
): Promise<ReceivedCredential> {
  const net = protocolFetch(options.fetch);
  // What no error may quote: the link and all it carries, then the PIN and the access token.
  const secrets: Array<string | undefined> = linkSecrets(offerUri);
  const fail = (err: unknown): never => protocolError(net, err, secrets);
  // A key of this issuance only, for DPoP (RFC 9449): the access token is bound to it, so a
  // token copied off the wire or out of a log is useless. Never stored: it lives one receive.
  let dpop: { signer: Signer; jwk: Jwk } | undefined;
  const callbacks = sanadCallbacks({
    fetch: net.fetch,
    signerFor: async (jwtSigner) => {
      if (jwtSigner.method === 'jwk' && dpop && jwtSigner.publicJwk.x === dpop.jwk.x)
        return dpop.signer;
      if (jwtSigner.method !== 'did') throw new SanadError('ERR_INVALID_KEY');
      return wallet.signerFor(didOf(jwtSigner.didUrl));
    },
  });
  const client = new Openid4vciClient({ callbacks });
  const offer = await client.resolveCredentialOffer(offerUri).catch((cause: unknown) => {
    const ours = net.explain(cause);
    if (ours) throw ours;
    // What is wrong (e.g. an http:// issuer where https is required), never the link itself.
    const described = describeLibraryError(cause, secrets);
    throw new SanadError(
      'ERR_OFFER_INVALID',
      described ? `The credential offer is not valid: ${described}` : undefined,
    );
  });
  const issuerMetadata = await client.resolveIssuerMetadata(offer.credential_issuer).catch(fail);
  const configurationId = offer.credential_configuration_ids[0];
  const configuration = configurationId
    ? (issuerMetadata.knownCredentialConfigurations[configurationId] as
        | Record<string, unknown>
        | undefined)
    : undefined;
  if (!configurationId || !configuration)
    throw new SanadError(
      'ERR_OFFER_INVALID',
      'The offer names no credential the issuer describes.',
    );
  const format = formatOf(configuration.format).id;

  const grant = offer.grants?.[preAuthorizedCodeGrantIdentifier];
  if (!grant)
    throw new SanadError(
      'ERR_OFFER_INVALID',
      'Only offers with a pre-authorized code are supported.',
    );
  // An offer by reference carries its code in what was fetched, not in the link.
  secrets.push(grant['pre-authorized_code']);
  if (
    issuerMetadata.authorizationServers.some((as) =>
      as.dpop_signing_alg_values_supported?.includes('ES256'),
    )
  ) {
    const { privateJwk, publicJwk } = await generateKeyPair('ES256');
    dpop = { signer: await signerFromJwk(privateJwk), jwk: publicJwk as Jwk };
  }
  const dpopSigner = dpop
    ? { method: 'jwk' as const, publicJwk: dpop.jwk, alg: 'ES256' }
    : undefined;
  // The server's DPoP nonce, carried from each response to the next request.
  let dpopNonce: string | undefined;
  const redeem = async (credentialOffer: typeof offer, txCode?: string) => {
    const result = await client.retrievePreAuthorizedCodeAccessTokenFromOffer({
      credentialOffer,
      issuerMetadata,
      ...(txCode !== undefined ? { txCode } : {}),
      ...(dpopSigner
        ? { dpop: { signer: dpopSigner, ...(dpopNonce ? { nonce: dpopNonce } : {}) } }
        : {}),
    });
    dpopNonce = result.dpop?.nonce ?? dpopNonce;
    return result;
  };
  let accessTokenResponse: Awaited<ReturnType<typeof redeem>>['accessTokenResponse'] | undefined;
  if (grant.tx_code) {
    if (!options.txCode) throw new SanadError('ERR_TX_CODE_REQUIRED');
    // An issuer that says so answers a token request without the PIN with the offer's state,
    // spending no attempt: an expired, used or locked offer is reported before the holder types.
    if (issuerMetadata.credentialIssuer[TX_CODE_PROBE] === true) {
      const withoutPin = {
        ...offer,
        grants: {
          ...offer.grants,
          [preAuthorizedCodeGrantIdentifier]: { ...grant, tx_code: undefined },
        },
      };
      accessTokenResponse = await redeem(withoutPin).then(
        (r) => r.accessTokenResponse,
        (err: unknown) =>
          err instanceof Oauth2ClientErrorResponseError &&
          err.errorResponse.sanad_code === 'ERR_TX_CODE_REQUIRED'
            ? undefined
            : fail(err),
      );
    }
    if (!accessTokenResponse) {
      const expected = grant.tx_code;
      const txCode = await options.txCode({
        ...(expected.length !== undefined ? { length: expected.length } : {}),
        ...(expected.input_mode ? { inputMode: expected.input_mode as 'numeric' | 'text' } : {}),
        ...(expected.description ? { description: expected.description } : {}),
      });
      secrets.push(txCode);
      // A typo in the length or a letter in a numeric code is caught here, before it costs one of the few attempts.
      if (
        (expected.length !== undefined && txCode.length !== expected.length) ||
        ((expected.input_mode ?? 'numeric') === 'numeric' && !/^[0-9]+$/.test(txCode))
      ) {
        throw new SanadError(
          'ERR_TX_CODE_MALFORMED',
          undefined,
          expected.length !== undefined ? { details: { length: expected.length } } : undefined,
        );
      }
      ({ accessTokenResponse } = await redeem(offer, txCode).catch(fail));
    }
  } else {
    ({ accessTokenResponse } = await redeem(offer).catch(fail));
  }

  secrets.push(accessTokenResponse.access_token);
  const batchSize = issuerMetadata.credentialIssuer.batch_credential_issuance?.batch_size ?? 1;
  const copies = Math.max(1, Math.min(options.copies ?? 3, batchSize));
  const alg = options.alg ?? 'ES256';
  const keys = await wallet.createKeys(copies, alg);
  const nonce = issuerMetadata.credentialIssuer.nonce_endpoint
    ? (await client.requestNonce({ issuerMetadata }).catch(fail)).c_nonce
    : (accessTokenResponse.c_nonce as string | undefined);
  const proofs: string[] = [];
  for (const key of keys) {
    const signer = await wallet.signerFor(key.did);
    const kid = 'kid' in signer && typeof signer.kid === 'string' ? signer.kid : key.did;
    const { jwt } = await client.createCredentialRequestJwtProof({
      issuerMetadata,
      credentialConfigurationId: configurationId,
      signer: { method: 'did', didUrl: kid, alg: signer.alg },
      ...(nonce ? { nonce } : {}),
    });
    proofs.push(jwt);
  }
  const { credentialResponse } = await client
    .retrieveCredentials({
      issuerMetadata,
      accessToken: accessTokenResponse.access_token,
      credentialConfigurationId: configurationId,
      proofs: { jwt: proofs },
      ...(dpopSigner
        ? { dpop: { signer: dpopSigner, ...(dpopNonce ? { nonce: dpopNonce } : {}) } }
        : {}),
    })
    .catch(fail);
  // OpenID4VCI 1.0 wraps each credential in an object; older drafts sent bare values.
  const credentials = (credentialResponse.credentials ?? []).map((c) =>
    isPlainObject(c) && 'credential' in c ? c.credential : c,
  );
  if (credentials.length === 0 || credentials.some((c) => typeof c !== 'string'))
    throw new SanadError('ERR_PROTOCOL', 'The issuer sent no credential the wallet can read.');
  const issuerDisplay = (
    Array.isArray(issuerMetadata.credentialIssuer.display)
      ? issuerMetadata.credentialIssuer.display
      : []
  )
    .filter(
      (d): d is { name: string; locale?: string } =>
        isPlainObject(d) && typeof d.name === 'string' && d.name !== '',
    )
    .map((d) => ({
      locale: typeof d.locale === 'string' ? d.locale : 'en',
      name: d.name.slice(0, 200),
    }));
  return {
    issuer: offer.credential_issuer,
    issuerDisplay,
    configurationId,
    bundle: {
      type: 'sanad-credential-bundle',
      version: 1,
      format,
      credentials: credentials as string[],
      metadata: metadataOf(configuration),
    },
  };
}
