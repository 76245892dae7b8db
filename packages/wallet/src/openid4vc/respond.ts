/**
 * Answering an OpenID4VP 1.0 request (DCQL) through `@openid4vc/openid4vp`: resolve and verify
 * the signed request object, turn it into the wallet's presentation request (for the consent
 * step), then post the response (`direct_post`, or encrypted `direct_post.jwt`), or hand it back
 * encrypted for a request that came through the Digital Credentials API (`dc_api.jwt`).
 */
import { Openid4vpClient } from '@openid4vc/openid4vp';
import {
  expandOfflineRequest,
  isPlainObject,
  type LocalizedText,
  OFFLINE_REQUEST_PREFIX,
  type PresentationRequest,
  type PresentationResponse,
  randomBytes,
  SanadError,
  type SanadErrorCode,
  toBase64url,
} from '@sanad/core';
import { sanadCallbacks } from '@sanad/openid4vc';
import { type ProtocolFetch, protocolFetch } from './fetch.js';
import { describeLibraryError, linkSecrets, withoutSecrets } from './library-error.js';

/** What a verifier may say of a request that can no longer be answered: the holder needs a new QR code. */
const GONE: SanadErrorCode[] = ['ERR_REQUEST_USED', 'ERR_REQUEST_EXPIRED'];

export interface RespondOptions {
  /** Default: https only, no internal addresses (pass one with `allowInsecure` for a local sandbox). */
  fetch?: typeof globalThis.fetch;
}

/** A resolved request, ready for `wallet.propose(opened.request)`. */
export interface OpenedRequest {
  request: PresentationRequest;
  /** How the verifier was identified, e.g. `decentralized_identifier` (the request object is signed by that DID). */
  clientIdPrefix: string;
  /** Where the response goes. */
  responseUri: string;
  /** @internal The verified OpenID4VP request, needed to answer it. */
  readonly authorizationRequest: Record<string, unknown>;
}

export interface SubmitResult {
  /** Same-device flow: where to send the holder's browser next. */
  redirectUri?: string;
}

/** Why a request link was refused, never the link or what it carries (a request_uri can be a capability). */
const requestError = (net: ProtocolFetch, cause: unknown, link: string): never => {
  const ours = net.explain(cause);
  if (ours) throw ours;
  const described = describeLibraryError(cause, linkSecrets(link));
  throw new SanadError(
    'ERR_REQUEST_INVALID',
    described ? `The presentation request is not valid: ${described}` : undefined,
  );
};

/**
 * Resolves an `openid4vp://` request (by value or `request_uri`), or a verifier desk's compact
 * `SANADR1:` code (expanded to the request by value it stands for), and checks its signature.
 *
 * @example
 * ```ts
 * const opened = await resolvePresentationRequest(uri)
 * const proposal = wallet.propose(opened.request)
 * ```
 */
export async function resolvePresentationRequest(
  link: string,
  options: RespondOptions = {},
): Promise<OpenedRequest> {
  const uri = link.trim().startsWith(OFFLINE_REQUEST_PREFIX)
    ? expandOfflineRequest(link).authorizationRequest
    : link;
  const net = protocolFetch(options.fetch, GONE);
  const client = new Openid4vpClient({ callbacks: sanadCallbacks({ fetch: net.fetch }) });
  let resolved;
  try {
    const parsed = client.parseOpenid4vpAuthorizationRequest({ authorizationRequest: uri });
    resolved = await client.resolveOpenId4vpAuthorizationRequest({
      authorizationRequestPayload: parsed.params as never,
    });
  } catch (cause) {
    return requestError(net, cause, uri);
  }
  return openedFrom(resolved, ['direct_post', 'direct_post.jwt']);
}

/**
 * Opens a request that came through the browser's Digital Credentials API (OpenID4VP 1.0
 * appendix A): `data` as the page passed it to `navigator.credentials.get`, `origin` the page's
 * origin as the platform tells the wallet. The request must be signed, list that origin in
 * `expected_origins`, and ask for `dc_api.jwt` (an encrypted answer).
 *
 * @example
 * ```ts
 * const opened = await resolveDcApiRequest(request.data, 'https://desk.clinic.example')
 * ```
 */
