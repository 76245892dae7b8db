/**
 * A verifier's signed request small enough for one easy QR code, for a holder with no network.
 *
 * The standard by-value request (`openid4vp://?client_id=…&request=<JWT>`) needs QR version 32:
 * a phone camera rarely reads it. `SANADR1:` + Base45(raw DEFLATE against {@link DICTIONARY})
 * of:
 *
 *   key type (1 byte: 1 = P-256, 2 = Ed25519) · public key (33 bytes compressed / 32 bytes)
 *   · signature (64 bytes) · UTF-8 JSON `[iat, exp, response_uri, nonce, client_name, purpose, dcql_query]`
 *
 * Everything else is the profile's default: the client id is `decentralized_identifier:` + the
 * did:jwk of that key, `response_type` is `vp_token`, `response_mode` `direct_post`, `aud`
 * `https://self-issued.me/v2`, `vp_formats_supported` follows the formats the query asks for.
 * {@link expandOfflineRequest} rebuilds the complete request object, byte for byte the one the
 * verifier signed (its header and payload from {@link requestObjectParts}), and the wallet then
 * checks it as any request by value: the signature covers every field it shows or relies on, so a
 * changed byte, a swapped key or a wrong signer fails there. Nothing here is trusted unsigned.
 */
import { p256 } from '@noble/curves/nist.js';
import { deflateSync } from 'fflate';
import { didJwkFromJwk } from '../did/did-jwk.js';
import {
  concatBytes,
  fromBase64url,
  fromUtf8,
  isPlainObject,
  parseJsonBounded,
  toBase64url,
  utf8,
} from '../encoding.js';
import { isSanadError, SanadError } from '../errors.js';
import { isNumericDate } from '../jwt.js';
import { algorithmOfJwk, type JWK, type Signer } from '../keys.js';
import { vpFormatsSupported } from '../formats/index.js';
import { inflateBounded } from '../status/inflate.js';
import type { DcqlQueryJson, LocalizedText } from '../types.js';
import { fromBase45, toBase45 } from './base45.js';

export const OFFLINE_REQUEST_PREFIX = 'SANADR1:';
/** Far above any request; stops a decompression bomb in a QR code. */
const MAX_INFLATED = 16 * 1024;
const SIGNATURE_LENGTH = 64;
/** Key type byte -> length of the key after it: 1 = P-256 (compressed point), 2 = Ed25519. */
const KEY_LENGTHS: Record<number, number> = { 1: 33, 2: 32 };

/**
 * Strings most requests share, so DEFLATE can point back at them instead of spelling them out:
 * part of the format (changing it is a new prefix). The end of the dictionary is the cheapest to
 * refer to, so the most common strings come last.
 */
const DICTIONARY = utf8(
  '"given_name""family_name""birthdate""nationality""case_number""age_over_18"https:///responses/"format":"jwt_vc_json","meta":{"vct_values":["https://' +
    '"claims":[{"id":"claim-1","path":["{"credentials":[{"id":"refugee-status","format":"dc+sd-jwt","meta":{"vct_values":["https://{"en":"","fr":"","ar":"',
);

/** The fields of an offline request that are not the profile's defaults. */
export interface OfflineRequestFields {
  iat: number;
  exp: number;
  /** Where an online answer would go; kept so the request object stays a complete OpenID4VP request. */
  responseUri: string;
  nonce: string;
  clientName: string;
  purpose: LocalizedText;
  dcqlQuery: DcqlQueryJson;
}

export interface ExpandedOfflineRequest {
  /** `openid4vp://?client_id=…&request=…`: the standard by-value request the compact form stands for. */
  authorizationRequest: string;
  /** The signed request object (JWT). */
  requestObject: string;
  clientId: string;
}

const invalid = (message: string, cause?: unknown): SanadError =>
  new SanadError('ERR_REQUEST_INVALID', message, cause === undefined ? undefined : { cause });

/** The client id the compact form stands for: `decentralized_identifier:` + the did:jwk of `publicJwk`. */
export function offlineClientId(publicJwk: JWK): string {
  return `decentralized_identifier:${didJwkFromJwk(publicJwk)}`;
}

/**
 * The header and payload of the request object a compact request stands for, as the JWS
 * signing input: the one function both the verifier (to sign) and the wallet (to check) use.
 */
function requestObjectParts(
  publicJwk: JWK,
  fields: OfflineRequestFields,
): { signingInput: string; clientId: string } {
  const alg = algorithmOfJwk(publicJwk);
  const did = didJwkFromJwk(publicJwk);
  const clientId = offlineClientId(publicJwk);
  const formats = [...new Set(fields.dcqlQuery.credentials.map((c) => c.format))];
  const header = { alg, kid: `${did}#0`, typ: 'oauth-authz-req+jwt' };
  const payload = {
    iat: fields.iat,
    exp: fields.exp,
    aud: 'https://self-issued.me/v2',
    response_type: 'vp_token',
    client_id: clientId,
    response_uri: fields.responseUri,
    response_mode: 'direct_post',
    nonce: fields.nonce,
    dcql_query: fields.dcqlQuery,
    client_metadata: {
      client_name: fields.clientName,
      vp_formats_supported: vpFormatsSupported(formats),
    },
    // Not an OpenID4VP parameter: Sanad wallets show it; others ignore it.
    purpose: fields.purpose,
  };
  return {
    signingInput: `${toBase64url(JSON.stringify(header))}.${toBase64url(JSON.stringify(payload))}`,
    clientId,
  };
}

