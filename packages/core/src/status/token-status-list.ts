/**
 * IETF Token Status List (draft-ietf-oauth-status-list) in its JWT form, for SD-JWT VC.
 * Both directions are Sanad's own over `fflate`'s zlib: decoding is done once per token into a
 * byte array (O(1) lookups) with a cap on the inflated size (`@owf/token-status-list` inflates
 * into one JavaScript number per entry on every call, with no cap), and encoding is a few lines
 * of bit packing, which spares every verifier start-up that library and its zod (~0.3 s of CPU).
 */
import { zlibSync } from 'fflate';
import { fromBase64url, isPlainObject, toBase64url } from '../encoding.js';
import { isSanadError, SanadError } from '../errors.js';
import { type DecodedJwt, decodeJwt, numericDate } from '../jwt.js';
import { type Signer, signJwt } from '../keys.js';
import { inflateBounded } from './inflate.js';

/** Status values registered by the draft (section 7.1). */
export const TOKEN_STATUS = { VALID: 0, INVALID: 1, SUSPENDED: 2 } as const;

export type StatusBits = 1 | 2 | 4 | 8;

/** The `status_list` claim: `bits` per entry and the base64url zlib-compressed bytes. */
export interface TokenStatusListClaim {
  bits: StatusBits;
  lst: string;
}

/** The referenced-token side: `status: { status_list: { idx, uri } }` in the credential. */
export interface StatusListReference {
  idx: number;
  uri: string;
}

/** A decoded list: O(1) reads. */
export interface StatusListView {
  readonly size: number;
  get(index: number): number;
}

function assertBits(bits: unknown): StatusBits {
  if (bits === 1 || bits === 2 || bits === 4 || bits === 8) return bits;
  throw new SanadError(
    'ERR_STATUS_LIST_INVALID',
    'The status list bits value must be 1, 2, 4 or 8.',
  );
}

/**
 * Compresses statuses into the `status_list` claim.
 *
 * @example
 * ```ts
 * encodeTokenStatusList([0, 1, 0, 0], 1) // { bits: 1, lst: 'eNpjAgAAAwAD' }
 * ```
 */
export function encodeTokenStatusList(
  statuses: ArrayLike<number>,
  bits: StatusBits,
): TokenStatusListClaim {
  const perByte = 8 / bits;
  const mask = (1 << bits) - 1;
  const bytes = new Uint8Array(Math.ceil(statuses.length / perByte));
  for (let i = 0; i < statuses.length; i += 1) {
    const status = statuses[i] as number;
    if (!Number.isInteger(status) || status < 0 || status > mask)
      throw new SanadError('ERR_STATUS_LIST_INVALID', `Status ${i} does not fit in ${bits} bits.`);
    bytes[Math.floor(i / perByte)]! |= status << ((i % perByte) * bits);
  }
  return { bits, lst: toBase64url(zlibSync(bytes, { level: 9 })) };
}

/**
 * Decodes a `status_list` claim once; entry `i` sits in the least significant bits first.
 *
 * @example
 * ```ts
 * decodeTokenStatusList({ bits: 1, lst: 'eNrbuRgAAhcBXQ' }).get(0)
 * ```
 */
export function decodeTokenStatusList(claim: unknown, maxBytes?: number): StatusListView {
  if (!isPlainObject(claim) || typeof claim.lst !== 'string')
    throw new SanadError('ERR_STATUS_LIST_INVALID');
  const bits = assertBits(claim.bits);
  let compressed: Uint8Array;
  try {
    compressed = fromBase64url(claim.lst);
  } catch (cause) {
    throw new SanadError('ERR_STATUS_LIST_INVALID', undefined, { cause });
  }
  const bytes = inflateBounded(compressed, 'zlib', maxBytes);
  const perByte = 8 / bits;
  const mask = (1 << bits) - 1;
  return {
    size: bytes.length * perByte,
    get(index) {
      if (!Number.isInteger(index) || index < 0 || index >= bytes.length * perByte)
        throw new SanadError('ERR_STATUS_INDEX_OUT_OF_RANGE');
      const byte = bytes[Math.floor(index / perByte)] as number;
      return (byte >> ((index % perByte) * bits)) & mask;
    },
  };
}