export async function resolveDcApiRequest(
  data: unknown,
  origin: string,
  options: RespondOptions = {},
): Promise<OpenedRequest> {
  const net = protocolFetch(options.fetch, GONE);
  const client = new Openid4vpClient({ callbacks: sanadCallbacks({ fetch: net.fetch }) });
  let resolved;
  try {
    if (!isPlainObject(data) || typeof data.request !== 'string')
      throw new SanadError('ERR_REQUEST_INVALID', 'A DC API request carries a signed request.');
    resolved = await client.resolveOpenId4vpAuthorizationRequest({
      authorizationRequestPayload: data as never,
      origin,
    });
  } catch (cause) {
    if (cause instanceof SanadError) throw cause;
    return requestError(net, cause, '');
  }
  return openedFrom(resolved, ['dc_api.jwt']);
}

/**
 * The answer to a DC API request, for the wallet to hand back through the platform (the `data`
 * of the page's DigitalCredential): the presentation encrypted to the verifier, or the refusal.
 */
export async function dcApiResponse(
  opened: OpenedRequest,
  answer: PresentationResponse | { error: 'access_denied' },
  origin: string,
): Promise<{ response: string } | { error: string }> {
  if ('error' in answer) return { error: answer.error };
  const client = new Openid4vpClient({ callbacks: sanadCallbacks() });
  const created = await client.createOpenid4vpAuthorizationResponse({
    authorizationRequestPayload: opened.authorizationRequest as never,
    authorizationResponsePayload: responsePayloadOf(answer) as never,
    origin,
    jarm: jarm(),
  } as never);
  if (!created.jarm) throw new SanadError('ERR_PROTOCOL', 'The DC API answer was not encrypted.');
  return { response: created.jarm.responseJwt };
}

/** Encrypted answers: apu the wallet's own fresh nonce, apv the verifier's (they must differ). */
const jarm = () => ({
  encryption: { nonce: toBase64url(randomBytes(16)) },
  serverMetadata: {
    authorization_encryption_alg_values_supported: ['ECDH-ES'],
    authorization_encryption_enc_values_supported: ['A128GCM', 'A256GCM'],
  },
});

/**
 * OpenID4VP 1.0 section 8.1: a JSON presentation (ldp_vp) travels as the object itself, a
 * compact one (SD-JWT, VP-JWT) as its string.
 */
const responsePayloadOf = (answer: PresentationResponse) => ({
  vp_token: Object.fromEntries(
    Object.entries(answer.vp_token).map(([id, presentations]) => [
      id,
      presentations.map((p) => (p.startsWith('{') ? (JSON.parse(p) as unknown) : p)),
    ]),
  ),
});

type ResolvedRequest = Awaited<ReturnType<Openid4vpClient['resolveOpenId4vpAuthorizationRequest']>>;

/** A verified request as the wallet's presentation request: signed, DCQL, a response mode it sends. */
function openedFrom(resolved: ResolvedRequest, responseModes: readonly string[]): OpenedRequest {
  const payload = resolved.authorizationRequestPayload as Record<string, unknown>;
  // Unsigned requests could claim any name; Sanad answers only requests signed by their client.
  if (!resolved.jar) throw new SanadError('ERR_REQUEST_INVALID', 'The request is not signed.');
  if (!responseModes.includes(payload.response_mode as string))
    throw new SanadError(
      'ERR_REQUEST_INVALID',
      `Only ${responseModes.join(' and ')} responses are supported here.`,
    );
  if (!resolved.dcql)
    throw new SanadError('ERR_REQUEST_INVALID', 'The request carries no DCQL query.');
  const { nonce } = payload;
  // Over the DC API the answer goes back to the page that asked: there is no response_uri.
  const responseUri = payload.response_mode === 'dc_api.jwt' ? '' : payload.response_uri;
  if (typeof nonce !== 'string' || typeof responseUri !== 'string')
    throw new SanadError('ERR_REQUEST_INVALID', 'The request needs a nonce and a response_uri.');
  const metadata = isPlainObject(payload.client_metadata) ? payload.client_metadata : {};
  const exp = typeof payload.exp === 'number' ? payload.exp : Math.floor(Date.now() / 1000) + 300;
  const purpose: LocalizedText = isPlainObject(payload.purpose)
    ? (payload.purpose as LocalizedText)
    : { en: 'No purpose was given.' };
  const request: PresentationRequest = {
    response_type: 'vp_token',
    client_id: resolved.client.effective,
    nonce,
    dcql_query: resolved.dcql.query as PresentationRequest['dcql_query'],
    purpose,
    ...(typeof metadata.client_name === 'string' ? { verifier_name: metadata.client_name } : {}),
    iat: typeof payload.iat === 'number' ? payload.iat : Math.floor(Date.now() / 1000),
    exp,
  };
  return {
    request,
    clientIdPrefix: resolved.client.prefix,
    responseUri,
    authorizationRequest: payload,
  };
}

