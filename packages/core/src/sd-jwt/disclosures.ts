/**
 * RFC 9901 section 7.1, steps 3 to 5: replacing digests in the issuer-signed payload with the
 * disclosed claims. Every rule is enforced here, whatever the issuing library did: a disclosure
 * that no digest references is an error (it is never silently dropped — CVE-2026-62374).
 */
import { fromBase64url, fromUtf8, isPlainObject, parseJsonStrict } from '../encoding.js';
import { isSanadError, SanadError } from '../errors.js';
import { sha256Base64url } from '../hash.js';

/** A claim path: object member names and array indexes, from the top of the payload. */
export type ClaimPath = Array<string | number>;

export interface DecodedDisclosure {
  /** The disclosure exactly as presented (its digest covers these characters). */
  encoded: string;
  /** base64url(SHA-256(encoded)). */
  digest: string;
  salt: string;
  /** Present for object-property disclosures, absent for array-element disclosures. */
  name?: string;
  value: unknown;
}

export interface ProcessedPayload {
  /** The payload with every disclosed claim in place and `_sd`, `_sd_alg`, `...` removed. */
  claims: Record<string, unknown>;
  /** The path of every claim that was selectively disclosed. */
  disclosedPaths: ClaimPath[];
  /** Each presented disclosure with the path it discloses. */
  disclosurePaths: Array<{ disclosure: string; path: ClaimPath }>;
}

/**
 * True when one path lies on the other: `a` is an ancestor of, equal to, or inside `b`.
 * `null` in either path stands for any array index.
 *
 * @example
 * ```ts
 * pathsOverlap(['address'], ['address', 'locality']) // true
 * pathsOverlap(['nationalities', 1], ['nationalities', null]) // true
 * ```
 */
export function pathsOverlap(
  a: ReadonlyArray<string | number | null>,
  b: ReadonlyArray<string | number | null>,
): boolean {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 1) {
    if (a[i] !== null && b[i] !== null && a[i] !== b[i]) return false;
  }
  return true;
}

/** Nesting beyond this is refused before it can exhaust the stack. */
const MAX_DEPTH = 64;

/** Writes an own data property even for names like `__proto__` (no prototype pollution). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  // Assignment creates an own data property for every name but `__proto__` (an inherited setter).
  if (key !== '__proto__') target[key] = value;
  else
    Object.defineProperty(target, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
}

/**
 * Decodes one disclosure (RFC 9901 section 4.2) and computes its digest.
 *
 * @example
 * ```ts
 * const d = decodeDisclosure('WyJzYWx0IiwgImdpdmVuX25hbWUiLCAiQW1hbCJd')
 * d.name // 'given_name'
 * ```
 */
export function decodeDisclosure(encoded: string): DecodedDisclosure {
  let parsed: unknown;
  try {
    parsed = parseJsonStrict(fromUtf8(fromBase64url(encoded)));
  } catch (cause) {
    throw new SanadError(
      'ERR_SDJWT_DISCLOSURE_MALFORMED',
      isSanadError(cause) ? cause.message : undefined,
      { cause },
    );
  }
  if (
    !Array.isArray(parsed) ||
    (parsed.length !== 2 && parsed.length !== 3) ||
    typeof parsed[0] !== 'string'
  ) {
    throw new SanadError('ERR_SDJWT_DISCLOSURE_MALFORMED');
  }
  const digest = sha256Base64url(encoded);
  if (parsed.length === 2) return { encoded, digest, salt: parsed[0], value: parsed[1] };
  const name: unknown = parsed[1];
  if (typeof name !== 'string') throw new SanadError('ERR_SDJWT_DISCLOSURE_MALFORMED');
  // Section 7.1 step 4: these names would let a disclosure smuggle digests or structure.
  if (name === '_sd' || name === '...') throw new SanadError('ERR_SDJWT_CLAIM_NAME_FORBIDDEN');
  return { encoded, digest, salt: parsed[0], name, value: parsed[2] };
}

/**
 * Processes an issuer-signed payload with the presented disclosures (RFC 9901 section 7.1).
 *
 * @example
 * ```ts
 * const { claims, disclosedPaths } = processSdJwtPayload(jwt.payload, parsed.disclosures)
 * ```
 */
