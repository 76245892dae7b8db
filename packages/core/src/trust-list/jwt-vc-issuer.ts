/**
 * Keys of an https issuer from its JWT VC Issuer Metadata (draft-ietf-oauth-sd-jwt-vc, "JWT VC
 * Issuer Metadata"), fetched through the guarded fetch with the same guards as did:web: the
 * metadata sits at `/.well-known/jwt-vc-issuer` inserted between the host and the path of `iss`,
 * its `issuer` MUST be identical to `iss` (else nothing in it is used), and it carries the keys
 * as `jwks` or behind `jwks_uri`, never both. The JWS header `kid` selects the key.
 */
import type { DidWebOptions } from '../did/did-web.js';
import { fromUtf8, isPlainObject, tryParseJson } from '../encoding.js';
import { SanadError } from '../errors.js';
import type { JWK } from '../keys.js';
import { createGuardedFetch } from '../net/guarded-fetch.js';

export interface JwtVcIssuerMetadata {
  issuer: string;
  jwks: { keys: JWK[] };
}

/** How long fetched metadata is reused without a `Cache-Control: max-age` (seconds). */
const DEFAULT_TTL_SECONDS = 300;
/** The longest fetched metadata is reused, whatever the server says: a rotation shows within it. */
const MAX_TTL_SECONDS = 3600;
/** An unknown `kid` refetches (a rotation) at most this often per issuer. */
const REFETCH_SECONDS = 30;

const invalid = (message: string): never => {
  throw new SanadError('ERR_ISSUER_METADATA_INVALID', message);
};

/**
 * The metadata URL of an https issuer: `https://agency.example` ->
 * `https://agency.example/.well-known/jwt-vc-issuer`, `https://agency.example/amman/` ->
 * `https://agency.example/.well-known/jwt-vc-issuer/amman`. http only for loopback hosts, and
 * only when insecure fetches are allowed (tests), as for did:web.
 *
 * @example
 * ```ts
 * jwtVcIssuerUrl('https://agency.example/amman') // 'https://agency.example/.well-known/jwt-vc-issuer/amman'
 * ```
 */
export function jwtVcIssuerUrl(iss: string, allowInsecure = false): string {
  let url: URL;
  try {
    url = new URL(iss);
  } catch {
    return invalid('The issuer identifier is not a URL.');
  }
  const loopbackHttp =
    allowInsecure && url.protocol === 'http:' && /^(127\.|localhost$|\[::1\]$)/.test(url.hostname);
  if (url.protocol !== 'https:' && !loopbackHttp)
    invalid('JWT VC Issuer Metadata is defined for https issuer identifiers only.');
  // The draft: scheme, host, optional port and path; no query, fragment or user info.
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '')
    invalid('An https issuer identifier has no query, fragment or user info.');
  const path = url.pathname.replace(/\/+$/, '');
  return `${url.origin}/.well-known/jwt-vc-issuer${path}`;
}

function keysOf(jwks: unknown): JWK[] {
  const keys = isPlainObject(jwks) ? jwks.keys : undefined;
  if (!Array.isArray(keys) || keys.some((k) => !isPlainObject(k) || typeof k.kty !== 'string'))
    return invalid('The issuer metadata jwks is not a JWK Set.');
  if (keys.some((k) => 'd' in k)) invalid('The issuer metadata publishes a private key.');
  return keys as JWK[];
}

function maxAge(headers: Headers): number {
  const control = headers.get('cache-control') ?? '';
  if (/no-store|no-cache/i.test(control)) return 0;
  const match = /max-age=(\d+)/i.exec(control);
  return Math.min(match ? Number(match[1]) : DEFAULT_TTL_SECONDS, MAX_TTL_SECONDS);
}

/**
 * Fetches and validates the JWT VC Issuer Metadata of `iss` (and its `jwks_uri`, if that is how
 * it gives the keys). Returns the metadata and how long it may be reused.
 *
 * @example
 * ```ts
 * const { metadata } = await fetchJwtVcIssuerMetadata('https://agency.example', { resolveHost: nodeHostResolver })
 * ```
 */