/**
 * Posts the holder's answer: the presentation, or `access_denied` when they declined.
 *
 * @example
 * ```ts
 * const { redirectUri } = await submitPresentationResponse(opened, await wallet.present(decision))
 * ```
 */
export async function submitPresentationResponse(
  opened: OpenedRequest,
  answer: PresentationResponse | { error: 'access_denied' },
  options: RespondOptions = {},
): Promise<SubmitResult> {
  const net = protocolFetch(options.fetch);
  const { fetch } = net;
  const client = new Openid4vpClient({ callbacks: sanadCallbacks({ fetch }) });
  const authorizationRequestPayload = opened.authorizationRequest as never;
  try {
    if ('error' in answer) {
      // A refusal carries nothing secret: a plain form post (OAuth 2.0 error response), in either mode.
      const form = new URLSearchParams({
        error: answer.error,
        ...(typeof opened.authorizationRequest.state === 'string'
          ? { state: opened.authorizationRequest.state }
          : {}),
      });
      const response = await fetch(opened.responseUri, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: form.toString(),
      });
      await response.body?.cancel();
      return {};
    }
    const created = await client.createOpenid4vpAuthorizationResponse({
      authorizationRequestPayload,
      authorizationResponsePayload: responsePayloadOf(answer) as never,
      ...(opened.authorizationRequest.response_mode === 'direct_post.jwt' ? { jarm: jarm() } : {}),
    } as never);
    const { response } = await client.submitOpenid4vpAuthorizationResponse({
      authorizationRequestPayload,
      authorizationResponsePayload: created.authorizationResponsePayload,
      ...(created.jarm ? { jarm: { responseJwt: created.jarm.responseJwt } } : {}),
    });
    const body: unknown = await response.json().catch(() => ({}));
    if (!response.ok) {
      const description =
        isPlainObject(body) && typeof body.error_description === 'string'
          ? withoutSecrets(body.error_description, [
              typeof opened.authorizationRequest.state === 'string'
                ? opened.authorizationRequest.state
                : undefined,
            ])
          : '';
      // No verdict and nothing spent on the verifier's side: this same response can be sent again.
      if (isPlainObject(body) && GONE.includes(body.sanad_code as SanadErrorCode))
        throw new SanadError(body.sanad_code as SanadErrorCode);
      if (isPlainObject(body) && body.sanad_code === 'ERR_STATUS_UNAVAILABLE')
        throw new SanadError(
          'ERR_STATUS_UNAVAILABLE',
          `The verifier could not check the credential's status yet: ${description || `HTTP ${response.status}`}`,
        );
      throw new SanadError(
        'ERR_PROTOCOL',
        `The verifier refused the response: ${description || `HTTP ${response.status}`}`,
      );
    }
    return isPlainObject(body) && typeof body.redirect_uri === 'string'
      ? { redirectUri: body.redirect_uri }
      : {};
  } catch (cause) {
    // No cause: a library's message would quote the response, presentations and all.
    throw (
      net.explain(cause) ??
      new SanadError('ERR_PROTOCOL', 'The response could not be sent to the verifier.')
    );
  }
}