export interface StatusListJwtOptions {
  /** The URI the list is published at; becomes `sub`. */
  uri: string;
  /** Becomes `iss`; without one the list names no issuer and is bound to it by its key alone. */
  issuer?: string;
  kid?: string;
  /** The signer's certificate chain (leaf first), for verifiers that know the issuer by an X.509 trust anchor. */
  x5c?: readonly string[];
  statuses: ArrayLike<number>;
  bits: StatusBits;
  /** Seconds since the epoch. */
  iat: number;
  exp?: number;
  /** Seconds a verifier may cache the list. */
  ttl?: number;
}

/**
 * Signs a status list token (`typ: statuslist+jwt`).
 *
 * @example
 * ```ts
 * const jwt = await createStatusListJwt(signer, { uri, issuer, statuses, bits: 2, iat: now })
 * ```
 */
export function createStatusListJwt(
  signer: Signer,
  options: StatusListJwtOptions,
): Promise<string> {
  const header: Record<string, unknown> = { typ: 'statuslist+jwt' };
  if (options.kid !== undefined) header.kid = options.kid;
  if (options.x5c !== undefined) header.x5c = options.x5c;
  const payload: Record<string, unknown> = {
    sub: options.uri,
    ...(options.issuer !== undefined ? { iss: options.issuer } : {}),
    iat: options.iat,
    status_list: encodeTokenStatusList(options.statuses, options.bits),
  };
  if (options.exp !== undefined) payload.exp = options.exp;
  if (options.ttl !== undefined) payload.ttl = options.ttl;
  return signJwt(signer, header, payload);
}

export interface ParsedStatusListJwt {
  jwt: DecodedJwt;
  uri: string;
  issuer?: string;
  iat?: number;
  exp?: number;
  ttl?: number;
  view: StatusListView;
}

/**
 * Decodes a status list token. The signature is NOT checked here: verify `jwt` with the
 * credential issuer's key (`verifyDecodedJwt(parsed.jwt, issuerKey, 'ERR_STATUS_LIST_INVALID')`).
 */
export function parseStatusListJwt(token: string, maxBytes?: number): ParsedStatusListJwt {
  let jwt: DecodedJwt;
  try {
    jwt = decodeJwt(token.trim());
  } catch (cause) {
    if (isSanadError(cause) && cause.code === 'ERR_NUMERIC_DATE_INVALID') throw cause;
    throw new SanadError('ERR_STATUS_LIST_INVALID', 'The status list token is malformed.', {
      cause,
    });
  }
  const { header, payload } = jwt;
  if (header.typ !== 'statuslist+jwt')
    throw new SanadError(
      'ERR_STATUS_LIST_INVALID',
      'The status list token typ is not statuslist+jwt.',
    );
  if (typeof payload.sub !== 'string')
    throw new SanadError('ERR_STATUS_LIST_INVALID', 'The status list token has no sub.');
  const parsed: ParsedStatusListJwt = {
    jwt,
    uri: payload.sub,
    view: decodeTokenStatusList(payload.status_list, maxBytes),
  };
  if (typeof payload.iss === 'string') parsed.issuer = payload.iss;
  const iat = numericDate(payload.iat);
  const exp = numericDate(payload.exp);
  const ttl =
    typeof payload.ttl === 'number' && Number.isFinite(payload.ttl) ? payload.ttl : undefined;
  if (iat !== undefined) parsed.iat = iat;
  if (exp !== undefined) parsed.exp = exp;
  if (ttl !== undefined) parsed.ttl = ttl;
  return parsed;
}

/** Reads `status.status_list` from a credential payload; undefined when absent. */
export function statusListReferenceOf(
  payload: Record<string, unknown>,
): StatusListReference | undefined {
  const status = payload.status;
  if (status === undefined) return undefined;
  const ref = isPlainObject(status) ? status.status_list : undefined;
  if (
    !isPlainObject(ref) ||
    typeof ref.uri !== 'string' ||
    !Number.isInteger(ref.idx) ||
    (ref.idx as number) < 0
  ) {
    throw new SanadError(
      'ERR_STATUS_LIST_INVALID',
      'The credential status reference is malformed.',
    );
  }
  return { idx: ref.idx as number, uri: ref.uri };
}
