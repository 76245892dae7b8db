/** Building presentation requests: a DCQL query, a purpose, a fresh nonce, the verifier's id. */
import { DcqlQuery } from 'dcql';
import {
  type Clock,
  type CredentialFormat,
  type DcqlQueryJson,
  epochSeconds,
  formatOf,
  isPlainObject,
  numericDate,
  type LocalizedText,
  type PresentationRequest,
  randomBytes,
  SanadError,
  systemClock,
  toBase64url,
} from '@sanad/core';
import type { NonceStore } from './nonce-store.js';

export interface CredentialRequest {
  /** DCQL credential query id (default `credential-<n>`). */
  id?: string;
  format: CredentialFormat;
  /** `vct` values (SD-JWT VC) or W3C VC type names (VC-JWT). */
  types: string[];
  /**
   * Claim paths inside the claims (`['age_over_18']`, `['address', 'locality']`). Empty asks for
   * none: a check that the holder has a valid credential of the type, nothing disclosed.
   */
  claims: Array<Array<string | number | null>>;
}

export interface PresentationRequestOptions {
  /** The verifier's identifier; the holder's proof is addressed to it. */
  clientId: string;
  verifierName?: string;
  purpose: LocalizedText;
  credentials: CredentialRequest[];
  /** Default 300 s. */
  ttlSeconds?: number;
  clock?: Clock;
  /** Records the nonce so it can be consumed once at verification. */
  nonceStore?: NonceStore;
}

/** Parses and validates a DCQL query with the `dcql` package; `ERR_REQUEST_INVALID` otherwise. */
export function parseDcqlQuery(query: unknown): DcqlQuery {
  try {
    const parsed = DcqlQuery.parse(query as DcqlQuery.Input);
    DcqlQuery.validate(parsed);
    return parsed;
  } catch (cause) {
    throw new SanadError('ERR_REQUEST_INVALID', 'The DCQL query is not valid.', { cause });
  }
}

/**
 * Checks the shape of a presentation request read from a file or the network.
 *
 * @example
 * ```ts
 * const request = parsePresentationRequest(JSON.parse(text))
 * ```
 */
export function parsePresentationRequest(json: unknown): PresentationRequest {
  if (
    !isPlainObject(json) ||
    json.response_type !== 'vp_token' ||
    typeof json.client_id !== 'string' ||
    typeof json.nonce !== 'string' ||
    json.nonce.length < 16 ||
    !isPlainObject(json.purpose) ||
    json.iat === undefined ||
    json.exp === undefined ||
    (json.verifier_name !== undefined && typeof json.verifier_name !== 'string')
  ) {
    throw new SanadError('ERR_REQUEST_INVALID');
  }
  numericDate(json.iat);
  numericDate(json.exp);
  parseDcqlQuery(json.dcql_query);
  return json as unknown as PresentationRequest;
}

/**
 * Creates a presentation request.
 *
 * @example
 * ```ts
 * const request = await createPresentationRequest({
 *   clientId: 'https://clinic.example', verifierName: 'Al Noor Clinic',
 *   purpose: { en: 'Confirm the patient is an adult' },
 *   credentials: [{ format: 'dc+sd-jwt', types: [vct], claims: [['age_over_18']] }],
 *   nonceStore,
 * })
 * ```
 */
export async function createPresentationRequest(
  options: PresentationRequestOptions,
): Promise<PresentationRequest> {
  if (typeof options.clientId !== 'string' || options.clientId === '')
    throw new SanadError('ERR_REQUEST_INVALID', 'The verifier needs a client id.');
  if (!isPlainObject(options.purpose) || Object.keys(options.purpose).length === 0)
    throw new SanadError('ERR_REQUEST_INVALID', 'A request must state its purpose.');
  if (options.credentials.length === 0)
    throw new SanadError('ERR_REQUEST_INVALID', 'A request must ask for at least one credential.');
  const dcql_query: DcqlQueryJson = {
    credentials: options.credentials.map((c, i) => {
      if (!Array.isArray(c.claims))
        throw new SanadError(
          'ERR_REQUEST_INVALID',
          'Each credential query lists the claims it needs (an empty list for none).',
        );
      // DCQL: without `claims` the wallet presents no selectively disclosable claim (OpenID4VP 1.0 section 6.1).
      return formatOf(c.format).dcqlQuery({
        id: c.id ?? `credential-${i + 1}`,
        types: c.types,
        claims: c.claims,
      });
    }),
  };
  parseDcqlQuery(dcql_query);
  const iat = epochSeconds(options.clock ?? systemClock);
  const exp = iat + (options.ttlSeconds ?? 300);
  const nonce = toBase64url(randomBytes(16));
  await options.nonceStore?.issue(nonce, exp);
  return {
    response_type: 'vp_token',
    client_id: options.clientId,
    nonce,
    dcql_query,
    purpose: options.purpose,
    ...(options.verifierName !== undefined ? { verifier_name: options.verifierName } : {}),
    iat,
    exp,
  };
}