function packedKey(publicJwk: JWK): Uint8Array {
  if (algorithmOfJwk(publicJwk) === 'EdDSA')
    return concatBytes([Uint8Array.of(2), fromBase64url(publicJwk.x ?? '')]);
  const uncompressed = concatBytes([
    Uint8Array.of(4),
    fromBase64url(publicJwk.x ?? ''),
    fromBase64url(publicJwk.y ?? ''),
  ]);
  return concatBytes([Uint8Array.of(1), p256.Point.fromBytes(uncompressed).toBytes(true)]);
}

function unpackedKey(type: number, key: Uint8Array): JWK {
  if (type === 2) return { kty: 'OKP', crv: 'Ed25519', x: toBase64url(key) };
  let uncompressed: Uint8Array;
  try {
    uncompressed = p256.Point.fromBytes(key).toBytes(false);
  } catch (cause) {
    throw invalid('The offline request carries a key that is not on its curve.', cause);
  }
  return {
    kty: 'EC',
    crv: 'P-256',
    x: toBase64url(uncompressed.subarray(1, 33)),
    y: toBase64url(uncompressed.subarray(33)),
  };
}

/**
 * Signs a request and packs it for a small QR code.
 *
 * @example
 * ```ts
 * const { code } = await encodeOfflineRequest(signer, { iat, exp, responseUri, nonce, clientName, purpose, dcqlQuery }) // "SANADR1:..."
 * ```
 */
export async function encodeOfflineRequest(
  signer: Signer,
  fields: OfflineRequestFields,
): Promise<{ code: string } & ExpandedOfflineRequest> {
  const { signingInput } = requestObjectParts(signer.publicJwk, fields);
  const signature = await signer.sign(utf8(signingInput));
  if (signature.length !== SIGNATURE_LENGTH)
    throw new SanadError(
      'ERR_UNSUPPORTED_ALGORITHM',
      'An offline request needs a 64-byte signature (ES256 or EdDSA).',
    );
  const json = utf8(
    JSON.stringify([
      fields.iat,
      fields.exp,
      fields.responseUri,
      fields.nonce,
      fields.clientName,
      fields.purpose,
      fields.dcqlQuery,
    ]),
  );
  const packed = concatBytes([packedKey(signer.publicJwk), signature, json]);
  const code =
    OFFLINE_REQUEST_PREFIX + toBase45(deflateSync(packed, { level: 9, dictionary: DICTIONARY }));
  // What the wallet will rebuild, from the code itself: a code that would not expand to what was signed is never shown.
  return { code, ...expandOfflineRequest(code) };
}

const isLocalizedText = (value: unknown): value is LocalizedText =>
  isPlainObject(value) && Object.values(value).every((v) => typeof v === 'string');

/**
 * Rebuilds the standard signed request from a `SANADR1:` code. It checks the shape only: the
 * signature is checked where every request is, when the wallet opens `authorizationRequest`.
 */
export function expandOfflineRequest(text: string): ExpandedOfflineRequest {
  const body = text.trim();
  if (!body.startsWith(OFFLINE_REQUEST_PREFIX)) throw invalid('Not a Sanad offline request.');
  let bytes: Uint8Array;
  try {
    bytes = inflateBounded(
      fromBase45(body.slice(OFFLINE_REQUEST_PREFIX.length)),
      'deflate',
      MAX_INFLATED,
      DICTIONARY,
    );
  } catch (cause) {
    throw invalid('The offline request is damaged.', cause);
  }
  const type = bytes[0] ?? 0;
  const keyLength = KEY_LENGTHS[type];
  if (keyLength === undefined) throw invalid('The offline request names an unknown key type.');
  const signatureStart = 1 + keyLength;
  const jsonStart = signatureStart + SIGNATURE_LENGTH;
  if (bytes.length <= jsonStart) throw invalid('The offline request is truncated.');
  const publicJwk = unpackedKey(type, bytes.subarray(1, signatureStart));
  let fields: unknown;
  try {
    fields = parseJsonBounded(fromUtf8(bytes.subarray(jsonStart)), { maxLength: MAX_INFLATED });
  } catch (cause) {
    if (isSanadError(cause) && cause.code === 'ERR_INPUT_TOO_DEEP') throw cause;
    throw invalid('The offline request is damaged.', cause);
  }
  if (!Array.isArray(fields) || fields.length !== 7)
    throw invalid('The offline request is malformed.');
  const [iat, exp, responseUri, nonce, clientName, purpose, dcqlQuery] = fields as unknown[];
  if (
    !isNumericDate(iat) ||
    !isNumericDate(exp) ||
    typeof responseUri !== 'string' ||
    typeof nonce !== 'string' ||
    typeof clientName !== 'string' ||
    !isLocalizedText(purpose)
  ) {
    throw invalid('The offline request is malformed.');
  }
  if (
    !isPlainObject(dcqlQuery) ||
    !Array.isArray(dcqlQuery.credentials) ||
    !dcqlQuery.credentials.every(isPlainObject)
  )
    throw invalid('The offline request carries no DCQL query.');
  const { signingInput, clientId } = requestObjectParts(publicJwk, {
    iat,
    exp,
    responseUri,
    nonce,
    clientName,
    purpose,
    dcqlQuery: dcqlQuery as unknown as DcqlQueryJson,
  });
  const requestObject = `${signingInput}.${toBase64url(bytes.subarray(signatureStart, jsonStart))}`;
  const authorizationRequest = `openid4vp://?${new URLSearchParams({ client_id: clientId, request: requestObject }).toString()}`;
  return { authorizationRequest, requestObject, clientId };
}
