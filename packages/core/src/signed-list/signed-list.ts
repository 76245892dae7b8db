/**
 * Lists an authority signs for others to pin and carry offline — the trust list, the verifier
 * registry: plain JSON, or a compact JWS with the list's own `typ`, checked against the pinned
 * key(s), then against its `expires_at`. One loader, so both lists get the same discipline.
 */
import type { Clock } from '../clock.js';
import { systemClock } from '../clock.js';
import { checkDid, resolveDidKey } from '../did/resolve.js';
import { isPlainObject, tryParseJson } from '../encoding.js';
import { isSanadError, SanadError, type SanadErrorCode } from '../errors.js';
import { decodeJwt, verifyDecodedJwt } from '../jwt.js';
import { type JWK, type Signer, signJwt } from '../keys.js';

/** What a kind of signed list is called and which codes its failures carry. */
export interface SignedListKind<T> {
  /** The JWS `typ`. */
  typ: string;
  /** In messages: "trust list", "verifier registry". */
  noun: string;
  maxLength: number;
  codes: {
    invalid: SanadErrorCode;
    signature: 'ERR_TRUST_LIST_SIGNATURE_INVALID' | 'ERR_VERIFIER_REGISTRY_SIGNATURE_INVALID';
    expired: SanadErrorCode;
  };
  /** Validates the document strictly (throws `codes.invalid`). */
  parse(json: unknown): T;
}

/** An authority's public key: a JWK, or a did:key / did:jwk. */
export type PinnedKey = JWK | string;

export interface LoadSignedListOptions {
  /** The authority's public key, or several (a key being rotated): any one of them may have signed. */
  pinnedKey?: PinnedKey | PinnedKey[];
  /** Refuse an unsigned list (default: true when a key is pinned). */
  requireSignature?: boolean;
  clock?: Clock;
}

export interface LoadedSignedList<T> {
  document: T;
  /** True when the list came signed and the signature verified with a pinned key. */
  signed: boolean;
}

/** An ISO 8601 date or date-time. */
export const isDate = (v: unknown): v is string =>
  typeof v === 'string' && !Number.isNaN(Date.parse(v));

/**
 * Why `did` could not be used, or undefined when it can: a malformed DID in a list would match
 * nothing, or fail only when a credential or request arrives, so lists refuse it when read.
 */
export function didProblem(did: string): string | undefined {
  try {
    checkDid(did);
    return undefined;
  } catch (err) {
    if (!isSanadError(err)) throw err;
    return err.message;
  }
}

/** The list's expires_at has passed. */
export const hasExpired = (document: { expires_at?: string }, now: number): boolean =>
  document.expires_at !== undefined && Date.parse(document.expires_at) <= now;

/**
 * Reads a signed list (or, when no signature is required, a plain JSON one) without judging its
 * age: the caller refuses an expired one, or — a wallet — says so to the holder.
 */
export async function readSignedList<T extends { expires_at?: string }>(
  kind: SignedListKind<T>,
  input: string,
  options: LoadSignedListOptions = {},
): Promise<LoadedSignedList<T>> {
  const pinned =
    options.pinnedKey === undefined
      ? []
      : Array.isArray(options.pinnedKey)
        ? options.pinnedKey
        : [options.pinnedKey];
  if (pinned.some((key) => isPlainObject(key) && 'd' in key)) {
    // The authority's private key belongs with the authority; others pin its public half.
    throw new SanadError(
      'ERR_INVALID_KEY',
      `The pinned ${kind.noun} key is a private key: give the public key (the public JWK or its did:key) and keep the private key with the authority.`,
    );
  }
  if (input.length > kind.maxLength)
    throw new SanadError(
      kind.codes.invalid,
      `The ${kind.noun} is larger than ${kind.maxLength / 1024 / 1024} MiB.`,
    );
  const text = input.trim();
  const requireSignature = options.requireSignature ?? pinned.length > 0;
  if (text.startsWith('{')) {
    if (requireSignature)
      throw new SanadError(
        kind.codes.signature,
        `The ${kind.noun} is not signed, but a signature is required.`,
      );
    const json = tryParseJson(text);
    if (json === undefined)
      throw new SanadError(kind.codes.invalid, `The ${kind.noun} is not valid JSON.`);
    return { document: kind.parse(json), signed: false };
  }
  let jwt;
  try {
    jwt = decodeJwt(text);
  } catch (cause) {
    if (isSanadError(cause) && cause.code === 'ERR_NUMERIC_DATE_INVALID') throw cause;
    throw new SanadError(
      kind.codes.invalid,
      `The ${kind.noun} is neither JSON nor a compact JWS.`,
      { cause },
    );
  }
  if (jwt.header.typ !== kind.typ)
    throw new SanadError(kind.codes.invalid, `The ${kind.noun} JWS typ is not ${kind.typ}.`);
  if (pinned.length === 0)
    throw new SanadError(
      kind.codes.signature,
      `The ${kind.noun} is signed: pin the authority key to check it.`,
    );
  let failure: unknown;
  for (const key of pinned) {
    try {
      await verifyDecodedJwt(
        jwt,
        typeof key === 'string' ? await resolveDidKey(key) : key,
        kind.codes.signature,
      );
      return { document: kind.parse(jwt.payload), signed: true };
    } catch (err) {
      if (!isSanadError(err) || err.code !== kind.codes.signature) throw err;
      failure = err;
    }
  }
  throw failure;
}

/** {@link readSignedList}, refusing an expired list with `codes.expired`. */
export async function loadSignedList<T extends { expires_at?: string }>(
  kind: SignedListKind<T>,
  input: string,
  options: LoadSignedListOptions = {},
): Promise<LoadedSignedList<T>> {
  const loaded = await readSignedList(kind, input, options);
  if (hasExpired(loaded.document, (options.clock ?? systemClock).now()))
    throw new SanadError(kind.codes.expired);
  return loaded;
}

/** Signs a list as its authority, after validating it. */
export function signList<T>(
  kind: SignedListKind<T>,
  document: T,
  signer: Signer,
  kid?: string,
): Promise<string> {
  const header: Record<string, unknown> = { typ: kind.typ };
  if (kid !== undefined) header.kid = kid;
  return signJwt(signer, header, kind.parse(document) as unknown as Record<string, unknown>);
}