export async function fetchJwtVcIssuerMetadata(
  iss: string,
  options: DidWebOptions = {},
): Promise<{ metadata: JwtVcIssuerMetadata; ttlSeconds: number }> {
  const get = createGuardedFetch({ ...options, headers: { accept: 'application/json' } });
  const response = await get(jwtVcIssuerUrl(iss, options.allowInsecure));
  if (response.status !== 200) invalid(`The issuer metadata server answered ${response.status}.`);
  const doc = tryParseJson(fromUtf8(response.body));
  if (!isPlainObject(doc)) return invalid('The issuer metadata is not a JSON object.');
  // "If these values are not identical, the data contained in the response MUST NOT be used."
  if (doc.issuer !== iss)
    throw new SanadError(
      'ERR_ISSUER_METADATA_MISMATCH',
      'The issuer metadata names another issuer than the credential (its issuer must be identical to iss).',
    );
  if ((doc.jwks === undefined) === (doc.jwks_uri === undefined))
    invalid('The issuer metadata must give either jwks or jwks_uri, not both.');
  let jwks = doc.jwks;
  let ttlSeconds = maxAge(response.headers);
  if (doc.jwks_uri !== undefined) {
    if (typeof doc.jwks_uri !== 'string') invalid('The issuer metadata jwks_uri is not a URL.');
    const keys = await get(doc.jwks_uri as string);
    if (keys.status !== 200) invalid(`The jwks_uri server answered ${keys.status}.`);
    jwks = tryParseJson(fromUtf8(keys.body));
    ttlSeconds = Math.min(ttlSeconds, maxAge(keys.headers));
  }
  return { metadata: { issuer: iss, jwks: { keys: keysOf(jwks) } }, ttlSeconds };
}

/** Picks the key a JWS header `kid` names; without a `kid`, the set's only key. */
export function selectIssuerKey(jwks: { keys: JWK[] }, kid: string | undefined): JWK {
  const keys = kid === undefined ? jwks.keys : jwks.keys.filter((k) => k.kid === kid);
  if (keys.length !== 1)
    throw new SanadError(
      'ERR_ISSUER_KEY_NOT_FOUND',
      kid === undefined
        ? 'The credential names no kid and the issuer has more than one key.'
        : 'No key of the issuer metadata has the credential kid.',
    );
  return keys[0]!;
}

/**
 * A small cache of issuer metadata, one per trust list: reused for its `max-age` (default 300 s,
 * at most an hour), refetched once when a `kid` is unknown (a rotation), at most every 30 s. Like
 * did:web, it needs the network: offline, pin the keys in the trust list (`jwks`) instead.
 */
export class JwtVcIssuerKeys {
  readonly #entries = new Map<string, { jwks: { keys: JWK[] }; fetchedAt: number; ttl: number }>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** The key of `iss` that `kid` names, from cached or freshly fetched metadata. */
  async key(iss: string, kid: string | undefined, options: DidWebOptions = {}): Promise<JWK> {
    const now = this.#now();
    const cached = this.#entries.get(iss);
    const fresh = cached && now - cached.fetchedAt < cached.ttl * 1000;
    if (cached && fresh) {
      const found = cached.jwks.keys.filter((k) => kid === undefined || k.kid === kid);
      if (found.length === 1 || now - cached.fetchedAt < REFETCH_SECONDS * 1000)
        return selectIssuerKey(cached.jwks, kid);
    }
    const { metadata, ttlSeconds } = await fetchJwtVcIssuerMetadata(iss, options);
    if (this.#entries.size >= 256) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(iss, { jwks: metadata.jwks, fetchedAt: now, ttl: ttlSeconds });
    return selectIssuerKey(metadata.jwks, kid);
  }
}