export function processSdJwtPayload(
  payload: Record<string, unknown>,
  encodedDisclosures: readonly string[],
): ProcessedPayload {
  const sdAlg = payload._sd_alg ?? 'sha-256';
  if (sdAlg !== 'sha-256') throw new SanadError('ERR_SDJWT_HASH_ALG_UNSUPPORTED');

  const byDigest = new Map<string, DecodedDisclosure>();
  for (const encoded of encodedDisclosures) {
    const disclosure = decodeDisclosure(encoded);
    if (byDigest.has(disclosure.digest))
      throw new SanadError('ERR_SDJWT_DIGEST_DUPLICATE', 'The same disclosure is presented twice.');
    byDigest.set(disclosure.digest, disclosure);
  }
  const seenDigests = new Set<string>();
  const used = new Set<string>();
  const disclosedPaths: ClaimPath[] = [];
  const disclosurePaths: Array<{ disclosure: string; path: ClaimPath }> = [];

  const claimDigest = (digest: unknown): DecodedDisclosure | undefined => {
    if (typeof digest !== 'string')
      throw new SanadError('ERR_SDJWT_MALFORMED', 'A digest is not a string.');
    if (seenDigests.has(digest)) throw new SanadError('ERR_SDJWT_DIGEST_DUPLICATE');
    seenDigests.add(digest);
    const disclosure = byDigest.get(digest);
    if (disclosure) used.add(digest);
    return disclosure; // undefined: a decoy, or a claim the holder chose not to disclose
  };

  const tooDeep = (): never => {
    throw new SanadError('ERR_SDJWT_MALFORMED', 'The SD-JWT is nested too deeply.');
  };
  // A plain value is copied as it is: only objects and arrays are walked, and given a path.
  const member = (
    value: unknown,
    path: ClaimPath,
    key: string | number,
    depth: number,
  ): unknown => {
    if (typeof value === 'object' && value !== null) return walk(value, [...path, key], depth + 1);
    return depth + 1 > MAX_DEPTH ? tooDeep() : value;
  };
  const walk = (node: unknown, path: ClaimPath, depth: number): unknown => {
    if (depth > MAX_DEPTH) tooDeep();
    if (Array.isArray(node)) {
      const out: unknown[] = [];
      for (const element of node) {
        if (
          isPlainObject(element) &&
          Object.keys(element).length === 1 &&
          Object.hasOwn(element, '...')
        ) {
          const disclosure = claimDigest(element['...']);
          if (!disclosure) continue;
          if (disclosure.name !== undefined)
            throw new SanadError('ERR_SDJWT_DISCLOSURE_KIND_MISMATCH');
          const elementPath = [...path, out.length];
          out.push(walk(disclosure.value, elementPath, depth + 1));
          disclosedPaths.push(elementPath);
          disclosurePaths.push({ disclosure: disclosure.encoded, path: elementPath });
        } else {
          out.push(member(element, path, out.length, depth));
        }
      }
      return out;
    }
    if (!isPlainObject(node)) return node;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(node)) {
      if (key === '_sd' || (key === '_sd_alg' && depth === 0)) continue;
      setOwn(out, key, member(node[key], path, key, depth));
    }
    const digests = node._sd;
    if (digests !== undefined) {
      if (!Array.isArray(digests))
        throw new SanadError('ERR_SDJWT_MALFORMED', 'An _sd member is not an array.');
      for (const digest of digests) {
        const disclosure = claimDigest(digest);
        if (!disclosure) continue;
        if (disclosure.name === undefined)
          throw new SanadError('ERR_SDJWT_DISCLOSURE_KIND_MISMATCH');
        if (Object.hasOwn(out, disclosure.name)) throw new SanadError('ERR_SDJWT_CLAIM_COLLISION');
        const claimPath = [...path, disclosure.name];
        setOwn(out, disclosure.name, walk(disclosure.value, claimPath, depth + 1));
        disclosedPaths.push(claimPath);
        disclosurePaths.push({ disclosure: disclosure.encoded, path: claimPath });
      }
    }
    return out;
  };

  const claims = walk(payload, [], 0) as Record<string, unknown>;
  if (used.size !== byDigest.size) throw new SanadError('ERR_SDJWT_DISCLOSURE_UNREFERENCED');
  return { claims, disclosedPaths, disclosurePaths };
}
